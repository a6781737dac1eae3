/// A QAPI alternate: a value that may be any one of several types, told apart by JSON kind.
public struct AlternateType: Sendable, Hashable {
    /// One branch of the alternate.
    public struct Branch: Sendable, Hashable {
        /// The branch name in the source schema (introspection has none; it uses the type name).
        public var name: String
        /// The branch type.
        public var type: TypeRef
        /// The condition under which the branch exists, if any.
        public var condition: Condition?

        /// Creates a branch.
        public init(name: String, type: TypeRef, condition: Condition? = nil) {
            self.name = name
            self.type = type
            self.condition = condition
        }
    }

    /// The branches in definition order.
    public var branches: [Branch]

    /// Creates an alternate.
    public init(branches: [Branch]) { self.branches = branches }
}
