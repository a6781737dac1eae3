import Foundation
import Testing

@testable import ConformanceKit

/// The scenario executor and the oracle's scenario rules together, against a scripted server:
/// replies, errors, captures, and events before, after, late, missing and forbidden.
struct ScenarioRunnerTests {
    /// What the scripted server does with one request: lines to send now, lines to send later.
    struct Answer: Sendable {
        var now: [String]
        var later: [String] = []
        var delay: Duration = .zero
    }

    static func reply(_ request: JSONObject, _ body: String = #""return": {}"#) -> String {
        "{\(body), \"id\": \(JSONWriter.compact.string(request["id"] ?? .null))}\r\n"
    }

    static func event(_ name: String, _ data: String? = nil) -> String {
        #"{"event": "\#(name)", "timestamp": {"seconds": 1, "microseconds": 2}"#
            + (data.map { #", "data": \#($0)"# } ?? "") + "}\r\n"
    }

    /// A connected client whose server answers by `script` (default: `{"return": {}}`).
    static func client(_ script: @escaping @Sendable (String, JSONObject) -> Answer? = { _, _ in nil }) async throws
        -> (QMPClient, ScriptedTransport)
    {
        let holder = TransportHolder()
        let transport = ScriptedTransport(initial: [Array(QMPClientTests.greeting.utf8)]) { bytes in
            guard let request = try? JSONParser.parse(bytes).objectValue else { return [] }
            let command = request["execute"]?.stringValue ?? ""
            let answer = script(command, request) ?? Answer(now: [reply(request)])
            if !answer.later.isEmpty {
                let later = answer.later
                let delay = answer.delay
                Task {
                    try? await Task.sleep(for: delay)
                    for line in later { holder.transport?.deliver(line) }
                }
            }
            return answer.now.map { Array($0.utf8) }
        }
        holder.transport = transport
        let client = try await QMPClient.connect(over: transport, options: .init(recordsTranscript: true))
        return (client, transport)
    }

    final class TransportHolder: @unchecked Sendable {
        var transport: ScriptedTransport?
    }

    static func scenario(_ steps: String, cleanup: String = "[]") throws -> Scenario {
        try ScenarioLoader.load(
            Array(#"{ "description": "test", "steps": \#(steps), "cleanup": \#(cleanup) }"#.utf8),
            file: "cases/t/x.json",
            relativePath: "t/x.json")
    }

    /// The events the scripted server sends, as a schema defines them.
    static let schema = try! SchemaLoader.loadSource(
        files: [
            "x": """
            { 'event': 'E', 'data': { '*id': 'str' } }
            { 'event': 'RESUME' }
            { 'event': 'STOP' }
            { 'event': 'RESET', 'data': { '*guest': 'bool', '*reason': 'str' } }
            { 'event': 'NETDEV_STREAM_CONNECTED', 'data': { 'netdev-id': 'str' } }
            """
        ], main: "x"
    ).schema

    /// Runs a scenario on the client and judges it.
    static func run(_ scenario: Scenario, on client: QMPClient) async -> CaseResult {
        let pool = FreePortPool()
        let ports = scenario.portNames.map { ($0, (try? pool.allocate()).map(String.init) ?? "") }
        let variables = CaseVariables(scratch: "/tmp/scratch-x", ports: Dictionary(uniqueKeysWithValues: ports))
        let observation = await ScenarioRunner().run(scenario, on: client, variables: variables)
        return Oracle(schema: schema).judge(.scenario(scenario), observation)
    }

    static func failures(_ result: CaseResult) -> [Verdict.Failure] {
        if case .failed(let failures) = result.verdict { failures } else { [] }
    }

    @Test func anEventBeforeTheReplyPassesWithItsLatency() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "cont" ? Answer(now: [Self.event("RESUME") + Self.reply(request)]) : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "cont", "return": { "exact": {} }, "events": [ { "name": "RESUME", "within_ms": 5000, "when": "before-reply" } ] } ]"#
        )
        let result = await Self.run(scenario, on: client)
        #expect(result.verdict == .passed)
        #expect(result.suite == "t/x.json")
        #expect(result.caseID == scenario.caseID)
        #expect(result.kind == .scenario)
        #expect(result.summary == "test")
        #expect(result.eventTimings.count == 1)
        #expect(result.eventTimings[0].event == "RESUME")
        #expect(result.eventTimings[0].windowMilliseconds == 5000)
        #expect((result.eventTimings[0].latencyMilliseconds ?? 10000) < 5000)
        #expect(result.transcript.contains(#"-> {"execute":"cont""#))
        #expect(result.transcript.contains(#"<- {"event": "RESUME""#))
        #expect(!result.transcript.contains("qmp_capabilities"), "only this scenario's exchange")
        await client.close()
    }

    @Test func anEventAfterTheReplyFailsABeforeReplyExpectation() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "cont" ? Answer(now: [Self.reply(request) + Self.event("RESUME")]) : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "cont", "events": [ { "name": "RESUME", "within_ms": 5000, "when": "before-reply" } ] } ]"#
        )
        let result = await Self.run(scenario, on: client)
        #expect(Self.failures(result).map(\.rule.description) == ["event-order"])
        #expect(Self.failures(result).first?.path.description == "steps[0].events[0]")
        #expect(Self.failures(result).first?.actual == "RESUME after the reply")
        await client.close()
    }

    /// The event comes 200 ms after its 2 s window and is still waited for (the grace is the
    /// window again), so a loaded machine has 1.8 s of slack before it reads as missing.
    @Test func aLateEventFailsWithItsMeasuredLatency() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "netdev_add"
                ? Answer(
                    now: [Self.reply(request)], later: [Self.event("NETDEV_STREAM_CONNECTED", #"{"netdev-id": "s"}"#)],
                    delay: .milliseconds(2200))
                : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "netdev_add", "events": [ { "name": "NETDEV_STREAM_CONNECTED", "within_ms": 2000, "data": { "netdev-id": "s" } } ] } ]"#
        )
        let result = await Self.run(scenario, on: client)
        let failures = Self.failures(result)
        #expect(failures.map(\.rule.description) == ["event-late"])
        #expect(failures.first?.expected == #"NETDEV_STREAM_CONNECTED {"netdev-id":"s"} within 2000 ms"#)
        let latency = try #require(result.eventTimings.first?.latencyMilliseconds)
        #expect(latency >= 2190)
        #expect(result.eventTimings.first?.windowMilliseconds == 2000)
        await client.close()
    }

    @Test func aMissingEventFailsAndNamesTheEventsSeen() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "stop" ? Answer(now: [Self.event("RESET") + Self.reply(request)]) : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "stop", "events": [ { "name": "STOP", "within_ms": 30 } ] } ]"#)
        let result = await Self.run(scenario, on: client)
        let failures = Self.failures(result)
        #expect(failures.map(\.rule.description) == ["event-missing"])
        #expect(failures.first?.actual.contains(#"seen: {"event":"RESET"}"#) == true, "\(failures)")
        #expect(result.eventTimings == [.init(event: "STOP", latencyMilliseconds: nil, windowMilliseconds: 30)])
        await client.close()
    }

    @Test func eventDataMustContainTheExpectedSubset() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "system_reset"
                ? Answer(now: [Self.event("RESET", #"{"guest": true, "reason": "guest-reset"}"#) + Self.reply(request)])
                : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "system_reset", "events": [ { "name": "RESET", "within_ms": 30, "data": { "guest": false } } ] } ]"#
        )
        let result = await Self.run(scenario, on: client)
        #expect(Self.failures(result).map(\.rule.description) == ["event-missing"])
        await client.close()
    }

    @Test func twoExpectationsOfOneNameNeedTwoEvents() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "x"
                ? Answer(now: [Self.reply(request)], later: [Self.event("E", #"{"id": "a"}"#)], delay: .milliseconds(5))
                : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "x", "events": [ { "name": "E", "within_ms": 5000 }, { "name": "E", "within_ms": 1000 } ] } ]"#
        )
        let result = await Self.run(scenario, on: client)
        #expect(Self.failures(result).map(\.rule.description) == ["event-missing"])
        #expect(Self.failures(result).first?.path.description == "steps[0].events[1]")
        await client.close()
    }

    @Test func aForbiddenEventWithinItsWindowFails() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "stop" ? Answer(now: [Self.reply(request) + Self.event("STOP")]) : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "stop", "absent": [ { "name": "STOP", "within_ms": 3000 } ] } ]"#)
        let result = await Self.run(scenario, on: client)
        let failures = Self.failures(result)
        #expect(failures.map(\.rule.description) == ["event-unexpected"])
        #expect(failures.first?.path.description == "steps[0].absent[0]")
        #expect(failures.first?.expected == "no STOP within 3000 ms")
        #expect(failures.first?.actual.hasPrefix(#"{"event":"STOP"} after "#) == true)
        await client.close()
    }

    @Test func aForbiddenEventAfterItsWindowPasses() async throws {
        let (client, _) = try await Self.client { command, request in
            command == "stop"
                ? Answer(now: [Self.reply(request)], later: [Self.event("STOP")], delay: .milliseconds(150)) : nil
        }
        let scenario = try Self.scenario(
            #"[ { "execute": "stop", "absent": [ { "name": "STOP", "within_ms": 30 } ] } ]"#)
        let started = ContinuousClock.now
        let result = await Self.run(scenario, on: client)
        #expect(result.verdict == .passed)
        #expect(ContinuousClock.now - started >= .milliseconds(30), "the window is waited out")
        await client.close()
    }

    @Test func returnAndErrorMismatchesAreStructured() async throws {
        let (client, _) = try await Self.client { command, request in
            switch command {
            case "query-status":
                Answer(now: [Self.reply(request, #""return": {"status": "running", "running": true}"#)])
            case "netdev_del":
                Answer(now: [Self.reply(request, #""error": {"class": "GenericError", "desc": "oops"}"#)])
            default: nil
            }
        }
        let scenario = try Self.scenario(
            """
            [ { "execute": "query-status", "return": { "subset": { "status": "paused", "singlestep": false } } },
              { "execute": "netdev_del", "error": { "class": "DeviceNotFound", "desc": "not found" } },
              { "execute": "netdev_del", "return": { "exact": {} } },
              { "execute": "cont", "error": { "class": "GenericError" } } ]
            """)
        let result = await Self.run(scenario, on: client)
        let failures = Self.failures(result)
        #expect(
            failures == [
                .init(
                    rule: .returnMismatch,
                    path: JSONPath(components: [.key("steps"), .index(0), .key("return"), .key("status")]),
                    expected: #""paused""#, actual: #""running""#),
                .init(
                    rule: .returnMismatch,
                    path: JSONPath(components: [.key("steps"), .index(0), .key("return"), .key("singlestep")]),
                    expected: "false", actual: "absent"),
                .init(
                    rule: .errorMismatch,
                    path: JSONPath(components: [.key("steps"), .index(1), .key("error"), .key("class")]),
                    expected: "DeviceNotFound", actual: "GenericError"),
                .init(
                    rule: .errorMismatch,
                    path: JSONPath(components: [.key("steps"), .index(1), .key("error"), .key("desc")]),
                    expected: "a string matching /not found/", actual: #""oops""#),
                .init(
                    rule: .returnMismatch, path: JSONPath(components: [.key("steps"), .index(2), .key("error")]),
                    expected: "a success reply", actual: #"{"class":"GenericError","desc":"oops"}"#),
                .init(
                    rule: .errorMismatch, path: JSONPath(components: [.key("steps"), .index(3), .key("return")]),
                    expected: "an error reply of class GenericError", actual: "success {}"),
            ])
        await client.close()
    }

    @Test func variablesReachArgumentsAndMatchers() async throws {
        let (client, transport) = try await Self.client { command, request in
            switch command {
            case "query-rx-filter" where request["arguments"] == nil:
                Answer(now: [Self.reply(request, #""return": [{"name": "n.1", "size": 3}]"#)])
            case "query-rx-filter":
                Answer(now: [Self.reply(request, #""error": {"class": "GenericError", "desc": "bad n.1 (x)"}"#)])
            default: nil
            }
        }
        let scenario = try Self.scenario(
            """
            [ { "execute": "query-rx-filter", "capture": { "nic": "return[0].name", "size": "return[0].size" } },
              { "execute": "query-rx-filter", "arguments": { "name": "${nic}", "n": "${size}", "path": "${scratch}/s-${nic}", "p": "${port:a}", "q": "${free_port}", "lit": "$${x}" },
                "error": { "desc": "^bad ${nic} \\\\(x\\\\)$" } },
              { "execute": "x", "arguments": { "p": "${port:a}" }, "return": { "exact": {} } } ]
            """)
        let result = await Self.run(scenario, on: client)
        #expect(result.verdict == .passed)
        let sent = transport.sentMessages.compactMap { try? JSONParser.parse($0) }
        let arguments = try #require(sent.first { $0["arguments"]?["name"] != nil }?["arguments"]?.objectValue)
        #expect(arguments["name"] == "n.1")
        #expect(arguments["n"] == 3, "a whole-string reference keeps the captured type")
        #expect(arguments["path"] == "/tmp/scratch-x/s-n.1")
        #expect(arguments["lit"] == "${x}")
        let port = try #require(arguments["p"]?.stringValue)
        #expect(UInt16(port) != nil)
        #expect(arguments["q"] != arguments["p"])
        #expect(sent.last?["arguments"]?["p"]?.stringValue == port, "one port per name for the whole scenario")
        await client.close()
    }

    @Test func aMissingCaptureErrorsTheScenarioAndCleanupStillRuns() async throws {
        let (client, transport) = try await Self.client()
        let scenario = try Self.scenario(
            #"[ { "execute": "a", "capture": { "v": "return[0]" } }, { "execute": "b", "arguments": { "x": "${v}" } }, { "execute": "c" } ]"#,
            cleanup: #"[ { "execute": "tidy", "arguments": { "x": "${v}" } }, { "execute": "tidy2" } ]"#)
        let result = await Self.run(scenario, on: client)
        guard case .errored(let message) = result.verdict else {
            Issue.record("expected errored, got \(result.verdict)")
            return
        }
        #expect(message.contains("steps[1] b (cases/t/x.json:1:"), "\(message)")
        #expect(message.contains("${v} has no value"), "\(message)")
        #expect(message.contains("[capture-missing] at steps[0].return[0]"), "\(message)")
        let commands = transport.sentMessages.compactMap { try? JSONParser.parse($0)["execute"]?.stringValue }
        #expect(commands == ["qmp_capabilities", "a", "tidy2"])
        await client.close()
    }

    @Test func noReplyErrorsTheScenario() async throws {
        let (client, _) = try await Self.client { command, _ in command == "hang" ? Answer(now: []) : nil }
        let scenario = try Self.scenario(#"[ { "execute": "hang", "timeout_ms": 50 } ]"#)
        let result = await Self.run(scenario, on: client)
        guard case .errored(let message) = result.verdict else {
            Issue.record("expected errored, got \(result.verdict)")
            return
        }
        #expect(message.contains("no reply"), "\(message)")
        await client.close()
    }

    @Test func aPauseStepWaits() async throws {
        let (client, _) = try await Self.client()
        let scenario = try Self.scenario(#"[ { "sleep_ms": 40 }, { "execute": "x" } ]"#)
        let started = ContinuousClock.now
        let result = await Self.run(scenario, on: client)
        #expect(result.verdict == .passed)
        #expect(ContinuousClock.now - started >= .milliseconds(40))
        await client.close()
    }

}

extension ScenarioRunnerTests {
    @Test func aStepOfACommandThatTakesADescriptorPassesTheRunsFileAndOthersPassNone() async throws {
        let (client, transport) = try await Self.client()
        let loaded = try Self.scenario(
            #"[ { "execute": "getfd", "arguments": { "fdname": "f" } }, { "execute": "closefd", "arguments": { "fdname": "f" } } ]"#,
            cleanup: #"[ { "execute": "getfd", "arguments": { "fdname": "f" } } ]"#)
        var table = Fixtures.caseDirectory.resources
        table.passesDescriptor = ["getfd"]
        let schema = try SchemaLoader.loadSource(files: ["x": ResourceModelTests.descriptorCommands], main: "x").schema
        let scenario = ResourceModel(schema: schema, table: table).preparing(loaded)
        #expect(scenario.steps.map(\.passesDescriptor) == [true, false])
        let file = try PassedFile(directory: "/tmp/qmp-conform-x")
        let observation = await ScenarioRunner().run(
            scenario, on: client, variables: CaseVariables(scratch: ""), passing: file)
        #expect(observation.ending == .completed)
        #expect(transport.passedFiles == [1: [file], 3: [file]], "the getfd step and the getfd cleanup step")
        #expect(observation.transcript.contains(#"-> (+1 fd) {"execute":"getfd""#))
        await client.close()
    }

    @Test func aStepThatPassesADescriptorWithoutAFileBreaksTheScenarioBeforeSendingIt() async throws {
        let (client, transport) = try await Self.client()
        var scenario = try Self.scenario(#"[ { "execute": "getfd", "arguments": { "fdname": "f" } } ]"#)
        scenario.steps[0].passesDescriptor = true
        let observation = await ScenarioRunner().run(scenario, on: client, variables: CaseVariables(scratch: ""))
        guard case .broken(let reason) = observation.ending else {
            Issue.record("expected broken, got \(observation.ending)")
            return
        }
        #expect(reason.contains("passes a file descriptor"))
        #expect(transport.sentMessages.count == 1, "only the negotiation was sent")
        await client.close()
    }
}
