/// Gathers the recoverable findings of one stage (style warnings, notes) in the order they arise.
///
/// In strict mode warnings count as errors, which is how `--strict` turns QAPI style rules into faults.
public struct DiagnosticCollector: Sendable, Hashable {
    /// Everything collected so far, in order.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Whether warnings are promoted to errors.
    public var strict: Bool

    /// Creates an empty collector.
    /// - Parameter strict: promote warnings to errors.
    public init(strict: Bool = false) { self.strict = strict }

    /// Records a diagnostic, promoting a warning to an error in strict mode.
    /// - Parameter diagnostic: the finding.
    public mutating func add(_ diagnostic: Diagnostic) {
        var diagnostic = diagnostic
        if strict && diagnostic.severity == .warning { diagnostic.severity = .error }
        diagnostics.append(diagnostic)
    }

    /// Records several diagnostics.
    /// - Parameter others: findings in order.
    public mutating func add(contentsOf others: [Diagnostic]) {
        for diagnostic in others { add(diagnostic) }
    }

    /// The errors collected (including promoted warnings).
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// Whether any error was collected.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
