/// A JSON object type: a struct, or a union flattened onto its base.
///
/// `members` holds every member common to all values (a struct's base members first, then its
/// own). A union adds `variants`: the value of the `tag` member selects a branch whose object
/// type contributes further members.
public struct ObjectType: Sendable, Hashable {
    /// The branches of a union, selected by the tag member's value.
    public struct Variants: Sendable, Hashable {
        /// One branch: the tag value and the object type whose members it adds.
        public struct Variant: Sendable, Hashable {
            /// The tag (discriminator) value that selects this branch.
            public var name: String
            /// The object type whose members the branch adds.
            public var type: TypeRef
            /// The condition under which the branch exists, if any.
            public var condition: Condition?
            /// Where the branch is defined.
            public var location: SourceLocation?

            /// Creates a branch.
            public init(name: String, type: TypeRef, condition: Condition? = nil, location: SourceLocation? = nil) {
                self.name = name
                self.type = type
                self.condition = condition
                self.location = location
            }
        }

        /// The name of the member whose value selects the branch (the discriminator).
        public var tag: String
        /// The branches in definition order.
        public var cases: [Variant]

        /// Creates the variants of a union.
        public init(tag: String, cases: [Variant]) {
            self.tag = tag
            self.cases = cases
        }

        /// The branch for a tag value.
        public func variant(named name: String) -> Variant? { cases.first { $0.name == name } }
    }

    /// Members common to every value, base members first.
    public var members: [Member]
    /// The name of the base struct, when the type has one (source schemas).
    public var base: String?
    /// The branches, for a union.
    public var variants: Variants?
    /// Whether the type comes from a command with `'gen': false`, whose arguments QEMU does not
    /// validate against the schema: extra members are allowed.
    public var acceptsExtraMembers: Bool

    /// Creates an object type.
    public init(members: [Member], base: String? = nil, variants: Variants? = nil, acceptsExtraMembers: Bool = false) {
        self.members = members
        self.base = base
        self.variants = variants
        self.acceptsExtraMembers = acceptsExtraMembers
    }

    /// The common member with a name.
    public func member(named name: String) -> Member? { members.first { $0.name == name } }
}
