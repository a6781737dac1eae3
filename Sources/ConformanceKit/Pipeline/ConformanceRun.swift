/// The whole pipeline after planning, as one library call: fire the planned items (`Runner`),
/// judge each observation as it arrives (`Oracle`), apply the waivers, compare with a reference
/// when one is given (a baseline, or a second endpoint the same items then run against: failing
/// the regressed or differing cases), and hand back the results in plan order. The CLI parses
/// flags, calls this, and writes the reports.
///
/// Pipeline position: `RunPlan` → `ConformanceRun` (`Runner` → `Oracle` → `Waivers` →
/// `BaselineComparison`) →
/// [`CaseResult`] → `RunReport` → reporters.
public struct ConformanceRun: Sendable {
    /// Where a run stands, for progress display.
    public struct Progress: Sendable {
        /// Items finished.
        public var done: Int
        /// Items in the run.
        public var total: Int
        /// Items failed or errored so far (after waivers).
        public var failed: Int
        /// The result just judged, with its waiver applied.
        public var latest: CaseResult
    }

    /// What a run produced.
    public struct Result: Sendable {
        /// One result per item, in plan order; a run that could not start has one errored
        /// result that says why.
        public var results: [CaseResult]
        /// The facts of the run (greeting, interruption, why it could not start, round trips).
        public var outcome: Runner.Outcome
        /// The expired and the stale waivers.
        public var waiverReview: Waivers.Review
        /// What this run did, before any baseline comparison: what `--record-baseline` stores.
        public var observed: Baseline
        /// The changes against the reference, when one was given.
        public var comparison: BaselineComparison?
        /// The facts of the reference endpoint's run (`Reference.endpoint`).
        public var referenceOutcome: Runner.Outcome?
    }

    /// What a run is compared with.
    public enum Reference: Sendable {
        /// A stored run of this endpoint, and how much slower a time may get.
        case baseline(Baseline, tolerance: TimingTolerance)
        /// Another endpoint (an upstream build, another version or architecture), whose runner
        /// fires the same items after this run's; times count only with a tolerance.
        case endpoint(Runner, tolerance: TimingTolerance?)
    }

    /// Fires the items.
    public var runner: Runner
    /// Judges them.
    public var oracle: Oracle
    /// Known deviations reported as waived.
    public var waivers: Waivers
    /// The day of the run, against which waivers expire.
    public var today: CalendarDate
    /// Whether a stale waiver (its cases ran, none failed) fails the run (`--strict-waivers`).
    public var strictWaivers: Bool
    /// What to compare with; nil for no comparison.
    public var reference: Reference?

    /// Creates a run.
    /// - Parameters:
    ///   - runner: fires the items.
    ///   - oracle: judges them.
    ///   - waivers: known deviations.
    ///   - today: the day of the run (default: the host's, in UTC).
    ///   - strictWaivers: whether a stale waiver fails the run.
    ///   - reference: what to compare with.
    public init(
        runner: Runner, oracle: Oracle, waivers: Waivers = .none,
        today: CalendarDate = CalendarDate(secondsSince1970: Host.wallClock()), strictWaivers: Bool = false,
        reference: Reference? = nil
    ) {
        self.runner = runner
        self.oracle = oracle
        self.waivers = waivers
        self.today = today
        self.strictWaivers = strictWaivers
        self.reference = reference
    }

    /// Runs the items of a plan (then, against a reference endpoint, the same items there).
    /// - Parameters:
    ///   - items: the plan's items.
    ///   - progress: called after each item (from any task).
    ///   - isCancelled: polled between items; when it turns true the rest are not run.
    /// - Returns: the judged results and the facts of the run; when the reference endpoint's run
    ///   cannot start, one errored result that says why, with that run's outcome.
    public func run(
        _ items: [Runner.Item], progress: @escaping @Sendable (Progress) -> Void = { _ in },
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) async -> Result {
        let result = await judged(items, on: runner, progress: progress, isCancelled: isCancelled)
        guard result.outcome.fatal == nil, !result.outcome.interrupted else { return result }
        switch reference {
        case nil:
            return result
        case .baseline(let baseline, let tolerance):
            return Self.compared(result, with: baseline, tolerance: tolerance, source: .earlierRun)
        case .endpoint(let other, let tolerance):
            let there = await judged(items, on: other, progress: progress, isCancelled: isCancelled)
            if let fatal = there.outcome.fatal {
                var failed = there
                failed.results = [Self.couldNotStart("the reference endpoint: \(fatal)")]
                return failed
            }
            guard !there.outcome.interrupted else { return result }
            var compared = Self.compared(result, with: there.observed, tolerance: tolerance, source: .otherEndpoint)
            compared.referenceOutcome = there.outcome
            compared.results = Self.withReferenceTranscripts(compared, reference: there.results)
            return compared
        }
    }

