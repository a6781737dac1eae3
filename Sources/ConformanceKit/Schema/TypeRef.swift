/// A reference from a member, branch, command or event to a type: a type name or an array of one.
///
/// Names are resolved against `Schema.types`; introspected schemas may use obfuscated names
/// (numbers), which is fine because nothing relies on a name meaning anything.
public enum TypeRef: Sendable, Hashable, CustomStringConvertible {
    /// A named type: built-in, enum, object or alternate.
    case named(String)
    /// A JSON array whose elements have the given type (only this case is boxed: a name needs no allocation).
    indirect case array(TypeRef)

    /// The named type at the bottom of any array nesting.
    public var elementName: String {
        switch self {
        case .named(let name): name
        case .array(let element): element.elementName
        }
    }

    /// QAPI notation: `str`, `['int']` prints as `[int]`.
    public var description: String {
        switch self {
        case .named(let name): name
        case .array(let element): "[\(element)]"
        }
    }
}
