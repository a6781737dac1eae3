/// One member of an object type (a struct member, a command argument, an event data member).
public struct Member: Sendable, Hashable {
    /// The member name as it appears on the wire (without QAPI's `*` optional marker).
    public var name: String
    /// The member's type.
    public var type: TypeRef
    /// Whether the member may be absent.
    public var isOptional: Bool
    /// The condition under which the member exists, if any.
    public var condition: Condition?
    /// Feature flags (e.g. `deprecated`, `unstable`).
    public var features: [Feature]
    /// The member's description from the doc comment, if documented.
    public var documentation: String?
    /// Where the member is defined (`nil` for introspected schemas' synthetic locations).
    public var location: SourceLocation?

    /// Creates a member.
    public init(
        name: String, type: TypeRef, isOptional: Bool = false, condition: Condition? = nil,
        features: [Feature] = [], documentation: String? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.type = type
        self.isOptional = isOptional
        self.condition = condition
        self.features = features
        self.documentation = documentation
        self.location = location
    }
}
