import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

struct ScenarioLoaderTests {
    static func load(_ text: String, relativePath: String = "net/x.json") throws(DiagnosticError) -> Scenario {
        try ScenarioLoader.load(Array(text.utf8), file: "cases/" + relativePath, relativePath: relativePath)
    }

    @Test func readsEveryPartOfAScenario() throws {
        let scenario = try Self.load(
            """
            { "description": "all parts",
              "requires": { "commands": ["netdev_add"], "events": ["NETDEV_STREAM_CONNECTED"], "version": "7.2" },
              "launch": ["-machine", "pc", "-S"],
              "steps": [
                { "execute": "netdev_add", "arguments": { "type": "stream", "id": "s0", "server": true,
                    "addr": { "type": "inet", "host": "127.0.0.1", "port": "${port:a}" } },
                  "return": { "exact": {} }, "timeout_ms": 250 },
                { "sleep_ms": 20, "description": "let it listen" },
                { "execute": "netdev_del", "arguments": { "id": "nope" }, "error": { "class": "DeviceNotFound", "desc": "not found" } },
                { "execute": "cont", "return": { "exact": {} },
                  "events": [ { "name": "RESUME", "within_ms": 500, "when": "before-reply", "data": { } } ],
                  "absent": [ { "name": "STOP", "within_ms": 200 } ] },
                { "execute": "query-rx-filter", "return": { "type": "array", "count": 1 }, "capture": { "first": "return[0].name" } },
                { "execute": "query-rx-filter", "arguments": { "name": "${first}" }, "return": { "regex": "^x" } },
                { "execute": "query-status" } ],
              "cleanup": [ { "execute": "netdev_del", "arguments": { "id": "s0" } } ] }
            """)
        #expect(scenario.name == "net.x")
        #expect(scenario.relativePath == "net/x.json")
        #expect(scenario.description == "all parts")
        #expect(
            scenario.requirements
                == .init(commands: ["netdev_add"], events: ["NETDEV_STREAM_CONNECTED"], minimumVersion: Version(7, 2)))
        #expect(scenario.launch == ["-machine", "pc", "-S"])
        #expect(scenario.steps.count == 7)
        #expect(scenario.cleanup.count == 1)
        #expect(scenario.portNames == ["a"])
        #expect(scenario.executedCommands == ["cont", "netdev_add", "netdev_del", "query-rx-filter", "query-status"])
        #expect(scenario.steps[0].timeoutMilliseconds == 250)
        #expect(scenario.steps[0].reply == .success(.exact(.object([:]))))
        #expect(scenario.steps[1].action == .sleep(milliseconds: 20))
        #expect(
            scenario.steps[2].reply == .error(ErrorExpectation(errorClass: .deviceNotFound, descPattern: "not found")))
        #expect(
            scenario.steps[3].events == [
                EventExpectation(name: "RESUME", data: .object([:]), windowMilliseconds: 500, order: .beforeReply)
            ])
        #expect(scenario.steps[3].absent == [EventExpectation(name: "STOP", windowMilliseconds: 200)])
        #expect(scenario.steps[4].reply == .success(.all([.kind(.array), .count(1)])))
        #expect(
            scenario.steps[4].captures == [
                .init(name: "first", path: JSONPath(components: [.key("return"), .index(0), .key("name")]))
            ])
        #expect(scenario.steps[6].reply == .success(nil))
        #expect(scenario.steps[2].location == SourceLocation(file: "cases/net/x.json", line: 9, column: 5))
        #expect(scenario.caseID == TestCase.id(command: "net.x", kind: .scenario, identity: ["net/x.json"]))
        #expect(scenario.testCase.id == scenario.caseID)
        #expect(scenario.testCase.tags == ["launch", "scenario"])
        #expect(scenario.launchArguments(machine: "q35") == ["-machine", "pc", "-S"])
    }

    @Test func defaultsAreAnyOrderAndTheDefaultWindow() throws {
        let scenario = try Self.load(
            #"{ "description": "d", "steps": [ { "execute": "stop", "events": [ { "name": "STOP" } ] } ] }"#)
        #expect(scenario.steps[0].events == [EventExpectation(name: "STOP", windowMilliseconds: 1000, order: .any)])
        #expect(scenario.launch == nil)
        #expect(scenario.testCase.tags == ["scenario"])
    }

    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var marked: String
        var message: String
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(
            name: "unknown top-level key", marked: #"{ "description": "d", 1️⃣"stpes": [] }"#,
            message: "unknown key 'stpes' in a scenario file"),
        Fault(
            name: "unknown step key",
            marked: #"{ "description": "d", "steps": [ { "execute": "stop", 1️⃣"retrun": { "exact": {} } } ] }"#,
            message: "unknown key 'retrun' in a step"),
        Fault(
            name: "step without execute", marked: #"{ "description": "d", "steps": [ 1️⃣{ "arguments": {} } ] }"#,
            message: "step has no 'execute'"),
        Fault(
            name: "execute not a string", marked: #"{ "description": "d", "steps": [ { "execute": 1️⃣42 } ] }"#,
            message: "expected a string, got integer"),
        Fault(
            name: "arguments not an object",
            marked: #"{ "description": "d", "steps": [ { "execute": "stop", "arguments": 1️⃣[1] } ] }"#,
            message: "'arguments' must be an object, got array"),
        Fault(
            name: "bad error regex",
            marked: #"{ "description": "d", "steps": [ { "execute": "stop", "error": { "desc": 1️⃣"(unclosed" } } ] }"#,
            message: "invalid regular expression /(unclosed/"),
        Fault(
            name: "catastrophic error regex",
            marked: #"{ "description": "d", "steps": [ { "execute": "stop", "error": { "desc": 1️⃣"(a+)+'" } } ] }"#,
            message: "nested quantifier: catastrophic backtracking; rewrite without (x+)+"),
        Fault(
            name: "catastrophic return regex",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "return": { "regex": 1️⃣"^(\\w*)*$" } } ] }"#,
            message: "nested quantifier"),
        Fault(
            name: "bad return regex",
            marked: #"{ "description": "d", "steps": [ { "execute": "stop", "return": { "regex": 1️⃣"[a-" } } ] }"#,
            message: "invalid regular expression /[a-/"),
        Fault(
            name: "unknown variable",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "arguments": { "id": 1️⃣"${nic}" } } ] }"#,
            message: "unknown variable '${nic}'"),
        Fault(
            name: "variable used before its capture",
            marked: """
                { "description": "d", "steps": [
                  { "execute": "a", "arguments": { "n": 1️⃣"${first}" } },
                  { "execute": "b", "capture": { "first": "return" } } ] }
                """,
            message: "unknown variable '${first}'"),
        Fault(
            name: "unterminated variable",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "arguments": { "p": 1️⃣"${port:a" } } ] }"#,
            message: "unterminated '${'"),
        Fault(
            name: "unknown JSON type",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "return": { "type": 1️⃣"arry" } } ] }"#,
            message: "unknown JSON type \"arry\""),
        Fault(
            name: "unknown matcher",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "return": { 1️⃣"exactly": {} } } ] }"#,
            message: "unknown key 'exactly' in a return matcher"),
        Fault(
            name: "return and error together",
            marked:
                #"{ "description": "d", "steps": [ { "execute": "x", "return": { "exact": {} }, 1️⃣"error": {} } ] }"#,
            message: "either 'return' or 'error', not both"),
        Fault(
            name: "bad when",
            marked:
                #"{ "description": "d", "steps": [ { "execute": "x", "events": [ { "name": "STOP", "when": 1️⃣"before" } ] } ] }"#,
            message: "unknown 'when' value \"before\""),
        Fault(
            name: "when in an absent event",
            marked:
                #"{ "description": "d", "steps": [ { "execute": "x", "absent": [ { "name": "STOP", 1️⃣"when": "any" } ] } ] }"#,
            message: "unknown key 'when' in a forbidden event"),
        Fault(
            name: "event without a name",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "events": [ 1️⃣{ "within_ms": 5 } ] } ] }"#,
            message: "event has no 'name'"),
        Fault(
            name: "negative window",
            marked:
                #"{ "description": "d", "steps": [ { "execute": "x", "events": [ { "name": "A", "within_ms": 1️⃣-1 } ] } ] }"#,
            message: "expected an integer in 0...3600000, got -1"),
        Fault(
            name: "huge timeout",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "timeout_ms": 1️⃣1e300 } ] }"#,
            message: "expected an integer in 0...3600000, got 1e+300"),
        Fault(
            name: "huge window",
            marked:
                #"{ "description": "d", "steps": [ { "execute": "x", "events": [ { "name": "A", "within_ms": 1️⃣1e300 } ] } ] }"#,
            message: "expected an integer in 0...3600000"),
        Fault(
            name: "huge pause", marked: #"{ "description": "d", "steps": [ { "sleep_ms": 1️⃣1e300 } ] }"#,
            message: "expected an integer in 0...3600000"),
        Fault(
            name: "fractional pause", marked: #"{ "description": "d", "steps": [ { "sleep_ms": 1️⃣2.5 } ] }"#,
            message: "expected an integer in 0...3600000, got 2.5"),
        Fault(
            name: "count beyond any integer",
            marked:
                #"{ "description": "d", "steps": [ { "execute": "x", "return": { "count": 1️⃣18446744073709551616 } } ] }"#,
            message: "expected an integer in 0...2147483647"),
        Fault(
            name: "count beyond Int64",
            marked:
                #"{ "description": "d", "steps": [ { "execute": "x", "return": { "count": 1️⃣18446744073709551615 } } ] }"#,
            message: "expected an integer in 0...2147483647, got 18446744073709551615"),
        Fault(
            name: "malformed version",
            marked: #"{ "description": "d", "requires": { "version": 1️⃣"seven" }, "steps": [] }"#,
            message: "malformed version"),
        Fault(
            name: "malformed capture path",
            marked: #"{ "description": "d", "steps": [ { "execute": "x", "capture": { "v": 1️⃣"reply.name" } } ] }"#,
            message: "malformed capture path \"reply.name\""),
        Fault(
            name: "pause with a command",
            marked: #"{ "description": "d", "steps": [ { "sleep_ms": 5, 1️⃣"execute": "x" } ] }"#,
            message: "a pause step ('sleep_ms') takes no 'execute'"),
        Fault(name: "missing steps", marked: #"1️⃣{ "description": "d" }"#, message: "missing 'steps'"),
        Fault(name: "empty steps", marked: #"{ "description": "d", "steps": 1️⃣[] }"#, message: "'steps' is empty"),
        Fault(
            name: "syntax error", marked: "{ \"description\": \"d\",\n  1️⃣}", message: "expected a quoted member name"),
        Fault(
            name: "launch not strings", marked: #"{ "description": "d", "launch": ["-S", 1️⃣true], "steps": [] }"#,
            message: "expected a string, got boolean"),
    ]

    @Test(arguments: faults)
    func faultIsReportedAtItsLocation(fault: Fault) throws {
        let marked = MarkedText(fault.marked)
        let expected = try #require(marked.locations["1️⃣"])
        do {
            _ = try Self.load(marked.text)
            Issue.record("\(fault.name): expected an error")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.message.contains(fault.message), "\(diagnostic)")
            #expect(diagnostic.location?.file == "cases/net/x.json")
            #expect(diagnostic.location?.line == expected.line, "\(diagnostic)")
            #expect(diagnostic.location?.column == expected.column, "\(diagnostic)")
        }
    }

    @Test func unknownKeySuggestsTheClosestKey() throws {
        do {
            _ = try Self.load(#"{ "description": "d", "steps": [ { "execute": "x", "argumnets": {} } ] }"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("did you mean 'arguments'?"), "\(error)")
            #expect(
                error.description.hasPrefix("cases/net/x.json:1:52: error: unknown key 'argumnets' in a step"),
                "\(error)")
        }
    }

    @Test func capturesAreVisibleToLaterStepsAndCleanup() throws {
        let scenario = try Self.load(
            """
            { "description": "d", "steps": [
                { "execute": "a", "capture": { "v": "return.x", "e": "error.desc" } },
                { "execute": "b", "arguments": { "x": "${v}" }, "error": { "desc": "${e}" } } ],
              "cleanup": [ { "execute": "c", "arguments": { "x": "${v}" } } ] }
            """)
        #expect(scenario.steps[1].references == [.captured("v"), .captured("e")])
    }

    @Test func capturePathsParse() {
        #expect(ScenarioLoader.capturePath("return")?.description == "return")
        #expect(ScenarioLoader.capturePath("return[0].name")?.description == "return[0].name")
        #expect(ScenarioLoader.capturePath("return.a[2][3].b")?.description == "return.a[2][3].b")
        #expect(ScenarioLoader.capturePath("error.desc")?.description == "error.desc")
        #expect(ScenarioLoader.capturePath("event.x") == nil)
        #expect(ScenarioLoader.capturePath("return[x]") == nil)
        #expect(ScenarioLoader.capturePath("return..a") == nil)
        #expect(ScenarioLoader.capturePath("") == nil)
    }

    @Test func directoryLoadingReportsEveryFaultyFileAndSkipsTopLevelFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scenario-loader-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data("{ not json".utf8).write(to: directory.appendingPathComponent("values.json"))
        try Data(#"{ "description": "ok", "steps": [ { "execute": "x" } ] }"#.utf8)
            .write(to: directory.appendingPathComponent("a/ok.json"))
        try Data(#"{ "description": "bad", "steps": [ { "exec": "x" } ] }"#.utf8)
            .write(to: directory.appendingPathComponent("a/b/bad.json"))
        try Data(#"{ "steps": [] }"#.utf8).write(to: directory.appendingPathComponent("a/worse.json"))
        #expect(ScenarioLoader.scenarioPaths(in: directory.path) == ["a/b/bad.json", "a/ok.json", "a/worse.json"])
        do {
            _ = try ScenarioLoader.load(directory: directory.path)
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.count == 2)
            #expect(error.diagnostics.map { $0.location?.file ?? "" }.allSatisfy { $0.hasPrefix(directory.path) })
        }
    }
}

