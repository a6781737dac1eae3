/// A named type of a resolved schema: built-in, enum, object (struct or union) or alternate.
///
/// Part of the `Schema` model that both the QAPI source loader and the introspection loader
/// produce. Arrays are not named types here: they are `TypeRef.array`.
public struct SchemaType: Sendable, Hashable {
    /// What kind of type this is, with its kind-specific content.
    public enum Kind: Sendable, Hashable {
        case builtin(BuiltinType)
        case enumeration(EnumType)
        case object(ObjectType)
        case alternate(AlternateType)
    }

    /// How the type came to be in the source schema.
    public enum Origin: String, Sendable, Hashable {
        /// Built into the language (`str`, `int8`, `QType`, ...).
        case builtin
        /// Defined with `struct` (or the old `type` keyword).
        case `struct`
        /// Defined with `union`.
        case union
        /// Defined with `enum`.
        case `enum`
        /// Defined with `alternate`.
        case alternate
        /// Made by the loader: a command's inline arguments, an inline base, a simple union's
        /// implicit enum or wrapper, an anonymous nested struct of old schemas.
        case implicit
        /// Read from introspection, where the definition keyword is unknown.
        case introspection
    }

    /// The type name (an obfuscated number in some introspected schemas).
    public var name: String
    /// The kind and content.
    public var kind: Kind
    /// How the type was defined.
    public var origin: Origin
    /// The condition under which the type exists, if any.
    public var condition: Condition?
    /// Feature flags.
    public var features: [Feature]
    /// The doc comment, if the definition had one.
    @Boxed public var doc: DocComment?
    /// Where the type is defined.
    public var location: SourceLocation?

    /// Creates a type.
    public init(
        name: String, kind: Kind, origin: Origin, condition: Condition? = nil, features: [Feature] = [],
        doc: DocComment? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.kind = kind
        self.origin = origin
        self.condition = condition
        self.features = features
        self.doc = doc
        self.location = location
    }

    /// Creates a type that shares an already boxed doc comment (the loader's, without copying it).
    init(
        name: String, kind: Kind, origin: Origin, condition: Condition?, features: [Feature],
        sharing doc: Boxed<DocComment?>, location: SourceLocation?
    ) {
        self.init(name: name, kind: kind, origin: origin, condition: condition, features: features, location: location)
        $doc = doc
    }

    /// The object content, for object types.
    public var object: ObjectType? { if case .object(let object) = kind { object } else { nil } }
    /// The enum content, for enum types.
    public var enumeration: EnumType? { if case .enumeration(let values) = kind { values } else { nil } }
    /// The alternate content, for alternates.
    public var alternate: AlternateType? { if case .alternate(let alternate) = kind { alternate } else { nil } }
    /// The built-in type, for built-ins.
    public var builtin: BuiltinType? { if case .builtin(let builtin) = kind { builtin } else { nil } }

    /// A readable name for the meta-type (`struct`, `union`, `enum`, `alternate`, `built-in`).
    public var metaTypeName: String {
        switch kind {
        case .builtin: "built-in"
        case .enumeration: "enum"
        case .alternate: "alternate"
        case .object(let object): object.variants == nil ? "struct" : "union"
        }
    }
}
