import Foundation
import Testing

@testable import ConformanceKit

/// Stateful sequences generated from the resource model, run over a scripted endpoint that keeps
/// chardevs, and judged by the Oracle: a conforming endpoint passes; one whose query does not
/// list what was created, whose destroy leaves it, or whose consumer cannot find it fails with
/// a diff naming the step; an invalid call that adds one fails with the names it added.
struct StatefulSequenceTests {
    static let schema = try! SchemaLoader.loadSource(
        files: [
            "x": """
            { 'struct': 'ChardevInfo', 'data': { 'label': 'str', 'filename': 'str' } }
            { 'command': 'query-status' }
            { 'command': 'query-chardev', 'returns': ['ChardevInfo'] }
            { 'command': 'chardev-add', 'data': { 'id': 'str', 'backend': 'any' } }
            { 'command': 'chardev-remove', 'data': { 'id': 'str' } }
            { 'command': 'chardev-send-break', 'data': { 'id': 'str' } }
            """
        ], main: "x"
    ).schema

    /// How the scripted endpoint misbehaves.
    enum Fault: Sendable {
        case none, queryHidesIt, destroyLeavesIt, consumerCannotFindIt, invalidCallChangesState, failedCallRemovesAll
    }

    /// A chardev registry answering QMP requests, with one fault.
    final class Chardevs: @unchecked Sendable {
        private let lock = NSLock()
        private var names: Set<String> = []
        let fault: Fault

        init(_ fault: Fault, names: Set<String> = []) {
            self.fault = fault
            self.names = names
        }

        func answer(_ request: JSONObject) -> ScriptedEndpoint.Answer {
            let id = request["arguments"]?["id"]?.stringValue ?? ""
            let notFound = #""error": {"class": "GenericError", "desc": "Chardev '\#(id)' not found"}"#
            let body: String = lock.withLock {
                switch request["execute"]?.stringValue {
                case "chardev-add" where request["arguments"]?["zzz"] != nil:
                    if fault == .invalidCallChangesState { names.insert(id) }
                    return #""error": {"class": "GenericError", "desc": "Parameter 'zzz' is unexpected"}"#
                case "chardev-add":
                    return names.insert(id).inserted
                        ? #""return": {}"# : #""error": {"class": "GenericError", "desc": "duplicate"}"#
                case "chardev-remove":
                    guard names.contains(id) else { return notFound }
                    if fault != .destroyLeavesIt { names.remove(id) }
                    return #""return": {}"#
                case "chardev-send-break":
                    if !names.contains(id), fault == .failedCallRemovesAll { names.removeAll() }
                    return names.contains(id) && fault != .consumerCannotFindIt ? #""return": {}"# : notFound
                case "query-chardev":
                    let listed = fault == .queryHidesIt ? [] : names.sorted()
                    let entries = listed.map { #"{"label": "\#($0)", "filename": "null"}"# }
                    return #""return": [\#(entries.joined(separator: ", "))]"#
                default:
                    return #""return": {}"#
                }
            }
            return .lines([ScriptedEndpoint.reply(request, body)])
        }
    }

    static func sequences() -> [Scenario] {
        let model = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources)
        return StatefulSequenceGenerator(schema: schema, model: model, directory: Fixtures.caseDirectory).generate()
    }

    static func run(_ fault: Fault) async -> [String: CaseResult] {
        let chardevs = Chardevs(fault)
        let server = ScriptedEndpoint { _, request in chardevs.answer(request) }
        let runner = Runner(configuration: server.configuration(), schema: schema)
        let result = await ConformanceRun(runner: runner, oracle: Oracle(schema: schema))
            .run(sequences().map { .scenario($0) })
        return Dictionary(uniqueKeysWithValues: result.results.map { ($0.caseID, $0) })
    }

    static func failures(_ results: [String: CaseResult], _ containing: String) -> [Verdict.Failure] {
        guard let result = results.first(where: { $0.key.contains(containing) })?.value,
            case .failed(let failures) = result.verdict
        else { return [] }
        return failures
    }

    @Test func theModelGivesALifecycleAndOneSequencePerConsumer() {
        let sequences = Self.sequences()
        #expect(sequences.map(\.name) == ["stateful.chardev.lifecycle", "stateful.chardev.chardev-send-break.id"])
        #expect(sequences.allSatisfy { $0.kind == .stateful && $0.caseID.contains("/stateful/") })
        #expect(sequences.allSatisfy { !$0.cleanup.isEmpty }, "every sequence removes what it created")
    }

    @Test func aConformingEndpointPassesEverySequence() async {
        let results = await Self.run(.none)
        #expect(results.count == 2)
        #expect(results.values.allSatisfy { $0.verdict == .passed }, "\(results.values.map(\.verdict))")
        #expect(results.values.allSatisfy { $0.kind == .stateful })
    }

    @Test func aQueryThatDoesNotListWhatWasCreatedFailsTheLifecycle() async {
        let failures = Self.failures(await Self.run(.queryHidesIt), "lifecycle")
        let missing = failures.first { $0.rule == .returnMismatch }
        #expect(missing?.path.description.hasPrefix("steps[1].return") == true, "\(failures)")
        #expect(missing?.expected.contains(#""label":"qcs0""#) == true, "\(failures)")
    }

