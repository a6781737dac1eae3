/// What running one case produced, with the oracle's verdict: one row of every report.
public struct CaseResult: Sendable, Hashable {
    /// An expected event's measured latency beside its allowed window (scenario timing).
    public struct EventTiming: Sendable, Hashable {
        /// The event name.
        public var event: String
        /// Milliseconds from sending the command to receiving the event; nil when it never came.
        public var latencyMilliseconds: Double?
        /// The allowed window in milliseconds.
        public var windowMilliseconds: Double

        /// Creates a timing.
        public init(event: String, latencyMilliseconds: Double?, windowMilliseconds: Double) {
            self.event = event
            self.latencyMilliseconds = latencyMilliseconds
            self.windowMilliseconds = windowMilliseconds
        }
    }

    /// The case's stable id.
    public var caseID: String
    /// The report group: the command name, `protocol`, or the scenario file.
    public var suite: String
    /// A one-line description of the case.
    public var summary: String
    /// The case kind.
    public var kind: TestCase.Kind
    /// The verdict.
    public var verdict: Verdict
    /// Wall time the case took, in seconds.
    public var duration: Double
    /// The exchange, rendered one line per message (requests, replies, events, with times).
    public var transcript: String
    /// Measured latencies of expected events.
    public var eventTimings: [EventTiming]
    /// What the endpoint did, normalized for comparing runs; nil when nothing was observed (a
    /// run that could not start).
    public var outcome: NormalizedOutcome?
    /// The item's round trips and event latencies.
    public var timings: CaseTimings

    /// Creates a result.
    public init(
        caseID: String, suite: String, summary: String, kind: TestCase.Kind, verdict: Verdict, duration: Double,
        transcript: String = "", eventTimings: [EventTiming] = [], outcome: NormalizedOutcome? = nil,
        timings: CaseTimings = .none
    ) {
        self.caseID = caseID
        self.suite = suite
        self.summary = summary
        self.kind = kind
        self.verdict = verdict
        self.duration = duration
        self.transcript = transcript
        self.eventTimings = eventTimings
        self.outcome = outcome
        self.timings = timings
    }
}
