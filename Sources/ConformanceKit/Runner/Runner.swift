/// Fires the items of a run at endpoints and hands one `Observation` per item to its observer:
/// the stage between planning and judging. It never decides a verdict.
///
/// Each job drives its own endpoint, one item at a time (a QMP monitor serves one client); items
/// are dealt to jobs round-robin. After every case a liveness command checks that the endpoint
/// survived; a dead or hung endpoint is recorded in the observation (exit status, stderr tail)
/// and relaunched. Valid cases of commands with effects (the safety policy's `destructive` tag)
/// run on a separate, disposable launched endpoint, or only with `allowUnsafe` when the run
/// does not own the endpoint; so do valid cases of commands the policy does not classify
/// (`effectsUnknown`). Every request carries an id unique in the run, so a late reply
/// to a timed-out request is never taken for another case's.
public struct Runner: Sendable {
    /// Makes the endpoint a job talks to; tests inject scripted endpoints.
    public typealias EndpointFactory = @Sendable (EndpointTarget) -> Endpoint

    /// Receives each item's observation as soon as it is made (from any task).
    /// - Parameters:
    ///   - index: the item's position in the run.
    ///   - item: the item.
    ///   - observation: what happened.
    public typealias Observer = @Sendable (_ index: Int, _ item: Item, _ observation: Observation) async -> Void

    /// How a run behaves.
    public struct Configuration: Sendable {
        /// The endpoint.
        public var target: EndpointTarget
        /// Parallel endpoints (launched targets only; other targets run with one).
        public var jobs: Int
        /// How long one case may wait for its reply.
        public var caseTimeout: Duration
        /// How much longer the liveness check after a case may take.
        public var livenessTimeout: Duration
        /// How long connecting to an endpoint (and reading its greeting) may take.
        public var connectTimeout: Duration
        /// How long to wait for an endpoint the run did not launch to come back after a case
        /// killed it; past that, the rest of the run is not run.
        public var reconnectTimeout: Duration
        /// The most one item (a case, a whole scenario or sequence, a protocol check) may take;
        /// past it the item is cut short, errored, and its endpoint restarted.
        public var itemWallTime: Duration
        /// Run destructive cases on an endpoint the run does not own.
        public var allowUnsafe: Bool
        /// The limits of every client (largest message, events kept, transcript bytes per case).
        public var clientOptions: QMPClient.Options
        /// Makes each endpoint.
        public var makeEndpoint: EndpointFactory

        /// Creates a configuration.
        /// - Parameters:
        ///   - target: the endpoint.
        ///   - jobs: parallel launched endpoints.
        ///   - caseTimeout: how long a case waits for its reply.
        ///   - livenessTimeout: how much longer the liveness check may take.
        ///   - connectTimeout: how long connecting may take.
        ///   - reconnectTimeout: how long to wait for a lost endpoint the run did not launch.
        ///   - itemWallTime: the most one item may take.
        ///   - allowUnsafe: run destructive cases on an endpoint the run did not launch.
        ///   - clientOptions: the limits of every client.
        ///   - makeEndpoint: makes each endpoint (default: `Endpoint(target:timeout:)`).
        public init(
            target: EndpointTarget = .defaultLaunch, jobs: Int = 1, caseTimeout: Duration = .seconds(5),
            livenessTimeout: Duration = .seconds(3), connectTimeout: Duration = .seconds(10),
            reconnectTimeout: Duration = .seconds(10), itemWallTime: Duration = .seconds(600),
            allowUnsafe: Bool = false,
            clientOptions: QMPClient.Options = QMPClient.Options(), makeEndpoint: EndpointFactory? = nil
        ) {
            self.target = target
            self.jobs = max(1, jobs)
            self.caseTimeout = caseTimeout
            self.livenessTimeout = livenessTimeout
            self.connectTimeout = connectTimeout
            self.reconnectTimeout = reconnectTimeout
            self.itemWallTime = itemWallTime
            self.allowUnsafe = allowUnsafe
            self.clientOptions = clientOptions
            self.makeEndpoint =
                makeEndpoint ?? { Endpoint(target: $0, timeout: connectTimeout, clientOptions: clientOptions) }
        }
    }

