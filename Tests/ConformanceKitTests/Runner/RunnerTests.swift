import Foundation
import Testing

@testable import ConformanceKit

/// The runner and the oracle together over scripted endpoints: request ids, liveness and
/// relaunch, disposable endpoints, timeouts, protocol faults, scenario replies and events judged
/// against the schema, and a run that reaches no endpoint.
struct RunnerTests {
    static let schema = try! SchemaLoader.loadSource(
        files: [
            "x": """
            { 'struct': 'Info', 'data': { 'name': 'str' } }
            { 'command': 'query-status' }
            { 'command': 'get', 'data': { 'name': 'str' }, 'returns': 'Info' }
            { 'command': 'poke', 'data': { 'name': 'str' } }
            { 'event': 'TICK', 'data': { 'n': 'int' } }
            """
        ], main: "x"
    ).schema

    static func valid(_ command: String, _ name: String, effects: TestCase.Effects = .none) -> TestCase {
        TestCase(
            command: command, kind: .valid, summary: "name \(name)", arguments: ["name": .string(name)],
            expectation: .accept, effects: effects, origin: "test")
    }

    static func run(
        _ items: [Runner.Item], on server: ScriptedEndpoint, launched: Bool = true,
        caseTimeout: Duration = .seconds(60), itemWallTime: Duration = .seconds(600)
    ) async -> ConformanceRun.Result {
        let runner = Runner(
            configuration: server.configuration(
                launched: launched, caseTimeout: caseTimeout, itemWallTime: itemWallTime), schema: schema)
        return await ConformanceRun(runner: runner, oracle: Oracle(schema: schema)).run(items)
    }

