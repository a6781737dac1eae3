/// A QAPI feature flag on a definition or member, such as `deprecated` or `unstable`.
public struct Feature: Sendable, Hashable {
    /// The feature name.
    public var name: String
    /// The condition under which the feature is present, if any.
    public var condition: Condition?

    /// Creates a feature.
    public init(_ name: String, condition: Condition? = nil) {
        self.name = name
        self.condition = condition
    }

    /// The features QEMU gives a meaning (and introspection a bit) to: allowed on commands,
    /// events and members, not on types.
    static let specialNames: Set<String> = ["deprecated", "unstable"]

    /// How many distinct feature names a schema may use: QEMU keeps them in a 64-bit mask.
    static let maximumDistinctNames = 64
}
