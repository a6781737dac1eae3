import Foundation

/// Fires cases at endpoints and collects one `CaseResult` per case: the stage between case
/// generation and reporting.
///
/// Each job drives its own endpoint, one case at a time (a QMP monitor serves one client); cases
/// are dealt to jobs round-robin and results come back in case order. After every case a
/// liveness command checks that the endpoint survived; a dead or hung endpoint fails the case
/// with its exit status and stderr tail and is relaunched. Valid cases of commands with effects
/// (the safety policy's `destructive` tag) run on a separate, disposable launched endpoint, or
/// only with `allowUnsafe` when the run does not own the endpoint.
public struct Runner: Sendable {
    /// How a run behaves.
    public struct Configuration: Sendable {
        /// The endpoint.
        public var target: EndpointTarget
        /// Parallel endpoints (launched targets only; other targets run with one).
        public var jobs: Int
        /// How long one case may wait for its reply.
        public var caseTimeout: Duration
        /// How long the liveness check after each case may take.
        public var livenessTimeout: Duration
        /// Run destructive cases on an endpoint the run does not own.
        public var allowUnsafe: Bool

        /// Creates a configuration.
        public init(
            target: EndpointTarget = .defaultLaunch, jobs: Int = 1, caseTimeout: Duration = .seconds(5),
            livenessTimeout: Duration = .seconds(3), allowUnsafe: Bool = false
        ) {
            self.target = target
            self.jobs = max(1, jobs)
            self.caseTimeout = caseTimeout
            self.livenessTimeout = livenessTimeout
            self.allowUnsafe = allowUnsafe
        }
    }

    /// Where a run stands, for progress display.
    public struct Progress: Sendable {
        /// Cases finished.
        public var done: Int
        /// Cases in the run.
        public var total: Int
        /// Cases failed or errored so far.
        public var failed: Int
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        /// One result per case that ran or was skipped, in case order.
        public var results: [CaseResult]
        /// The greeting of the first endpoint, if it could be reached.
        public var greeting: QMPGreeting?
        /// Whether the run stopped early on request.
        public var interrupted: Bool
        /// Why the run could not happen at all (first endpoint unreachable), if so.
        public var fatal: String?
        /// Requests sent: case requests plus liveness checks.
        public var roundTrips: Int
    }

    /// One unit of work: a generated case, a protocol check or a scenario.
    public enum Item: Sendable {
        case testCase(TestCase)
        case protocolCheck(ProtocolCheck)
        case scenario(Scenario)
    }

    let configuration: Configuration
    let oracle: Oracle
    let ports = FreePortPool()

    /// Creates a runner.
    /// - Parameters:
    ///   - configuration: the endpoint and limits.
    ///   - oracle: judges each case.
    public init(configuration: Configuration, oracle: Oracle) {
        self.configuration = configuration
        self.oracle = oracle
    }

    /// The command used to check that an endpoint is alive: the cheapest the schema offers.
    var livenessCommand: String {
        ["query-status", "query-version", "query-commands"].first { oracle.schema.command(named: $0) != nil }
            ?? "query-commands"
    }