    static func scenario(_ steps: String) throws -> Scenario {
        try ScenarioLoader.load(
            Array(#"{ "description": "s", "steps": \#(steps) }"#.utf8), file: "cases/t/s.json", relativePath: "t/s.json"
        )
    }

    static func failures(_ result: CaseResult?) -> [String] {
        if case .failed(let failures)? = result?.verdict { failures.map(\.rule.description) } else { [] }
    }

    @Test func everyRequestOfARunCarriesAnIdOfItsOwn() async {
        let server = ScriptedEndpoint()
        let run = await Self.run(["a", "b", "c"].map { .testCase(Self.valid("poke", $0)) }, on: server)
        #expect(run.results.map(\.verdict) == [.passed, .passed, .passed])
        let ids = server.requests.filter { $0["execute"] != "qmp_capabilities" }.compactMap { $0["id"] }
        #expect(ids.count == 6, "each case and its liveness check")
        #expect(Set(ids).count == ids.count, "no id is used twice in a run: \(ids)")
    }

    @Test func aJobAValidCaseStartedIsCancelledThenDismissedOnceConcludedAndNotJudged() async {
        let dismissed = DismissedFlag()
        let server = ScriptedEndpoint { _, request in
            switch request["execute"]?.stringValue {
            case "query-jobs":
                let listed = dismissed.isSet ? "[]" : #"[{"id": "j1", "status": "concluded"}]"#
                return .lines([ScriptedEndpoint.reply(request, #""return": \#(listed)"#)])
            case "job-dismiss":
                dismissed.set()
                return nil
            case "job-cancel":
                return .lines([ScriptedEndpoint.reply(request, #""error": {"class": "GenericError", "desc": "done"}"#)])
            default: return nil
            }
        }
        var starts = Self.valid("poke", "a")
        starts.cleanup = .endJob(id: "j1")
        let run = await Self.run([.testCase(starts), .testCase(Self.valid("poke", "b"))], on: server)
        #expect(run.results.map(\.verdict) == [.passed, .passed], "the ending is not judged")
        let commands = server.requests.compactMap { $0["execute"]?.stringValue }.filter { $0 != "qmp_capabilities" }
        #expect(
            commands == [
                "poke", "query-status", "job-cancel", "query-jobs", "job-dismiss", "query-jobs", "poke", "query-status",
            ])
        #expect(!run.results[0].transcript.contains("job-cancel"), "the ending is not in the case's transcript")
    }

    @Test func anUndoingCommandRunsOnceAfterAValidCaseThatSucceededAndNotAfterOneThatFailed() async throws {
        let server = ScriptedEndpoint { _, request in
            guard request["arguments"]?["name"] == "refused" else { return nil }
            return .lines([ScriptedEndpoint.reply(request, #""error": {"class": "GenericError", "desc": "no"}"#)])
        }
        var cases = [Self.valid("poke", "a"), Self.valid("poke", "refused")]
        for index in cases.indices {
            cases[index].cleanup = .execute(command: "unpoke", arguments: ["name": cases[index].arguments!["name"]!])
        }
        let run = await Self.run(cases.map { .testCase($0) }, on: server)
        #expect(run.results.map(\.verdict) == [.passed, .passed], "the undoing is not judged")
        let sent = server.requests.filter { $0["execute"] != "qmp_capabilities" }
        #expect(
            sent.compactMap { $0["execute"]?.stringValue } == [
                "poke", "query-status", "unpoke", "poke", "query-status",
            ])
        #expect(sent[2]["arguments"] == ["name": "a"], "it takes the case's own value of its member")
        #expect(!run.results[0].transcript.contains("unpoke"), "the undoing is not in the case's transcript")
    }

    @Test func aClearingCommandRunsBeforeItsCaseOutsideTheTranscript() async {
        let server = ScriptedEndpoint { _, request in
            guard request["execute"] == "stop-all" else { return nil }
            return .lines([ScriptedEndpoint.reply(request, #""error": {"class": "GenericError", "desc": "none"}"#)])
        }
        var clears = Self.valid("poke", "a")
        clears.clearing = .execute(command: "stop-all", arguments: [:])
        let run = await Self.run([.testCase(clears)], on: server)
        #expect(run.results.map(\.verdict) == [.passed], "its error is not judged")
        let sent = server.requests.compactMap { $0["execute"]?.stringValue }.filter { $0 != "qmp_capabilities" }
        #expect(sent == ["stop-all", "poke", "query-status"])
        #expect(!run.results[0].transcript.contains("stop-all"))
    }

    @Test func aCaseThatPassesADescriptorHasItsWriteMarkedAndAClearingThatPassesOneRunsOutsideTheTranscript()
        async
    {
        let server = ScriptedEndpoint { _, _ in nil }
        var passes = Self.valid("poke", "a")
        passes.passesDescriptor = true
        var given = Self.valid("unpoke", "b")
        given.clearing = .executePassingDescriptor(command: "give", arguments: ["name": "b"])
        let run = await Self.run([.testCase(passes), .testCase(given)], on: server)
        #expect(run.results.map(\.verdict) == [.passed, .passed])
        #expect(run.results[0].transcript.contains(#"-> (+1 fd) {"execute":"poke""#), "\(run.results[0].transcript)")
        #expect(!run.results[1].transcript.contains("(+1 fd)"))
        #expect(!run.results[1].transcript.contains("give"))
        let sent = server.requests.filter { $0["execute"] != "qmp_capabilities" }
        #expect(
            sent.compactMap { $0["execute"]?.stringValue } == [
                "poke", "query-status", "give", "unpoke", "query-status",
            ])
        #expect(sent[2]["arguments"] == ["name": "b"])
    }

    @Test func anEndpointThatDiesInACaseErrorsThatCaseAndIsRelaunched() async {
        let server = ScriptedEndpoint { connection, request in
            connection == 1 && request["arguments"]?["name"] == "boom" ? .die : nil
        }
        let run = await Self.run(
            [.testCase(Self.valid("poke", "boom")), .testCase(Self.valid("poke", "after"))], on: server)
        guard case .errored(let message)? = run.results.first?.verdict else {
            Issue.record("expected errored, got \(String(describing: run.results.first?.verdict))")
            return
        }
        #expect(message.contains("did not survive the case"), "\(message)")
        #expect(run.results.last?.verdict == .passed)
        #expect(server.opened == 2, "relaunched once")
    }

    @Test func anAttachedEndpointThatDoesNotComeBackEndsTheRunNamingTheCaseThatKilledIt() async {
        let server = ScriptedEndpoint(
            { _, request in request["arguments"]?["name"] == "boom" ? .die : nil }, accepts: { $0 == 1 })
        let killer = Self.valid("poke", "boom")
        let run = await Self.run(
            [.testCase(Self.valid("poke", "a")), .testCase(killer), .testCase(Self.valid("poke", "b"))], on: server,
            launched: false)
        #expect(run.results.map(\.verdict.isFailure) == [false, true, false])
        #expect(run.results.last?.verdict == .skipped("endpoint gone after \(killer.id)"))
        #expect(run.outcome.endpointGone == "endpoint gone after \(killer.id)")
        #expect(server.opened > 2, "it tried to reconnect")
    }

    @Test func anAttachedEndpointThatComesBackRunsTheRest() async {
        let server = ScriptedEndpoint(
            { connection, request in connection == 1 && request["arguments"]?["name"] == "boom" ? .die : nil },
            accepts: { $0 != 2 })
        let run = await Self.run(
            [.testCase(Self.valid("poke", "boom")), .testCase(Self.valid("poke", "b"))], on: server, launched: false)
        #expect(run.results.last?.verdict == .passed)
        #expect(run.outcome.endpointGone == nil)
    }

    @Test func aDestructiveCaseRunsOnADisposableEndpointOrIsSkipped() async {
        let destructive = Self.valid("poke", "d", effects: .init(names: ["host-files"], needsDisposableEndpoint: true))
        let owned = ScriptedEndpoint()
        let ownedRun = await Self.run([.testCase(Self.valid("poke", "a")), .testCase(destructive)], on: owned)
        #expect(ownedRun.results.map(\.verdict) == [.passed, .passed])
        #expect(owned.opened == 2, "the destructive case had an endpoint of its own")
        let attached = ScriptedEndpoint()
        let attachedRun = await Self.run([.testCase(destructive)], on: attached, launched: false)
        guard case .skipped(let reason)? = attachedRun.results.first?.verdict else {
            Issue.record("expected skipped, got \(String(describing: attachedRun.results.first?.verdict))")
            return
        }
        #expect(reason.contains("host-files") && reason.contains("--allow-unsafe"), "\(reason)")
        #expect(attached.requests.allSatisfy { $0["execute"] != "poke" }, "nothing was sent")
    }

    @Test func aCaseWithLaunchWordsRunsOnAFreshEndpointOfItsOwnOrIsSkipped() async {
        var early = Self.valid("poke", "early")
        early.launch = ["-preconfig"]
        let owned = ScriptedEndpoint()
        let ownedRun = await Self.run(
            [.testCase(Self.valid("poke", "a")), .testCase(early), .testCase(Self.valid("poke", "b"))], on: owned)
        #expect(ownedRun.results.map(\.verdict) == [.passed, .passed, .passed])
        #expect(owned.opened == 2, "one endpoint for the job, one for the case with launch words")
        let attached = ScriptedEndpoint()
        let attachedRun = await Self.run([.testCase(early)], on: attached, launched: false)
        guard case .skipped(let reason)? = attachedRun.results.first?.verdict else {
            Issue.record("expected skipped, got \(String(describing: attachedRun.results.first?.verdict))")
            return
        }
        #expect(reason.contains("'-preconfig'") && reason.contains("not launched"), "\(reason)")
        #expect(attached.requests.allSatisfy { $0["execute"] != "poke" }, "nothing was sent")
    }

    @Test func aSilentEndpointErrorsTheCaseByItsTimeout() async {
        let server = ScriptedEndpoint { connection, request in
            connection == 1 && request["execute"] == "poke" ? .silence : nil
        }
        let run = await Self.run([.testCase(Self.valid("poke", "x"))], on: server, caseTimeout: .milliseconds(100))
        guard case .errored(let message)? = run.results.first?.verdict else {
            Issue.record("expected errored, got \(String(describing: run.results.first?.verdict))")
            return
        }
        #expect(message.contains("timed out"), "\(message)")
    }

    @Test func aMalformedEventFailsTheCaseThatSawItByName() async {
        let server = ScriptedEndpoint { _, request in
            request["execute"] == "poke"
                ? .lines([
                    #"{"event": "TICK", "data": {"n": 1}, "timestamp": {"seconds": -5}}"#,
                    ScriptedEndpoint.reply(request),
                ])
                : nil
        }
        let run = await Self.run([.testCase(Self.valid("poke", "x"))], on: server)
        #expect(Self.failures(run.results.first) == ["protocol-fault"])
    }

    @Test func aReplyWithoutItsIdFailsTheCaseAsAProtocolFault() async {
        let server = ScriptedEndpoint { _, request in
            request["execute"] == "poke" ? .lines([#"{"return": {}}"#]) : nil
        }
        let run = await Self.run([.testCase(Self.valid("poke", "x"))], on: server, caseTimeout: .milliseconds(100))
        #expect(
            Self.failures(run.results.first).first == "protocol-fault",
            "\(String(describing: run.results.first?.verdict))")
    }

    @Test(arguments: [
        #"{"error": {"class": "GenericError"}, "id": "ID"}"# + "\r",
        #"{"return": {}, "id": "ID"}"#,
    ])
    func aMalformedReplyFailsTheCaseAsAProtocolFault(reply: String) async {
        // An error without `desc`, and a reply ending in a bare LF instead of CRLF.
        let server = ScriptedEndpoint { _, request in
            let id = JSONWriter.compact.string(request["id"] ?? .null)
            return request["execute"] == "poke" ? .raw(reply.replacing("\"ID\"", with: id) + "\n") : nil
        }
        let run = await Self.run([.testCase(Self.valid("poke", "x"))], on: server, caseTimeout: .milliseconds(200))
        #expect(
            Self.failures(run.results.first).contains("protocol-fault"),
            "\(String(describing: run.results.first?.verdict))")
    }

    @Test func aScenarioStepsReplyIsCheckedAgainstTheCommandsReturns() async throws {
        let server = ScriptedEndpoint { _, request in
            request["execute"] == "get"
                ? .lines([ScriptedEndpoint.reply(request, #""return": {"name": 7, "extra": true}"#)]) : nil
        }
        let scenario = try Self.scenario(#"[ { "execute": "get", "arguments": { "name": "a" } } ]"#)
        let run = await Self.run([.scenario(scenario)], on: server, launched: false)
        #expect(Self.failures(run.results.first).sorted() == ["returns-unknown-member", "returns-wrong-type"])
    }

    @Test func aScenariosEventsAreCheckedAgainstTheSchema() async throws {
        let server = ScriptedEndpoint { _, request in
            request["execute"] == "poke"
                ? .lines([ScriptedEndpoint.event("TICK", data: #"{"n": "x"}"#), ScriptedEndpoint.reply(request)]) : nil
        }
        let scenario = try Self.scenario(#"[ { "execute": "poke", "arguments": { "name": "a" } } ]"#)
        let run = await Self.run([.scenario(scenario)], on: server, launched: false)
        #expect(Self.failures(run.results.first) == ["event-wrong-type"])
    }

    @Test func aScenarioLongerThanTheItemWallTimeIsCutShortAndTheRunGoesOn() async throws {
        let server = ScriptedEndpoint()
        let slow = try Self.scenario(
            #"[ { "sleep_ms": 3600000 }, { "execute": "poke", "arguments": { "name": "late" } } ]"#)
        let run = await Self.run(
            [.scenario(slow), .testCase(Self.valid("poke", "after"))], on: server, itemWallTime: .milliseconds(300))
        guard case .errored(let message)? = run.results.first?.verdict else {
            Issue.record("expected errored, got \(String(describing: run.results.first?.verdict))")
            return
        }
        #expect(message.contains("item wall time"), "\(message)")
        #expect(run.results.last?.verdict == .passed)
        #expect(server.requests.allSatisfy { $0["arguments"]?["name"] != "late" }, "the rest of it was not sent")
    }

    @Test func aCasesTranscriptHoldsItsOwnExchangeOnly() async throws {
        let server = ScriptedEndpoint()
        let scenario = try Self.scenario(#"[ { "execute": "poke", "arguments": { "name": "scenario-only" } } ]"#)
        let run = await Self.run(
            [.scenario(scenario), .testCase(Self.valid("poke", "case-only"))], on: server, launched: false)
        #expect(run.results.count == 2)
        #expect(run.results[0].transcript.contains("scenario-only"))
        #expect(!run.results[1].transcript.contains("scenario-only"), "\(run.results[1].transcript)")
        #expect(run.results[1].transcript.contains("case-only"))
    }

    @Test func aRunThatReachesNoEndpointHasOneErroredResultSayingWhy() async {
        let runner = Runner(
            configuration: .init(
                target: .unixSocket("nowhere"),
                makeEndpoint: { Endpoint(target: $0, opener: { _ throws(QMPProtocolError) in throw .endOfStream }) }),
            schema: Self.schema)
        let run = await ConformanceRun(runner: runner, oracle: Oracle(schema: Self.schema))
            .run([.testCase(Self.valid("poke", "x"))])
        #expect(run.results.count == 1)
        guard case .errored(let message)? = run.results.first?.verdict else {
            Issue.record("expected errored, got \(String(describing: run.results.first?.verdict))")
            return
        }
        #expect(message.contains("cannot reach the endpoint"), "\(message)")
        #expect(run.results.first?.suite == "endpoint")
    }

    @Test func aCaseWithEffectsBeyondALaunchedEndpointRunsOnlyWithAllowUnsafe() async {
        let server = ScriptedEndpoint()
        let run = await Self.run(
            [
                .testCase(
                    Self.valid(
                        "poke", "tap",
                        effects: .init(
                            names: ["spawns-processes"], needsDisposableEndpoint: true, reachesBeyondLaunch: true)))
            ],
            on: server)
        guard case .skipped(let reason)? = run.results.first?.verdict else {
            Issue.record("expected a skip, got \(String(describing: run.results.first?.verdict))")
            return
        }
        #expect(reason.contains("spawns-processes") && reason.contains("--allow-unsafe"))
        #expect(!server.requests.contains { $0["execute"] == "poke" }, "nothing was sent")
    }

    @Test func aRunningCommandKeepsAStorageDaemonTemplateAsItIs() {
        let command = EndpointProfile.qsd.command(blocking: [])
        #expect(!Runner.emulatesMachine(command))
        #expect(Runner.runningCommand(command) == command)
    }

    @Test(arguments: [
        ["qemu-system-x86_64"], ["/usr/bin/qemu-system-aarch64", "-display", "none"],
        ["./wrapper.sh", "-machine", "pc"], LaunchedEndpoint.Configuration.defaultCommand,
    ])
    func aMachineEmulatorsRunningCommandRunsNoMachine(command: [String]) {
        #expect(Runner.emulatesMachine(command))
        let running = Runner.runningCommand(command)
        #expect(Runner.machine(of: running) == ["-machine", "none"])
        #expect(!running.contains("-S"))
    }

    @Test func aScenarioThatLaunchesAMachineIsNotRunOnTheStorageDaemon() async {
        let unreachable: Runner.EndpointFactory = {
            Endpoint(target: $0, opener: { _ throws(QMPProtocolError) in throw .endOfStream })
        }
        let runner = Runner(
            configuration: .init(target: EndpointProfile.qsd.target(blocking: []), makeEndpoint: unreachable),
            schema: Self.schema)
        let scenario = Scenario(
            name: "machine", relativePath: "machine.json", file: "machine.json", description: "needs a machine",
            launch: ["-machine", "pc", "-S"], steps: [])
        let observation = await runner.runScenario(
            scenario, main: unreachable(EndpointProfile.qsd.target(blocking: [])), facts: EndpointFacts())
        #expect(
            observation.ending
                == .notRun("launches a machine, and the target's program (qemu-storage-daemon) emulates none"))
    }

    @Test func aScenarioThatPassesADescriptorIsNotRunOverTCPAndSaysWhatWould() async throws {
        let unreachable: Runner.EndpointFactory = {
            Endpoint(target: $0, opener: { _ throws(QMPProtocolError) in throw .endOfStream })
        }
        let runner = Runner(
            configuration: .init(target: .tcp("127.0.0.1:4444"), makeEndpoint: unreachable), schema: Self.schema)
        var scenario = try Self.scenario(#"[ { "execute": "getfd", "arguments": { "fdname": "f" } } ]"#)
        scenario.steps[0].passesDescriptor = true
        let observation = await runner.runScenario(
            scenario, main: unreachable(.tcp("127.0.0.1:4444")), facts: EndpointFacts())
        #expect(
            observation.ending
                == .notRun("\(TransportError.descriptorPassingNeedsUnixSocket(address: "tcp:127.0.0.1:4444"))"))
    }

    static let vendorSchema = try! SchemaLoader.loadSource(
        files: ["v": "{ 'command': 'query-status' }\n{ 'command': '__com.vendor_x', 'data': { 'name': 'str' } }"],
        main: "v"
    ).schema

    /// The vendor command's generated cases, run on a scripted endpoint (launched or not).
    static func vendorRun(launched: Bool) async -> [CaseResult] {
        let cases = Fixtures.generate(vendorSchema).cases.filter { $0.command == "__com.vendor_x" }
        let runner = Runner(
            configuration: ScriptedEndpoint().configuration(launched: launched), schema: vendorSchema)
        return await ConformanceRun(runner: runner, oracle: Oracle(schema: vendorSchema))
            .run(cases.map { .testCase($0) }).results
    }

    @Test func anUnclassifiedCommandsValidCasesAreSkippedOnAnEndpointTheRunDidNotLaunch() async {
        #expect(!Fixtures.caseDirectory.policy.classifies("__com.vendor_x"))
        let results = await Self.vendorRun(launched: false)
        let valid = results.filter { $0.kind == .valid }
        #expect(!valid.isEmpty)
        #expect(valid.allSatisfy { $0.verdict == .skipped(Runner.effectsUnknown) })
        #expect(Runner.effectsUnknown == "effects unknown: classify it in policy.json or pass --allow-unsafe")
        let invalid = results.filter { $0.kind == .invalid }
        #expect(!invalid.isEmpty)
        #expect(invalid.allSatisfy { if case .skipped = $0.verdict { false } else { true } }, "invalid cases still run")
    }

    @Test func anUnclassifiedCommandsValidCasesRunOnALaunchedEndpointAsBefore() async {
        let valid = await Self.vendorRun(launched: true).filter { $0.kind == .valid }
        #expect(!valid.isEmpty)
        #expect(valid.allSatisfy { $0.verdict == .passed })
    }

    @Test func aCommandTheAgentDisabledPassesWithCommandNotFound() {
        let testCase = TestCase(
            command: "poke", kind: .invalid, summary: "'name' missing", arguments: [:],
            expectation: .reject(rule: .missingMember, path: JSONPath.root.appending("name")), origin: "test")
        var observation = Observation(
            ending: .completed,
            exchanges: [
                Observation.Exchange(
                    request: ["execute": "poke"], sentAt: .now,
                    reply: QMPReply(
                        ["error": ["class": "CommandNotFound", "desc": "Command poke has been disabled"]],
                        receivedAt: .now))
            ])
        let oracle = Oracle(schema: Self.schema)
        #expect(!Self.failures(oracle.judge(.testCase(testCase), observation)).isEmpty)
        observation.commandDisabled = true
        #expect(oracle.judge(.testCase(testCase), observation).verdict == .passed)
    }
}

/// Whether a scripted job was dismissed, shared with the scripted endpoint's answers.
private final class DismissedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