    /// What a run produced besides its observations.
    public struct Outcome: Sendable {
        /// The greeting of the first endpoint, if it could be reached.
        public var greeting: QMPGreeting?
        /// Whether the run stopped early on request.
        public var interrupted: Bool
        /// Why the run could not happen at all (no endpoint could be reached), if so.
        public var fatal: String?
        /// When an endpoint the run did not launch died and did not come back: which case it
        /// died after (the rest of the run was not run).
        public var endpointGone: String?
        /// Requests sent: case requests plus liveness checks.
        public var roundTrips: Int
    }

    let configuration: Configuration
    let schema: Schema
    let ports = FreePortPool()

    /// Creates a runner.
    /// - Parameters:
    ///   - configuration: the endpoint and limits.
    ///   - schema: the endpoint's schema (liveness command, scenario requirements).
    public init(configuration: Configuration, schema: Schema) {
        self.configuration = configuration
        self.schema = schema
    }

    /// Why a valid case of a command the safety policy does not classify is not run against an
    /// endpoint the run did not launch.
    static let effectsUnknown = "effects unknown: classify it in policy.json or pass --allow-unsafe"

    /// The command used to check that an endpoint is alive: the cheapest the schema offers
    /// (`guest-ping` for the guest agent).
    var livenessCommand: String {
        ["query-status", "query-version", "guest-ping", "query-commands"].first { schema.command(named: $0) != nil }
            ?? "query-commands"
    }

    /// Runs items.
    /// - Parameters:
    ///   - items: the items, in report order.
    ///   - isCancelled: polled between items; when it turns true the rest are not run.
    ///   - observe: receives each item's observation.
    /// - Returns: the facts of the run.
    public func run(
        _ items: [Item], isCancelled: @escaping @Sendable () -> Bool = { false }, observe: @escaping Observer
    ) async -> Outcome {
        let jobs = configuration.target.isLaunched ? min(configuration.jobs, max(1, items.count)) : 1
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
                group.addTask { await self.runJob(queue, isCancelled: isCancelled, observe: observe) }
            }
            var all: [JobOutcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        return Outcome(
            greeting: outcomes.compactMap(\.greeting).first, interrupted: outcomes.contains(where: \.interrupted),
            fatal: outcomes.allSatisfy({ $0.fatal != nil }) ? outcomes.compactMap(\.fatal).first : nil,
            endpointGone: outcomes.compactMap(\.endpointGone).first,
            roundTrips: outcomes.reduce(0) { $0 + $1.roundTrips })
    }

    // MARK: Jobs

    struct JobOutcome: Sendable {
        var greeting: QMPGreeting?
        var facts = EndpointFacts()
        var interrupted = false
        var fatal: String?
        var endpointGone: String?
        var roundTrips = 0
    }

