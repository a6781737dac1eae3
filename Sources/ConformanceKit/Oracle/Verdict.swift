/// The oracle's judgement of one case.
public enum Verdict: Sendable, Hashable {
    /// Everything expected happened.
    case passed
    /// Something expected did not happen; each failure says what, where, and by which rule.
    case failed([Failure])
    /// The case did not apply (a scenario's `requires`, an unsafe command without opt-in, an
    /// interrupted run); the reason says which.
    case skipped(String)
    /// The case could not be judged: the endpoint died or hung, the transport failed.
    case errored(String)
    /// The case failed, but a waiver lists it as a known deviation: reported, not failing the run.
    case waived(reason: String, failures: [Failure])

    /// One structured difference between what was expected and what happened.
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        /// The rule that was broken, e.g. `invalid-accepted`, `returns-conformance`, `event-late`.
        public var rule: FailureRule
        /// Where in the reply or event the difference is (root when it concerns the whole message).
        public var path: JSONPath
        /// What was expected, in words or JSON.
        public var expected: String
        /// What happened, in words or JSON.
        public var actual: String

        /// Creates a failure.
        public init(rule: FailureRule, path: JSONPath = .root, expected: String, actual: String) {
            self.rule = rule
            self.path = path
            self.expected = expected
            self.actual = actual
        }

        public var description: String { "[\(rule)] at \(path): expected \(expected), got \(actual)" }
    }

    /// The verdict without its details: what reports name it and baselines compare.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case passed, failed, skipped, errored, waived

        /// Whether a verdict of this kind fails a run.
        public var isFailure: Bool { self == .failed || self == .errored }
    }

    /// The verdict's kind.
    public var kind: Kind {
        switch self {
        case .passed: .passed
        case .failed: .failed
        case .skipped: .skipped
        case .errored: .errored
        case .waived: .waived
        }
    }

    /// Whether the verdict counts as a pass (skips do not fail a run).
    public var isFailure: Bool { kind.isFailure }
}
