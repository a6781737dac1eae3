/// Keeps a large, rarely read value (a doc comment) behind one shared reference, so that copying
/// the schema node that holds it costs one retain instead of a dozen. Equality and hashing are by
/// value: the box is invisible to `==`.
@propertyWrapper
public struct Boxed<Value: Sendable & Hashable>: Sendable, Hashable {
    private final class Storage: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var storage: Storage

    /// Boxes a value.
    public init(wrappedValue: Value) { storage = Storage(wrappedValue) }

    /// The value; assigning boxes the new one.
    public var wrappedValue: Value {
        get { storage.value }
        set { storage = Storage(newValue) }
    }

    /// Reads part of the value without copying the rest of it out of the box.
    /// - Parameter body: reads the value.
    /// - Returns: what `body` returns.
    public func read<Result>(_ body: (Value) -> Result) -> Result { body(storage.value) }

    /// The box itself (`$doc`), so that two nodes can share one boxed value without a copy.
    public var projectedValue: Boxed {
        get { self }
        set { self = newValue }
    }

    public static func == (lhs: Boxed, rhs: Boxed) -> Bool {
        lhs.storage === rhs.storage || lhs.wrappedValue == rhs.wrappedValue
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue) }
}