    /// Runs one job's items on its own endpoint (plus a disposable one for destructive cases).
    func runJob(_ queue: [(Int, Item)], isCancelled: @Sendable () -> Bool, observe: Observer) async -> JobOutcome {
        var outcome = JobOutcome()
        let main = configuration.makeEndpoint(configuration.target)
        var disposable: Endpoint?
        do {
            let client = try await main.connect()
            outcome.greeting = await client.greeting
            outcome.facts = await EndpointFacts.read(from: client, schema: schema, timeout: configuration.caseTimeout)
        } catch {
            outcome.fatal = "cannot reach the endpoint (\(configuration.target)): \(error)"
        }
        // Ordinary items first, then the destructive ones on their disposable endpoint.
        let ordered = queue.filter { !$0.1.isDestructive } + queue.filter { $0.1.isDestructive }
        var lastEvent: QMPTimestamp?
        for (index, item) in ordered {
            let observation: Observation
            if isCancelled() || outcome.interrupted {
                outcome.interrupted = true
                observation = .notRun("interrupted before it ran")
            } else if let reason = outcome.fatal ?? outcome.endpointGone {
                observation = .notRun(reason)
            } else {
                switch item {
                case .protocolCheck(let check):
                    observation =
                        await withinWallTime(restarting: main) { await runProtocolCheck(check, on: main) }
                        ?? cutShort
                case .scenario(let scenario):
                    let facts = outcome.facts
                    observation =
                        await withinWallTime(restarting: main) { await runScenario(scenario, main: main, facts: facts) }
                        ?? cutShort
                case .testCase(let testCase):
                    if testCase.effects.reachesBeyondLaunch && !configuration.allowUnsafe {
                        observation = .notRun(
                            "has effects a launched endpoint does not contain "
                                + "(\(testCase.effects.names.joined(separator: ", "))); runs only with --allow-unsafe"
                        )
                    } else if testCase.effects.unknown && !configuration.target.isLaunched
                        && !configuration.allowUnsafe
                    {
                        observation = .notRun(Self.effectsUnknown)
                    } else if !testCase.launch.isEmpty && !configuration.target.isLaunched {
                        observation = .notRun(
                            "needs its own launched endpoint with '\(testCase.launch.joined(separator: " "))'; "
                                + "the target is not launched by qmp-conform")
                    } else if item.isDestructive && !configuration.target.isLaunched && !configuration.allowUnsafe {
                        observation = .notRun(
                            "has effects beyond the endpoint (\(testCase.effects.names.joined(separator: ", "))); "
                                + "runs only on a launched endpoint or with --allow-unsafe")
                    } else {
                        var endpoint = main
                        // An endpoint of its own, launched with the case's words, for this case only.
                        var fresh: Endpoint?
                        if case .launch(let command) = configuration.target, !testCase.launch.isEmpty {
                            fresh = configuration.makeEndpoint(.launch(command + testCase.launch))
                            endpoint = fresh!
                        } else if item.isDestructive && configuration.target.isLaunched {
                            let own = disposable ?? configuration.makeEndpoint(configuration.target)
                            disposable = own
                            endpoint = own
                        }
                        // Events of another process are not ordered after the job endpoint's.
                        let (previous, target) = (fresh == nil ? lastEvent : nil, endpoint)
                        var run =
                            await withinWallTime(restarting: target) {
                                await runCase(testCase, index: index, on: target, previousEvent: previous)
                            } ?? CaseRun(observation: cutShort, roundTrips: 0)
                        await fresh?.shutDown()
                        run.observation.commandDisabled = outcome.facts.disabledCommands.contains(testCase.command)
                        observation = run.observation
                        if fresh == nil {
                            lastEvent =
                                run.observation.events.last(where: { !$0.timestamp.isUnknown })?.timestamp
                                ?? lastEvent
                        }
                        outcome.roundTrips += run.roundTrips
                    }
                }
            }
            await observe(index, item, observation)
            if !configuration.target.isLaunched, Self.lostTheEndpoint(observation),
                await !reconnect(main, within: configuration.reconnectTimeout)
            {
                outcome.endpointGone = "endpoint gone after \(item.id)"
            }
        }
        await main.shutDown()
        await disposable?.shutDown()
        return outcome
    }