/// The scenarios shipped in `cases/`.
struct ShippedScenarioTests {
    static let casesDirectory = TestPaths.packageRoot.appendingPathComponent("cases").path

    @Test func everyShippedScenarioLoads() throws {
        let scenarios = try ScenarioLoader.load(directory: Self.casesDirectory)
        #expect(scenarios.count == ScenarioLoader.scenarioPaths(in: Self.casesDirectory).count)
        #expect(scenarios.count >= 17)
        #expect(Set(scenarios.map(\.caseID)).count == scenarios.count)
    }

    @Test func theRequiredScenariosAreShipped() throws {
        let names = Set(try ScenarioLoader.load(directory: Self.casesDirectory).map(\.name))
        for required in [
            "net.netdev-lifecycle-user", "net.netdev-lifecycle-socket", "net.netdev-lifecycle-stream",
            "net.netdev-lifecycle-dgram", "net.netdev-lifecycle-hubport", "net.netdev-duplicate-id",
            "net.netdev-del-missing", "net.set-link-missing", "net.stream-connect-events",
            "net.stream-connect-events-unix", "net.query-rx-filter", "net.query-rx-filter-nic", "net.announce-self",
            "run-state.cont-resume", "run-state.stop-stop", "run-state.system-reset",
        ] {
            #expect(names.contains(required), "missing \(required)")
        }
    }

    @Test func shippedScenariosStayInsideTheSandbox() throws {
        for scenario in try ScenarioLoader.load(directory: Self.casesDirectory) {
            var strings = (scenario.launch ?? [])
            for step in scenario.steps + scenario.cleanup {
                if case .execute(_, let arguments?) = step.action { strings += CaseSafetyTests.strings(in: arguments) }
            }
            for text in strings {
                #expect(ValueSafety.unsafety(text) == nil, "\(scenario.relativePath): '\(text)'")
            }
            for argument in scenario.launch ?? [] {
                for forbidden in ["tap", "bridge", "vhost", "hostfwd", "guestfwd", "mcast"] {
                    #expect(!argument.contains(forbidden), "\(scenario.relativePath): '\(argument)'")
                }
            }
        }
    }

    @Test func runStateScenariosNeedTheirOwnStoppedMachineOfTheTargetsDefaultType() throws {
        for scenario in try ScenarioLoader.load(directory: Self.casesDirectory)
        where scenario.relativePath.hasPrefix("run-state/") {
            #expect(scenario.launch == ["-machine", "${machine}", "-S"], "\(scenario.relativePath)")
        }
    }
}