    /// Runs items.
    /// - Parameters:
    ///   - items: cases and protocol checks, in report order.
    ///   - progress: called after each item (from any task).
    ///   - isCancelled: polled between items; when it turns true the rest are skipped as interrupted.
    /// - Returns: the results and facts of the run.
    public func run(
        _ items: [Item], progress: @escaping @Sendable (Progress) -> Void = { _ in },
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) async -> Outcome {
        let jobs = configuration.target.isLaunched ? min(configuration.jobs, max(1, items.count)) : 1
        let counter = ProgressCounter(total: items.count, report: progress)
        var queues = Array(repeating: [(Int, Item)](), count: jobs)
        var next = 0
        for (index, item) in items.enumerated() {
            // Protocol checks stay on job 0: they open connections of their own one at a time.
            if case .protocolCheck = item {
                queues[0].append((index, item))
            } else {
                queues[next % jobs].append((index, item))
                next += 1
            }
        }
        let outcomes = await withTaskGroup(of: JobOutcome.self) { group in
            for queue in queues {
                group.addTask { await self.runJob(queue, counter: counter, isCancelled: isCancelled) }
            }
            var all: [JobOutcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let fatal = outcomes.compactMap(\.fatal).first
        // When no endpoint could be reached, nothing ran: the run could not happen at all.
        let results =
            outcomes.allSatisfy({ $0.fatal != nil }) ? [] : outcomes.flatMap(\.results).sorted { $0.0 < $1.0 }.map(\.1)
        return Outcome(
            results: results, greeting: outcomes.compactMap(\.greeting).first,
            interrupted: outcomes.contains(where: \.interrupted),
            fatal: fatal, roundTrips: outcomes.reduce(0) { $0 + $1.roundTrips })
    }

    // MARK: Jobs

    struct JobOutcome: Sendable {
        var results: [(Int, CaseResult)] = []
        var greeting: QMPGreeting?
        var interrupted = false
        var fatal: String?
        var roundTrips = 0
    }

    /// Runs one job's items on its own endpoint (plus a disposable one for destructive cases).
    func runJob(_ queue: [(Int, Item)], counter: ProgressCounter, isCancelled: @Sendable () -> Bool) async -> JobOutcome
    {
        var outcome = JobOutcome()
        let main = Endpoint(target: configuration.target)
        var disposable: Endpoint?
        do {
            let client = try await main.connect()
            outcome.greeting = await client.greeting
        } catch {
            outcome.fatal = "cannot reach the endpoint (\(configuration.target)): \(error)"
        }
        // Ordinary items first, then the destructive ones on their disposable endpoint.
        let ordered = queue.filter { !isDestructive($0.1) } + queue.filter { isDestructive($0.1) }
        var lastEvent: QMPTimestamp?
        for (index, item) in ordered {
            if isCancelled() || outcome.interrupted {
                outcome.interrupted = true
                outcome.results.append((index, skipped(item, reason: "interrupted before it ran")))
                await counter.finish(failed: false)
                continue
            }
            if let reason = outcome.fatal {
                outcome.results.append((index, skipped(item, reason: reason)))
                await counter.finish(failed: false)
                continue
            }
            let result: CaseResult
            switch item {
            case .protocolCheck(let check):
                result = await runProtocolCheck(check, on: main)
            case .scenario(let scenario):
                result = await runScenario(scenario, main: main, greeting: outcome.greeting)
            case .testCase(let testCase):
                if isDestructive(item) && !configuration.target.isLaunched && !configuration.allowUnsafe {
                    result = skipped(
                        item,
                        reason: "has effects beyond the endpoint (\(effects(of: testCase).joined(separator: ", "))); "
                            + "runs only on a launched endpoint or with --allow-unsafe")
                } else {
                    let endpoint: Endpoint
                    if isDestructive(item) && configuration.target.isLaunched {
                        if disposable == nil { disposable = Endpoint(target: configuration.target) }
                        endpoint = disposable ?? main
                    } else {
                        endpoint = main
                    }
                    let run = await runCase(testCase, on: endpoint, previousEvent: lastEvent)
                    result = run.result
                    lastEvent = run.lastEvent ?? lastEvent
                    outcome.roundTrips += run.roundTrips
                }
            }
            outcome.results.append((index, result))
            await counter.finish(failed: result.verdict.isFailure)
        }
        await main.shutDown()
        await disposable?.shutDown()
        return outcome
    }

    func isDestructive(_ item: Item) -> Bool {
        if case .testCase(let testCase) = item { return testCase.tags.contains("destructive") }
        return false
    }

    func effects(of testCase: TestCase) -> [String] {
        testCase.tags.filter { $0.hasPrefix("effect:") }.map { String($0.dropFirst("effect:".count)) }
    }

    func skipped(_ item: Item, reason: String) -> CaseResult {
        switch item {
        case .testCase(let testCase):
            CaseResult(
                caseID: testCase.id, suite: testCase.command, summary: testCase.summary, kind: testCase.kind,
                verdict: .skipped(reason), duration: 0)
        case .protocolCheck(let check):
            CaseResult(
                caseID: Self.protocolCaseID(check), suite: "protocol", summary: check.summary, kind: .protocol,
                verdict: .skipped(reason), duration: 0)
        case .scenario(let scenario):
            ScenarioRunner(context: ScenarioContext(scratchDirectory: "")).skippedResult(scenario, reason: reason)
        }
    }

    /// The stable case id of a protocol check: `<check name>/protocol/<hash>`.
    public static func protocolCaseID(_ check: ProtocolCheck) -> String {
        TestCase.id(command: check.name, kind: .protocol, identity: [check.section])
    }

    // MARK: One case

    struct CaseRun {
        var result: CaseResult
        var lastEvent: QMPTimestamp?
        var roundTrips: Int
    }

    /// Sends one case, checks liveness, judges, and restores the endpoint when needed.
    func runCase(_ testCase: TestCase, on endpoint: Endpoint, previousEvent: QMPTimestamp?) async -> CaseRun {
        let clock = ContinuousClock()
        let start = clock.now
        var roundTrips = 0
        let client: QMPClient
        do {
            client = try await endpoint.connect()
        } catch {
            try? await endpoint.restart()
            return CaseRun(
                result: result(testCase, .errored("cannot reach the endpoint: \(error)"), start: start, transcript: ""),
                lastEvent: nil,
                roundTrips: 0)
        }
        let mark = await client.eventMark
        var arguments = testCase.arguments
        if let value = arguments, Self.hasPlaceholder(value) {
            let scratch = await endpoint.scratchDirectory
            arguments = Self.substitute(value, scratch: scratch) { String((try? ports.allocate()) ?? 0) }
        }
        // The liveness check goes right behind the case in the same write: QEMU answers in order,
        // so it still checks the endpoint after the case, without a second wait. Its exchange
        // stays in the case's transcript: it shows the endpoint survived.
        let stopsEndpoint = testCase.kind != .invalid && testCase.tags.contains("effect:stops-endpoint")
        var request: JSONObject = ["execute": .string(testCase.command)]
        if let arguments { request["arguments"] = arguments }
        request["id"] = 1
        var batch = [request]
        if !stopsEndpoint { batch.append(["execute": .string(livenessCommand), "id": 2]) }
        roundTrips += batch.count
        var reply: QMPReply?
        var failure: String?
        var livenessProblem: String?
        do {
            let outcomes = try await client.outcomes(pipelined: batch, timeout: configuration.caseTimeout)
            switch outcomes[0] {
            case .success(let value): reply = value
            case .failure(let error): failure = "\(error)"
            }
            if outcomes.count > 1, case .failure(let error) = outcomes[1] { livenessProblem = "\(error)" }
        } catch {
            failure = "\(error)"
            livenessProblem = stopsEndpoint ? nil : "\(error)"
        }
        let events = await client.events(since: mark)
        let transcript = await client.takeTranscript().description
        var verdict = oracle.judge(
            testCase,
            Oracle.Observation(reply: reply, failure: failure, events: events, previousEventTimestamp: previousEvent))
        if let livenessProblem {
            let exit = await endpoint.exitStatus.map { "; exit: \($0)" } ?? ""
            let tail = await endpoint.stderrTail
            verdict = .errored(
                "the endpoint did not survive the case (\(livenessProblem)\(exit))"
                    + (tail.isEmpty ? "" : "; stderr tail:\n\(tail)"))
        }
        if livenessProblem != nil || stopsEndpoint {
            try? await endpoint.restart()
        }
        let lastEvent = events.last(where: { !$0.timestamp.isUnknown })?.timestamp
        return CaseRun(
            result: result(testCase, verdict, start: start, transcript: transcript), lastEvent: lastEvent,
            roundTrips: roundTrips)
    }

    func result(_ testCase: TestCase, _ verdict: Verdict, start: ContinuousClock.Instant, transcript: String)
        -> CaseResult
    {
        let elapsed = ContinuousClock().now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return CaseResult(
            caseID: testCase.id, suite: testCase.command, summary: testCase.summary, kind: testCase.kind,
            verdict: verdict,
            duration: seconds, transcript: transcript)
    }

    /// Whether any string inside a value holds a `${...}` placeholder.
    static func hasPlaceholder(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): text.utf8.contains(UInt8(ascii: "$")) && text.contains("${")
        case .array(let elements): elements.contains(where: hasPlaceholder)
        case .object(let object): object.members.contains { hasPlaceholder($0.value) }
        default: false
        }
    }