    /// Runs an item's work within `itemWallTime`. Past it, the work is cancelled (every wait of
    /// the client ends at once) and the endpoint restarted (its state is unknown).
    /// - Returns: what the work gave, or nil when it was cut short (the item is then `cutShort`).
    func withinWallTime<Value: Sendable>(
        restarting endpoint: Endpoint, _ work: @escaping @Sendable () async -> Value
    ) async -> Value? {
        let limit = configuration.itemWallTime
        let finished: Value? = await withTaskGroup(of: Value?.self) { group in
            group.addTask { await work() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if finished == nil { try? await endpoint.restart() }
        return finished
    }

    /// The observation of an item the wall time cut short.
    var cutShort: Observation {
        Observation(
            ending: .broken("cut short: it took longer than the item wall time of \(configuration.itemWallTime)"))
    }

    /// Whether an item's endpoint died or could not be reached during it.
    static func lostTheEndpoint(_ observation: Observation) -> Bool {
        if observation.endpointLost != nil { return true }
        if case .unreachable = observation.ending { return true }
        return false
    }

    /// Waits for an endpoint the run did not launch to accept a connection again.
    /// - Returns: whether it did within the time.
    func reconnect(_ endpoint: Endpoint, within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if (try? await endpoint.connect()) != nil { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    // MARK: One case

    struct CaseRun: Sendable {
        var observation: Observation
        var roundTrips: Int
    }

    /// Sends one case with the liveness check behind it and records what happened; restores
    /// the endpoint when the case stopped or killed it.
    func runCase(_ testCase: TestCase, index: Int, on endpoint: Endpoint, previousEvent: QMPTimestamp?) async
        -> CaseRun
    {
        let start = ContinuousClock.now
        // A valid `qmp_capabilities` belongs in capabilities negotiation: it goes first on a
        // fresh connection of its own (in command mode it can only fail).
        let negotiates =
            testCase.kind != .invalid && testCase.command == QMPSession.negotiationCommand
            && configuration.clientOptions.dialect == .qmp
        let client: QMPClient
        do {
            if negotiates {
                await endpoint.disconnect()
                client = try await endpoint.openClient(negotiate: false)
                _ = await client.takeTranscript()
            } else {
                client = try await endpoint.connect()
            }
        } catch {
            try? await endpoint.restart()
            return CaseRun(observation: Observation(ending: .unreachable("\(error)")), roundTrips: 0)
        }
        if let clearing = testCase.clearing { await clean(up: clearing, on: client, of: endpoint) }
        let marks = await Marks(client)
        let before = await snapshot(testCase.stateQueries, on: client)
        var request: JSONObject = ["execute": .string(testCase.command)]
        if let arguments = testCase.arguments {
            // A valid call that names a file in the scratch directory finds one there (an
            // image to insert, a tty to open); the call itself may still replace it.
            if testCase.kind == .valid { await endpoint.provideScratchFiles(CaseVariables.scratchFiles(in: arguments)) }
            do {
                request["arguments"] = try await variables(for: [arguments], on: endpoint).substitute(arguments)
            } catch {
                return CaseRun(observation: Observation(ending: .broken("\(error)")), roundTrips: 0)
            }
        }
        request["id"] = .string("qmp-conform-\(index)")
        // The liveness check goes right behind the case in the same write: QEMU answers in order,
        // so it still checks the endpoint after the case, without a second wait. Its exchange
        // stays in the case's transcript: it shows the endpoint survived.
        let stopsEndpoint = testCase.kind != .invalid && testCase.effects.stopsEndpoint
        var batch = [request]
        if !stopsEndpoint {
            batch.append(["execute": .string(livenessCommand), "id": .string("qmp-conform-\(index)-alive")])
        }
        var files: [PassedFile] = []
        if testCase.passesDescriptor {
            do throws(TransportError) {
                files = [try await passedFile(of: endpoint)]
            } catch {
                return CaseRun(observation: Observation(ending: .broken("\(error)")), roundTrips: 0)
            }
        }
        var exchange = Observation.Exchange(request: request, sentAt: client.options.clock())
        var livenessProblem: String?
        do {
            let outcomes = try await client.outcomes(
                pipelined: batch,
                timeouts: [configuration.caseTimeout, configuration.caseTimeout + configuration.livenessTimeout],
                passing: files)
            // Nothing was sent: the transport cannot pass a descriptor, or the file cannot be opened.
            if case .failure(.transport(let error)) = outcomes[0] {
                switch error {
                case .descriptorPassingNeedsUnixSocket:
                    return CaseRun(observation: .notRun("\(error)"), roundTrips: 0)
                case .passedFileUnavailable, .passedFileNotAllowed:
                    return CaseRun(observation: Observation(ending: .broken("\(error)")), roundTrips: 0)
                default: break
                }
            }
            switch outcomes[0] {
            case .success(let value): exchange.reply = value
            case .failure(let error): exchange.failure = "\(error)"
            }
            if outcomes.count > 1, case .failure(let error) = outcomes[1] { livenessProblem = "\(error)" }
        } catch {
            exchange.failure = "\(error)"
            livenessProblem = stopsEndpoint ? nil : "\(error)"
        }
        // Only a call that must change nothing is judged by the snapshots: an invalid one, or one
        // answered with an error. A success's change is what it was for.
        let mustChangeNothing: Bool =
            if case .success? = exchange.reply?.outcome { testCase.kind == .invalid } else { true }
        let after =
            livenessProblem == nil && mustChangeNothing ? await snapshot(testCase.stateQueries, on: client) : []
        var observation = await marks.observation(of: client, exchanges: [exchange], since: start)
        observation.snapshots = zip(testCase.stateQueries, zip(before, after)).map {
            Observation.Snapshot(query: $0.0, before: $0.1.0, after: $0.1.1)
        }
        observation.previousEventTimestamp = previousEvent
        if livenessProblem == nil, let cleanup = testCase.cleanup, case .success? = exchange.reply?.outcome {
            await clean(up: cleanup, on: client, of: endpoint)
        }
        if let livenessProblem {
            let exit = await endpoint.exitStatus.map { "; exit: \($0)" } ?? ""
            let tail = await endpoint.stderrTail
            observation.endpointLost =
                "\(livenessProblem)\(exit)" + (tail.isEmpty ? "" : "; stderr tail:\n\(tail)")
        }
        if negotiates { await client.close() }
        if livenessProblem != nil || stopsEndpoint {
            try? await endpoint.restart()
        }
        return CaseRun(observation: observation, roundTrips: batch.count)
    }

    /// Clears the way before a valid case, or undoes what one that succeeded started after its
    /// observation (not judged, not in its transcript): ends a job, or executes a command once
    /// (passing a descriptor when it takes one).
    /// - Parameters:
    ///   - cleanup: what to do.
    ///   - client: the case's client.
    ///   - endpoint: the case's endpoint, whose scratch directory `${scratch}` names and holds a
    ///     file to pass.
    func clean(up cleanup: TestCase.Cleanup, on client: QMPClient, of endpoint: Endpoint) async {
        switch cleanup {
        case .endJob(let id): await endJob(id, on: client)
        case .execute(let command, let arguments):
            guard let substituted = await substituted(arguments, on: endpoint) else { return }
            _ = try? await client.execute(command, arguments: substituted, timeout: configuration.livenessTimeout)
        case .executePassingDescriptor(let command, let arguments):
            guard let substituted = await substituted(arguments, on: endpoint),
                let file = try? await passedFile(of: endpoint)
            else { return }
            _ = try? await client.execute(
                command, arguments: substituted, passing: [file], timeout: configuration.livenessTimeout)
        }
    }

    /// The file whose descriptor a request passes (`getfd`, `add-fd`): `PassedFile.defaultName`
    /// in the endpoint's scratch directory, the launched endpoint's own or, for one the run did
    /// not launch, the tool's private directory (`Endpoint.scratchDirectory`): never another host
    /// file.
    /// - Parameter endpoint: the endpoint.
    /// - Returns: the file.
    /// - Throws: `TransportError.passedFileNotAllowed` when the directory is no absolute path.
    func passedFile(of endpoint: Endpoint) async throws(TransportError) -> PassedFile {
        try PassedFile(directory: await endpoint.scratchDirectory)
    }

    /// Arguments of a clearing or cleanup with their `${...}` references replaced; nil when one
    /// has no value (the step is then left out).
    func substituted(_ arguments: JSONObject, on endpoint: Endpoint) async -> JSONObject? {
        try? await variables(for: [.object(arguments)], on: endpoint).substitute(.object(arguments)).objectValue
    }

    /// Ends a job a valid case started, after its observation (not judged, not in its
    /// transcript): cancels it, then finalizes or dismisses it as `query-jobs` shows it pending
    /// or concluded, until the job is no longer listed. It waits for a running job to move for
    /// at most the liveness timeout after the cancel, and takes at most two steps (finalize,
    /// dismiss) before giving up, each confirmed by a look at `query-jobs`.
    /// - Parameters:
    ///   - id: the job's id.
    ///   - client: the case's client.
    func endJob(_ id: String, on client: QMPClient) async {
        let timeout = configuration.livenessTimeout
        _ = try? await client.execute("job-cancel", arguments: ["id": .string(id)], timeout: timeout)
        let deadline = ContinuousClock.now + timeout
        var stepsLeft = 2
        while true {
            guard case .success(let jobs)? = try? await client.execute("query-jobs", timeout: timeout).outcome,
                let job = jobs.arrayValue?.first(where: { $0["id"]?.stringValue == id })
            else { return }
            let step: String? =
                switch job["status"]?.stringValue {
                case "pending": "job-finalize"
                case "concluded": "job-dismiss"
                default: nil
                }
            if let step {
                guard stepsLeft > 0 else { return }
                stepsLeft -= 1
                _ = try? await client.execute(step, arguments: ["id": .string(id)], timeout: timeout)
            } else {
                guard ContinuousClock.now < deadline else { return }
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    /// The `return` of each state query (nil where it failed), for the snapshots around an
    /// invalid case.
    func snapshot(_ queries: [Resource.Query], on client: QMPClient) async -> [JSONValue?] {
        var values: [JSONValue?] = []
        for query in queries {
            let reply = try? await client.execute(
                query.command, arguments: query.arguments, timeout: configuration.livenessTimeout)
            if case .success(let value)? = reply?.outcome { values.append(value) } else { values.append(nil) }
        }
        return values
    }

    /// The variables of one item: the endpoint's scratch directory (when referenced) and a free
    /// port for each port name referenced.
    /// - Parameters:
    ///   - values: the values whose references need values.
    ///   - endpoint: the endpoint whose scratch directory `${scratch}` names.
    /// - Returns: the variables.
    /// - Throws: `CaseVariables.Failure` for a malformed reference or when no port is free.
    func variables(for values: [JSONValue], on endpoint: Endpoint) async throws(CaseVariables.Failure)
        -> CaseVariables
    {
        var references: [CaseVariables.Reference] = []
        for value in values { references += try CaseVariables.references(in: value) }
        return try await variables(references, on: endpoint)
    }

    /// The variables that references need, with their ports allocated.
    /// - Throws: `CaseVariables.Failure` when no port is free.
    func variables(_ references: [CaseVariables.Reference], on endpoint: Endpoint)
        async
        throws(CaseVariables.Failure) -> CaseVariables
    {
        var variables = CaseVariables(scratch: "")
        if references.contains(.scratch) { variables.scratch = await endpoint.scratchDirectory }
        for name in CaseVariables.portNames(references) {
            do {
                variables.ports[name] = String(try ports.allocate())
            } catch {
                throw CaseVariables.Failure(message: "cannot allocate a free port for ${port:\(name)}: \(error)")
            }
        }
        return variables
    }

    // MARK: Scenarios

    /// Runs a scenario: on a fresh endpoint of its own when the run launches endpoints (with the
    /// scenario's `launch` arguments, e.g. `-machine pc -S`), else on the job's endpoint. A
    /// stateful sequence runs on the job's endpoint (it cleans up after itself), and only when
    /// the run launched it or `allowUnsafe` says so; one that broke restarts the endpoint. One
    /// whose steps pass a file descriptor is not run against a TCP endpoint, which cannot take one.
    func runScenario(_ scenario: Scenario, main: Endpoint, facts: EndpointFacts) async -> Observation {
        if case .tcp(let address) = configuration.target, scenario.passesDescriptor {
            return .notRun("\(TransportError.descriptorPassingNeedsUnixSocket(address: "tcp:\(address)"))")
        }
        if scenario.kind == .stateful { return await runSequence(scenario, on: main, facts: facts) }
        var command: [String] = []
        if case .launch(let launched) = configuration.target { command = Self.withoutFixture(launched) }
        // `${machine}` is the machine the target was launched with, else the target's default.
        let named = Self.machine(of: command).last
        let machine = named == nil || named == "none" ? facts.machine : named
        if case .skip(let reason) = scenario.applicability(
            schema: schema, version: facts.version, launchedEndpoint: configuration.target.isLaunched,
            architecture: facts.architecture, machine: machine)
        {
            return .notRun(reason)
        }
        if configuration.target.isLaunched, scenario.launch != nil, !Self.emulatesMachine(command) {
            return .notRun("launches a machine, and the target's program (\(command.first ?? "")) emulates none")
        }
        var own: Endpoint?
        if configuration.target.isLaunched {
            own = configuration.makeEndpoint(
                .launch(
                    Self.withoutMachine(command)
                        + (scenario.launchArguments(machine: machine) ?? Self.machine(of: command))))
        }
        let endpoint = own ?? main
        let observation: Observation
        do {
            observation = try await carryOut(scenario, on: endpoint)
        } catch {
            let tail = await endpoint.stderrTail
            observation = Observation(
                ending: .broken(
                    "cannot start the scenario's endpoint: \(error)" + (tail.isEmpty ? "" : "; stderr: \(tail)")))
        }
        await own?.shutDown()
        return observation
    }

    /// Connects, fills the scenario's variables (and the file its steps pass, if any pass one)
    /// and carries its steps out.
    /// - Throws: when the endpoint cannot be reached or a port cannot be had.
    private func carryOut(_ scenario: Scenario, on endpoint: Endpoint) async throws -> Observation {
        let client = try await endpoint.connect()
        let variables = try await variables(scenario.references, on: endpoint)
        return await ScenarioRunner(replyTimeout: configuration.caseTimeout).run(
            scenario, on: client, variables: variables,
            passing: scenario.passesDescriptor ? try await passedFile(of: endpoint) : nil)
    }

    /// Runs a stateful sequence on the job's endpoint.
    private func runSequence(_ sequence: Scenario, on endpoint: Endpoint, facts: EndpointFacts) async -> Observation {
        guard configuration.target.isLaunched || configuration.allowUnsafe else {
            return .notRun("changes the endpoint's state; runs only on a launched endpoint or with --allow-unsafe")
        }
        if case .skip(let reason) = sequence.applicability(
            schema: schema, version: facts.version, launchedEndpoint: true, architecture: facts.architecture)
        {
            return .notRun(reason)
        }
        do {
            let observation = try await carryOut(sequence, on: endpoint)
            if case .broken = observation.ending { try? await endpoint.restart() }
            return observation
        } catch {
            try? await endpoint.restart()
            return Observation(ending: .broken("cannot run the sequence on the endpoint: \(error)"))
        }
    }

    /// A launch command for a running guest: without the fixture, `-S` and the machine, with
    /// `-machine none` (nothing for a guest to run, nothing to stop). A command that emulates no
    /// machine (the storage daemon) has no guest and stays as it is.
    static func runningCommand(_ command: [String]) -> [String] {
        guard emulatesMachine(command) else { return command }
        return withoutMachine(withoutFixture(command)).filter { $0 != "-S" } + ["-machine", "none"]
    }

    /// Whether a launch command starts a machine emulator, one that takes `-machine`: its program
    /// is a `qemu-system-*` or it names a machine itself (a wrapper script).
    static func emulatesMachine(_ command: [String]) -> Bool {
        let program = command.first?.split(separator: "/").last.map(String.init) ?? ""
        return program.hasPrefix("qemu-system-") || !machine(of: command).isEmpty
    }

    /// A launch command without the fixture's arguments (a scenario brings what it needs),
    /// wherever they sit: words after them (`--compare-with 'target:qemu -compat ...'`) stay.
    static func withoutFixture(_ command: [String]) -> [String] {
        let fixture = LaunchedEndpoint.Configuration.fixtureArguments
        guard command.count >= fixture.count,
            let start = (0...(command.count - fixture.count)).first(where: {
                command[$0..<($0 + fixture.count)].elementsEqual(fixture)
            })
        else { return command }
        return Array(command[..<start] + command[(start + fixture.count)...])
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
    /// closed meanwhile: a QMP monitor serves one client at a time). A check that changes the run
    /// state gets, on a launched target, an endpoint of its own with a running guest
    /// (`runningCommand(_:)`): the fixture's guest is stopped before it runs.
    func runProtocolCheck(_ check: ProtocolCheck, on endpoint: Endpoint) async -> Observation {
        if check.changesRunState && !configuration.target.isLaunched && !configuration.allowUnsafe {
            return .notRun("changes the run state; runs only on a launched endpoint or with --allow-unsafe")
        }
        var own: Endpoint?
        if check.changesRunState, case .launch(let command) = configuration.target {
            own = configuration.makeEndpoint(.launch(Self.runningCommand(command)))
        }
        await endpoint.disconnect()
        let start = ContinuousClock.now
        let checked = await ProtocolChecks.run(
            check, connector: (own ?? endpoint).checkConnector, timeout: configuration.caseTimeout,
            dialect: configuration.clientOptions.dialect)
        await own?.shutDown()
        _ = try? await endpoint.connect()
        return Observation(
            protocolCheck: checked, duration: ContinuousClock.now - start, transcript: checked.transcript.description)
    }
}
