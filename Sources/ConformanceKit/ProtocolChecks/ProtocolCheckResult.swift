/// What one protocol check found: a value a runner turns into a test case and a JUnit entry.
public struct ProtocolCheckResult: Sendable, Hashable {
    /// Passed, failed, or not applicable to this endpoint.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// The endpoint follows the rule.
        case passed
        /// The endpoint breaks the rule (or the exchange failed).
        case failed
        /// The rule could not be checked here (e.g. no `oob` offered); `detail` says why.
        case skipped
    }

    /// The check's name, e.g. `greeting-shape`.
    public var name: String
    /// The QMP spec section, e.g. `2.2`.
    public var section: String
    /// The outcome.
    public var outcome: Outcome
    /// What was observed (on failure: what was wrong).
    public var detail: String
    /// Every exchange of the check, across its connections, in time order.
    public var transcript: QMPTranscript

    /// Whether the check passed.
    public var passed: Bool { outcome == .passed }

    /// Creates a result.
    /// - Parameters:
    ///   - name: check name.
    ///   - section: spec section.
    ///   - outcome: the outcome.
    ///   - detail: what was observed.
    ///   - transcript: the exchanges.
    public init(name: String, section: String, outcome: Outcome, detail: String, transcript: QMPTranscript) {
        self.name = name
        self.section = section
        self.outcome = outcome
        self.detail = detail
        self.transcript = transcript
    }
}
