/// An immutable value kept behind one reference, so that the large, rarely read parts of schema
/// nodes (doc comments) cost one retain instead of a dozen when a node is copied.
///
/// Equality and hashing are by value: a box is invisible to `==`.
final class Boxed<Value: Sendable & Hashable>: Sendable, Hashable {
    let value: Value

    init(_ value: Value) { self.value = value }

    static func == (lhs: Boxed, rhs: Boxed) -> Bool { lhs === rhs || lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
