/// What happened when one item of a run ran: every request sent, what came back, every event
/// and protocol fault seen, and whether the endpoint survived. Runners produce observations and
/// never verdicts; `Oracle.judge(_:_:)` alone turns an observation into a `CaseResult`.
///
/// Pipeline position: `Runner` → [`Observation`] → `Oracle` → [`CaseResult`] → reporters.
public struct Observation: Sendable {
    /// How far the item got.
    public enum Ending: Sendable, Hashable {
        /// Everything the item meant to send was sent (replies may still have failed to come).
        case completed
        /// Nothing was sent: the item cannot apply here (safety policy, requirements,
        /// interruption, an endpoint that was never reached). Judged as skipped.
        case notRun(String)
        /// The item could not be carried through (a variable without a value, no reply to a
        /// step, an endpoint that could not be started). Judged as errored.
        case broken(String)
        /// The item's endpoint could not be reached (why). Judged as errored; an endpoint the
        /// run did not launch is then waited for.
        case unreachable(String)
    }

    /// One command sent and what came back.
    public struct Exchange: Sendable {
        /// Where the command sits in its item: the root for a generated case, `steps[i]` for a
        /// scenario step.
        public var path: JSONPath
        /// For a scenario step: the step with its variables substituted, as it is judged.
        public var step: Scenario.Step?
        /// The request as sent.
        public var request: JSONObject
        /// When it was sent (the client's clock).
        public var sentAt: ContinuousClock.Instant
        /// The reply, when one came.
        public var reply: QMPReply?
        /// Why no reply came (timeout, closed connection, protocol fault), when none did.
        public var failure: String?

        /// Creates an exchange.
        /// - Parameters:
        ///   - path: where the command sits in its item.
        ///   - step: the substituted scenario step, if any.
        ///   - request: the request as sent.
        ///   - sentAt: when it was sent.
        ///   - reply: the reply.
        ///   - failure: why no reply came.
        public init(
            path: JSONPath = .root, step: Scenario.Step? = nil, request: JSONObject, sentAt: ContinuousClock.Instant,
            reply: QMPReply? = nil, failure: String? = nil
        ) {
            self.path = path
            self.step = step
            self.request = request
            self.sentAt = sentAt
            self.reply = reply
            self.failure = failure
        }
    }

    /// What a state query listed before and after an invalid case.
    public struct Snapshot: Sendable {
        /// The query.
        public var query: Resource.Query
        /// Its `return` before the case, when it succeeded.
        public var before: JSONValue?
        /// Its `return` after the case, when it succeeded.
        public var after: JSONValue?

        /// Creates a snapshot pair.
        /// - Parameters:
        ///   - query: the query.
        ///   - before: its reply before the case.
        ///   - after: its reply after the case.
        public init(query: Resource.Query, before: JSONValue?, after: JSONValue?) {
            self.query = query
            self.before = before
            self.after = after
        }
    }

    /// How far the item got.
    public var ending: Ending
    /// The commands sent, in order.
    public var exchanges: [Exchange]
    /// Every event that arrived while the item ran, in arrival order.
    public var events: [QMPEvent]
    /// Protocol faults the client recorded while the item ran (framing, shape, ids, timestamps).
    public var findings: [QMPFinding]
    /// The endpoint's timestamp of the last event before the item, for the order check.
    public var previousEventTimestamp: QMPTimestamp?
    /// How the endpoint was lost during the item (liveness check failed: exit status, stderr
    /// tail), when it was.
    public var endpointLost: String?
    /// For a protocol check: what the check found.
    public var protocolCheck: ProtocolCheckResult?
    /// For an invalid case of a state-changing command: its state queries before and after.
    public var snapshots: [Snapshot] = []
    /// For a generated case: the endpoint said it has the command disabled (the guest agent's
    /// `guest-info`, `enabled: false`), so it must answer `CommandNotFound` whatever the arguments.
    public var commandDisabled = false
    /// How long the item took.
    public var duration: Duration
    /// The item's exchange as it went over the wire.
    public var transcript: String

    /// Creates an observation.
    /// - Parameters:
    ///   - ending: how far the item got.
    ///   - exchanges: the commands sent.
    ///   - events: the events seen.
    ///   - findings: the protocol faults recorded.
    ///   - previousEventTimestamp: the last event's timestamp before the item.
    ///   - endpointLost: how the endpoint was lost, if it was.
    ///   - protocolCheck: a protocol check's result.
    ///   - duration: how long the item took.
    ///   - transcript: the wire transcript.
    public init(
        ending: Ending = .completed, exchanges: [Exchange] = [], events: [QMPEvent] = [], findings: [QMPFinding] = [],
        previousEventTimestamp: QMPTimestamp? = nil, endpointLost: String? = nil,
        protocolCheck: ProtocolCheckResult? = nil, duration: Duration = .zero, transcript: String = ""
    ) {
        self.ending = ending
        self.exchanges = exchanges
        self.events = events
        self.findings = findings
        self.previousEventTimestamp = previousEventTimestamp
        self.endpointLost = endpointLost
        self.protocolCheck = protocolCheck
        self.duration = duration
        self.transcript = transcript
    }

    /// An item that did not run, and why.
    /// - Parameter reason: why it was not run.
    /// - Returns: the observation.
    public static func notRun(_ reason: String) -> Observation { Observation(ending: .notRun(reason)) }
}