    /// Replaces `${scratch}` and `${free_port}` (a fresh port each time) in every string.
    /// - Parameters:
    ///   - value: generated arguments.
    ///   - scratch: the endpoint's scratch directory.
    ///   - port: the next port to use.
    /// - Returns: the arguments as sent.
    package static func substitute(_ value: JSONValue, scratch: String, port: () -> String) -> JSONValue {
        switch value {
        case .string(let text) where text.contains("${"):
            var replaced = text.replacingOccurrences(of: "${scratch}", with: scratch)
            while let range = replaced.range(of: "${free_port}") { replaced.replaceSubrange(range, with: port()) }
            return .string(replaced)
        case .array(let elements): return .array(elements.map { substitute($0, scratch: scratch, port: port) })
        case .object(let object):
            return .object(
                JSONObject(object.members.map { .init($0.key, substitute($0.value, scratch: scratch, port: port)) }))
        default: return value
        }
    }

    // MARK: Scenarios

    /// Runs a scenario: on a fresh endpoint of its own when the run launches endpoints (with the
    /// scenario's `launch` arguments, e.g. `-machine pc -S`), else on the job's endpoint.
    func runScenario(_ scenario: Scenario, main: Endpoint, greeting: QMPGreeting?) async -> CaseResult {
        let version = greeting?.qemuVersion.map { Version(Int($0.major), Int($0.minor), Int($0.micro)) }
        var context = ScenarioContext(
            scratchDirectory: "", ports: ports, version: version, schema: oracle.schema,
            launchedEndpoint: configuration.target.isLaunched, replyTimeout: configuration.caseTimeout)
        if case .skip(let reason) = scenario.applicability(
            schema: oracle.schema, version: version, launchedEndpoint: context.launchedEndpoint)
        {
            return ScenarioRunner(context: context).skippedResult(scenario, reason: reason)
        }
        var own: Endpoint?
        if case .launch(let command) = configuration.target {
            own = Endpoint(
                target: .launch(Self.withoutMachine(command) + (scenario.launch ?? Self.machine(of: command))))
        }
        let endpoint = own ?? main
        let result: CaseResult
        do {
            let client = try await endpoint.connect()
            _ = await client.takeTranscript()
            context.scratchDirectory = await endpoint.scratchDirectory
            result = await ScenarioRunner(context: context).run(scenario, on: client)
        } catch {
            let tail = await endpoint.stderrTail
            result = CaseResult(
                caseID: scenario.caseID, suite: scenario.relativePath, summary: scenario.description, kind: .scenario,
                verdict: .errored(
                    "cannot start the scenario's endpoint: \(error)" + (tail.isEmpty ? "" : "; stderr: \(tail)")),
                duration: 0)
        }
        await own?.shutDown()
        return result
    }

