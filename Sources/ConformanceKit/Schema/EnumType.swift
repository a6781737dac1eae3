/// The values of a QAPI enum type.
public struct EnumType: Sendable, Hashable {
    /// One enum value.
    public struct Value: Sendable, Hashable {
        /// The value as sent on the wire.
        public var name: String
        /// The condition under which the value exists, if any.
        public var condition: Condition?
        /// Feature flags of the value.
        public var features: [Feature]
        /// The value's description from the doc comment.
        public var documentation: String?

        /// Creates an enum value.
        public init(_ name: String, condition: Condition? = nil, features: [Feature] = [], documentation: String? = nil)
        {
            self.name = name
            self.condition = condition
            self.features = features
            self.documentation = documentation
        }
    }

    /// The values in definition order.
    public var values: [Value]
    /// The C-name prefix (`'prefix'`), kept for completeness; it does not affect the wire.
    public var prefix: String?

    /// Creates an enum type.
    public init(values: [Value], prefix: String? = nil) {
        self.values = values
        self.prefix = prefix
    }

    /// The value names.
    public var names: [String] { values.map(\.name) }
}
