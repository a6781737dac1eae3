/// A QAPI `'if'` condition: the build configuration under which a definition, member, branch,
/// enum value or feature exists.
///
/// Kept in the model as written; `evaluate(defines:)` decides it for one configuration
/// (`--define NAME`). Introspected schemas never carry conditions: the build already applied them.
public enum Condition: Sendable, Hashable, CustomStringConvertible {
    /// A configuration symbol such as `CONFIG_VNC` or `TARGET_I386`.
    case name(String)
    /// All sub-conditions hold.
    case all([Condition])
    /// At least one sub-condition holds.
    case any([Condition])
    /// The sub-condition does not hold (the only boxed case: the lists already hold their elements out of line).
    indirect case not(Condition)

    /// Whether the condition holds when exactly `defines` are set.
    /// - Parameter defines: the configuration symbols that are set.
    /// - Returns: the truth value.
    public func evaluate(defines: Set<String>) -> Bool {
        switch self {
        case .name(let name): defines.contains(name)
        case .all(let conditions): conditions.allSatisfy { $0.evaluate(defines: defines) }
        case .any(let conditions): conditions.contains { $0.evaluate(defines: defines) }
        case .not(let condition): !condition.evaluate(defines: defines)
        }
    }

    /// Every configuration symbol the condition mentions.
    public var names: Set<String> {
        switch self {
        case .name(let name): [name]
        case .all(let conditions), .any(let conditions): conditions.reduce(into: []) { $0.formUnion($1.names) }
        case .not(let condition): condition.names
        }
    }

    /// QAPI's own notation, e.g. `{'all': ['CONFIG_OPENGL', 'CONFIG_GBM']}` prints as
    /// `CONFIG_OPENGL && CONFIG_GBM`.
    public var description: String {
        switch self {
        case .name(let name): name
        case .all(let conditions): "(" + conditions.map(\.description).joined(separator: " && ") + ")"
        case .any(let conditions): "(" + conditions.map(\.description).joined(separator: " || ") + ")"
        case .not(let condition): "!" + condition.description
        }
    }
}