    /// A launch command without its `-machine` option (a scenario names its own machine).
    static func withoutMachine(_ command: [String]) -> [String] {
        var result: [String] = []
        var skipNext = false
        for argument in command {
            if skipNext {
                skipNext = false
                continue
            }
            if argument == "-machine" || argument == "-M" {
                skipNext = true
                continue
            }
            result.append(argument)
        }
        return result
    }

    /// The `-machine` option of a launch command, if it has one.
    static func machine(of command: [String]) -> [String] {
        guard let index = command.firstIndex(where: { $0 == "-machine" || $0 == "-M" }), index + 1 < command.count
        else { return [] }
        return Array(command[index...(index + 1)])
    }

    // MARK: Protocol checks

    /// Runs a protocol check on fresh connections to the job's endpoint (the run's own client is
    /// closed meanwhile: a QMP monitor serves one client at a time).
    func runProtocolCheck(_ check: ProtocolCheck, on endpoint: Endpoint) async -> CaseResult {
        if check.changesRunState && !configuration.target.isLaunched && !configuration.allowUnsafe {
            return skipped(
                .protocolCheck(check),
                reason: "changes the run state; runs only on a launched endpoint or with --allow-unsafe")
        }
        await endpoint.disconnect()
        let clock = ContinuousClock()
        let start = clock.now
        let checked = await ProtocolChecks.run(
            check, connector: endpoint.checkConnector, timeout: configuration.caseTimeout)
        let elapsed = clock.now - start
        let verdict: Verdict =
            switch checked.outcome {
            case .passed: .passed
            case .skipped: .skipped(checked.detail)
            case .failed:
                .failed([
                    Verdict.Failure(rule: "qmp-spec-\(check.section)", expected: check.summary, actual: checked.detail)
                ])
            }
        _ = try? await endpoint.connect()
        return CaseResult(
            caseID: Self.protocolCaseID(check), suite: "protocol",
            summary: "\(check.summary) (QMP spec \(check.section))", kind: .protocol,
            verdict: verdict,
            duration: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            transcript: checked.transcript.description)
    }
}

/// Counts finished items across jobs and reports progress.
actor ProgressCounter {
    private var done = 0
    private var failed = 0
    private let total: Int
    private let report: @Sendable (Runner.Progress) -> Void

    init(total: Int, report: @escaping @Sendable (Runner.Progress) -> Void) {
        self.total = total
        self.report = report
    }

    func finish(failed isFailure: Bool) {
        done += 1
        if isFailure { failed += 1 }
        report(Runner.Progress(done: done, total: total, failed: failed))
    }
}