    @Test func aDestroyThatLeavesItFailsTheLifecycle() async {
        let failures = Self.failures(await Self.run(.destroyLeavesIt), "lifecycle")
        #expect(failures.contains { $0.rule == .returnMismatch && $0.expected.hasPrefix("no element matching") })
        #expect(failures.contains { $0.rule == .errorMismatch }, "the second destroy succeeded: \(failures)")
    }

    @Test func aConsumerThatCannotFindWhatWasCreatedFails() async {
        let failures = Self.failures(await Self.run(.consumerCannotFindIt), "chardev-send-break")
        #expect(failures.map(\.rule) == [.consumerTargetMissing], "\(failures)")
        #expect(failures.first?.actual.contains("qcs") == true)
    }

    @Test func sequencesAreSkippedOnAnEndpointTheRunDoesNotOwn() async {
        let server = ScriptedEndpoint { _, request in Chardevs(.none).answer(request) }
        let runner = Runner(configuration: server.configuration(launched: false), schema: Self.schema)
        let result = await ConformanceRun(runner: runner, oracle: Oracle(schema: Self.schema))
            .run(Self.sequences().map { .scenario($0) })
        #expect(result.results.allSatisfy { if case .skipped = $0.verdict { true } else { false } })
    }

    @Test func scenariosLaunchWithoutTheFixture() {
        let command = LaunchedEndpoint.Configuration.defaultCommand
        #expect(
            Runner.withoutFixture(command)
                == Array(command.prefix(command.count - LaunchedEndpoint.Configuration.fixtureArguments.count)))
        #expect(
            Runner.withoutFixture(["qemu-system-x86_64", "-machine", "none"]) == [
                "qemu-system-x86_64", "-machine", "none",
            ])
        #expect(
            Runner.withoutFixture(command + ["-compat", "deprecated-input=reject"])
                == Runner.withoutFixture(command) + ["-compat", "deprecated-input=reject"],
            "words after the fixture stay, the fixture goes")
    }

    static func invalidCase() -> TestCase {
        let model = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources)
        return model.preparing(
            TestCase(
                command: "chardev-add", kind: .invalid, summary: "unknown member 'zzz'",
                arguments: ["id": "leak", "backend": "null", "zzz": 1],
                expectation: .reject(rule: .unknownMember, path: JSONPath.root.appending("zzz")), origin: "test"),
            schema: schema, values: Fixtures.caseDirectory.values)
    }

    static func runInvalid(_ fault: Fault) async -> CaseResult? {
        let chardevs = Chardevs(fault)
        let server = ScriptedEndpoint { _, request in chardevs.answer(request) }
        let runner = Runner(configuration: server.configuration(), schema: schema)
        return await ConformanceRun(runner: runner, oracle: Oracle(schema: schema)).run([.testCase(invalidCase())])
            .results.first
    }

    @Test func invalidCasesOfStateChangingCommandsSnapshotTheirResourcesQueries() {
        #expect(Self.invalidCase().stateQueries.map(\.command) == ["query-chardev"])
    }

    @Test func anInvalidCallThatChangesNothingPasses() async {
        #expect(await Self.runInvalid(.none)?.verdict == .passed)
    }

    @Test func anInvalidCallThatChangesStateFailsWithTheNamesItAdded() async {
        let result = await Self.runInvalid(.invalidCallChangesState)
        guard case .failed(let failures)? = result?.verdict else {
            Issue.record("expected a failure, got \(String(describing: result?.verdict))")
            return
        }
        #expect(failures.map(\.rule) == [.invalidChangedState])
        #expect(failures.first?.path.description == "query-chardev")
        #expect(failures.first?.actual == "added [leak], removed []")
    }

    /// A valid call of a consumer naming a chardev the endpoint does not hold, run where `kept` is.
    static func runValidCallOnAMissingChardev(_ fault: Fault) async -> CaseResult? {
        let model = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources)
        let testCase = model.preparing(
            TestCase(
                command: "chardev-send-break", kind: .valid, summary: "a chardev nobody added",
                arguments: ["id": "missing"], expectation: .accept, origin: "test"),
            schema: schema, values: Fixtures.caseDirectory.values)
        #expect(testCase.stateQueries.map(\.command) == ["query-chardev"])
        let chardevs = Chardevs(fault, names: ["kept"])
        let server = ScriptedEndpoint { _, request in chardevs.answer(request) }
        let runner = Runner(configuration: server.configuration(), schema: schema)
        return await ConformanceRun(runner: runner, oracle: Oracle(schema: schema)).run([.testCase(testCase)])
            .results.first
    }

    @Test func aValidCallAnsweredWithAnErrorThatChangesNothingPasses() async {
        #expect(await Self.runValidCallOnAMissingChardev(.none)?.verdict == .passed)
    }

    @Test func aValidCallAnsweredWithAnErrorThatRemovesSomethingFailsWithTheNamesItRemoved() async {
        let result = await Self.runValidCallOnAMissingChardev(.failedCallRemovesAll)
        guard case .failed(let failures)? = result?.verdict else {
            Issue.record("expected a failure, got \(String(describing: result?.verdict))")
            return
        }
        #expect(failures.map(\.rule) == [.failedCallChangedState])
        #expect(failures.first?.actual == "added [], removed [kept]")
        #expect(failures.first?.expected.hasPrefix("the names listed before the failed call") == true)
    }

    @Test func aJobVerbRunsOnAJobThatKeepsRunningAndIsCancelledAfterwards() throws {
        let schema = try Fixtures.introspection()
        let model = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources)
        let sequences = StatefulSequenceGenerator(schema: schema, model: model, directory: Fixtures.caseDirectory)
            .generate()
        let pause = try #require(sequences.first { $0.name == "stateful.job.job-pause.id" })
        #expect(pause.steps.map(\.command).prefix(2) == ["blockdev-backup", "job-pause"])
        #expect(pause.cleanup.map(\.command) == ["job-cancel"], "the template's remover, not job-dismiss")
        let lifecycle = try #require(sequences.first { $0.name == "stateful.job.lifecycle" })
        #expect(lifecycle.steps.first?.command == "blockdev-create")
        #expect(lifecycle.steps.first?.events.first?.name == "JOB_STATUS_CHANGE")
    }

    static func introspectionSequences() throws -> [Scenario] {
        let schema = try Fixtures.introspection()
        let model = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources)
        return StatefulSequenceGenerator(schema: schema, model: model, directory: Fixtures.caseDirectory).generate()
    }

    @Test func aRecipePutsTheJobInTheStateItsVerbNeedsAndTheVerbMustSucceed() throws {
        let resume = try #require(try Self.introspectionSequences().first { $0.name == "stateful.job.job-resume.id" })
        #expect(
            resume.steps.map(\.command) == [
                "blockdev-backup", "job-pause", "job-resume", "query-jobs", "job-cancel", "query-jobs",
            ])
        let call = resume.steps[2]
        #expect(call.reply == .success(nil), "no longer any answer that finds the job")
        let name = try #require(call.sentArguments?["id"]?.stringValue)
        #expect(call.events.map(\.name) == ["JOB_STATUS_CHANGE"])
        #expect(call.events.first?.data == ["id": .string(name), "status": "running"])
        #expect(resume.steps[1].events.first?.data == ["id": .string(name), "status": "paused"])
        #expect(resume.steps[3].reply == .success(.subset([["id": .string(name), "status": "running"]])))
    }

    @Test func aMirrorIsCompletedOnlyAfterItsReadyEventAndItsNodesAreRemovedAfterwards() throws {
        let complete = try #require(
            try Self.introspectionSequences().first { $0.name == "stateful.job.block-job-complete.device" })
        let mirror = try #require(complete.steps.first { $0.command == "blockdev-mirror" })
        #expect(mirror.events.map(\.name) == ["BLOCK_JOB_READY"])
        #expect(
            complete.steps.map(\.command).prefix(4) == [
                "blockdev-add", "blockdev-add", "blockdev-mirror", "block-job-complete",
            ])
        #expect(
            complete.cleanup.map(\.command) == [
                "block-job-cancel", "blockdev-del", "blockdev-del", "block-job-cancel",
            ],
            "the job ends before its nodes go")
    }

    @Test func anExportSequenceStartsAnNBDServerInTheScratchDirectoryFirstAndStopsItLast() throws {
        let sequences = try Self.introspectionSequences()
        let lifecycle = try #require(sequences.first { $0.name == "stateful.block-export.lifecycle" })
        #expect(lifecycle.steps.first?.command == "nbd-server-start")
        #expect(
            lifecycle.steps.first?.sentArguments?["addr"]?["data"]?["path"]?.stringValue?.hasPrefix("${scratch}/")
                == true)
        #expect(lifecycle.steps.last?.command == "nbd-server-stop")
        #expect(lifecycle.cleanup.last?.command == "nbd-server-stop")
        let add = try #require(sequences.first { $0.name == "stateful.block-node.nbd-server-add.device" })
        #expect(add.steps.map(\.command).prefix(3) == ["nbd-server-start", "blockdev-add", "nbd-server-add"])
    }

    @Test func aRecipeNamesTheCallsOtherNodesInsteadOfFreshOnes() throws {
        let commit = try #require(
            try Self.introspectionSequences().first { $0.name == "stateful.block-node.block-commit.base-node" })
        let call = try #require(commit.steps.first { $0.command == "block-commit" })
        let base = try #require(call.sentArguments?["base-node"]?.stringValue)
        #expect(call.sentArguments?["top-node"]?.stringValue == base + "o", "the overlay made by the recipe")
        #expect(
            !commit.steps.contains {
                $0.command == "blockdev-add" && $0.sentArguments?["node-name"]?.stringValue == base + "o0"
            })
    }
}

extension Scenario.Step {
    /// The arguments the step sends, if it sends a command.
    fileprivate var sentArguments: JSONValue? {
        if case .execute(_, let arguments) = action { arguments } else { nil }
    }
}
