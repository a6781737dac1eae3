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
}