    /// The heading that separates the reference endpoint's transcript from the case's own.
    public static let referenceTranscriptHeading = "--- the reference endpoint ---"

    /// The results with the reference endpoint's transcript appended to each differing case's
    /// own, under `referenceTranscriptHeading`, so reports show both sides' replies in full.
    private static func withReferenceTranscripts(_ result: Result, reference: [CaseResult]) -> [CaseResult] {
        let differing = Set((result.comparison?.changes ?? []).filter(\.kind.isRegression).map(\.caseID))
        let theirs = Dictionary(reference.map { ($0.caseID, $0.transcript) }, uniquingKeysWith: { first, _ in first })
        return result.results.map { item in
            guard differing.contains(item.caseID), let transcript = theirs[item.caseID] else { return item }
            var both = item
            let own =
                both.transcript.isEmpty || both.transcript.hasSuffix("\n") ? both.transcript : both.transcript + "\n"
            both.transcript = own + referenceTranscriptHeading + "\n" + transcript
            return both
        }
    }

    /// A result with the comparison against a reference applied.
    private static func compared(
        _ result: Result, with reference: Baseline, tolerance: TimingTolerance?, source: BaselineComparison.Source
    ) -> Result {
        let comparison = BaselineComparison(
            baseline: reference, current: result.observed, tolerance: tolerance, source: source)
        var compared = result
        compared.results = comparison.apply(to: result.results)
        compared.comparison = comparison
        return compared
    }

    /// Runs the items on one runner, judges them and applies the waivers.
    private func judged(
        _ items: [Runner.Item], on runner: Runner, progress: @escaping @Sendable (Progress) -> Void,
        isCancelled: @escaping @Sendable () -> Bool
    ) async -> Result {
        let collector = ResultCollector(total: items.count, progress: progress) { [waivers, today] in
            waivers.apply(to: $0, today: today)
        }
        let oracle = oracle
        let outcome = await runner.run(items, isCancelled: isCancelled) { index, item, observation in
            await collector.add(oracle.judge(item, observation), at: index)
        }
        if let fatal = outcome.fatal {
            let results = [Self.couldNotStart(fatal)]
            return Result(
                results: results, outcome: outcome, waiverReview: .empty, observed: Baseline(results: results))
        }
        let judged = await collector.results
        let results = waivers.apply(to: judged, today: today)
        let review = waivers.review(judged, today: today, staleFailsRun: strictWaivers)
        return Result(results: results, outcome: outcome, waiverReview: review, observed: Baseline(results: results))
    }

    /// The one result of a run that could not start (no endpoint reached, no schema read), so
    /// CI still gets a report that says why.
    /// - Parameter reason: why the run could not start.
    /// - Returns: an errored result.
    public static func couldNotStart(_ reason: String) -> CaseResult {
        CaseResult(
            caseID: TestCase.id(command: "endpoint", kind: .protocol, identity: ["could-not-start"]), suite: "endpoint",
            summary: "the endpoint can be reached and speaks QMP", kind: .protocol, verdict: .errored(reason),
            duration: 0)
    }
}

/// Collects judged results in plan order (before waivers, which the review needs) and reports
/// progress, with waivers applied, as they arrive.
private actor ResultCollector {
    private var slots: [CaseResult?]
    private var failed = 0
    private var done = 0
    private let progress: @Sendable (ConformanceRun.Progress) -> Void
    private let waived: @Sendable (CaseResult) -> CaseResult

    init(
        total: Int, progress: @escaping @Sendable (ConformanceRun.Progress) -> Void,
        waived: @escaping @Sendable (CaseResult) -> CaseResult
    ) {
        slots = Array(repeating: nil, count: total)
        self.progress = progress
        self.waived = waived
    }

    func add(_ result: CaseResult, at index: Int) {
        slots[index] = result
        done += 1
        let reported = waived(result)
        if reported.verdict.isFailure { failed += 1 }
        progress(ConformanceRun.Progress(done: done, total: slots.count, failed: failed, latest: reported))
    }

    var results: [CaseResult] { slots.compactMap { $0 } }
}
