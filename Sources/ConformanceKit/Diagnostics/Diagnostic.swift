/// One finding about user input: a schema fault, a style warning, a case-file error.
///
/// Prints as `file:line:column: severity: message`, followed by an indented hint that says what to
/// do next when there is one. Diagnostics are values; a `DiagnosticCollector` gathers them.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The severity.
    public var severity: Severity
    /// What is wrong, in one line.
    public var message: String
    /// Where, when the finding concerns a place in a file.
    public var location: SourceLocation?
    /// What the user can do about it, when there is something useful to say.
    public var hint: String?

    /// Creates a diagnostic.
    /// - Parameters:
    ///   - severity: error, warning or note.
    ///   - message: one line saying what is wrong.
    ///   - location: where it is, if anywhere.
    ///   - hint: the next step for the user.
    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
    }

    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): \(message)"
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}

/// A fatal diagnostic thrown as an error: the load or parse it belongs to cannot continue.
public struct DiagnosticError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error diagnostics, at least one; the first is the cause that stopped the work.
    public var diagnostics: [Diagnostic]

    /// Wraps one diagnostic.
    /// - Parameter diagnostic: the fatal finding.
    public init(_ diagnostic: Diagnostic) { diagnostics = [diagnostic] }

    /// Wraps several diagnostics.
    /// - Parameter diagnostics: the findings, the first being the main one.
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
