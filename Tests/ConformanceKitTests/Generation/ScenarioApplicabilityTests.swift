import Testing

@testable import ConformanceKit

struct ScenarioApplicabilityTests {
    static func scenario(_ requires: String, launch: String? = nil, command: String = "query-status") throws -> Scenario
    {
        let launchMember = launch.map { #", "launch": \#($0)"# } ?? ""
        return try ScenarioLoader.load(
            Array(
                #"{ "description": "d", "requires": \#(requires)\#(launchMember), "steps": [ { "execute": "\#(command)" } ] }"#
                    .utf8),
            file: "x.json", relativePath: "a/x.json")
    }

    static let schema: Schema = try! Fixtures.introspection()

    @Test func appliesWhenEverythingIsThere() throws {
        let scenario = try Self.scenario(
            #"{ "commands": ["netdev_add"], "events": ["NETDEV_STREAM_CONNECTED"], "version": "7.2" }"#)
        #expect(
            scenario.applicability(schema: Self.schema, version: Version(7, 2, 22), launchedEndpoint: false) == .run)
    }

    @Test func skipsForAMissingCommand() throws {
        let scenario = try Self.scenario(#"{ "commands": ["netdev_add", "x-no-such-command"] }"#)
        #expect(
            scenario.applicability(schema: Self.schema, version: nil, launchedEndpoint: true)
                == .skip("requires command 'x-no-such-command', which the endpoint's schema lacks"))
    }

    @Test func skipsForAnExecutedCommandTheSchemaLacks() throws {
        let scenario = try Self.scenario("{}", command: "dump-skeys")
        #expect(
            scenario.applicability(schema: Self.schema, version: nil, launchedEndpoint: true)
                == .skip("requires command 'dump-skeys', which the endpoint's schema lacks"))
        #expect(
            scenario.applicability(schema: nil, version: nil, launchedEndpoint: true) == .run, "no schema, no check")
    }

    @Test func skipsForAMissingEvent() throws {
        let scenario = try Self.scenario(#"{ "events": ["NO_SUCH_EVENT"] }"#)
        #expect(
            scenario.applicability(schema: Self.schema, version: nil, launchedEndpoint: true)
                == .skip("requires event 'NO_SUCH_EVENT', which the endpoint's schema lacks"))
    }

    @Test func skipsForAnOlderVersion() throws {
        let scenario = try Self.scenario(#"{ "version": "8.0" }"#)
        #expect(
            scenario.applicability(schema: nil, version: Version(7, 2, 22), launchedEndpoint: true)
                == .skip("requires QEMU 8.0.0 or later; the endpoint is 7.2.22"))
        #expect(scenario.applicability(schema: nil, version: Version(8, 1), launchedEndpoint: true) == .run)
        #expect(
            scenario.applicability(schema: nil, version: nil, launchedEndpoint: true) == .run, "unknown version: run")
    }

    @Test func skipsALaunchScenarioWithoutALaunchedEndpoint() throws {
        let scenario = try Self.scenario("{}", launch: #"["-machine", "pc", "-S"]"#)
        #expect(
            scenario.applicability(schema: nil, version: nil, launchedEndpoint: false)
                == .skip(
                    "needs its own launched endpoint with '-machine pc -S'; the target is not launched by qmp-conform"))
        #expect(scenario.applicability(schema: nil, version: nil, launchedEndpoint: true) == .run)
    }

    @Test func everyShippedScenarioAppliesToQEMU72() throws {
        let scenarios = try ScenarioLoader.load(directory: ShippedScenarioTests.casesDirectory)
        for scenario in scenarios {
            #expect(
                scenario.applicability(
                    schema: Self.schema, version: Version(7, 2, 22), launchedEndpoint: true, architecture: "x86_64",
                    machine: "pc") == .run,
                "\(scenario.relativePath)")
        }
    }

    @Test func aScenarioForOtherArchitecturesIsSkippedNamingBoth() throws {
        let scenario = try ScenarioLoader.load(
            Array(
                #"{ "description": "d", "requires": { "architectures": ["x86_64", "i386"] }, "steps": [ { "execute": "x" } ] }"#
                    .utf8), file: "x.json", relativePath: "a/x.json")
        #expect(
            scenario.applicability(schema: nil, version: nil, launchedEndpoint: true, architecture: "aarch64")
                == .skip("written for the x86_64 or i386 target; the endpoint is aarch64"))
        #expect(scenario.applicability(schema: nil, version: nil, launchedEndpoint: true, architecture: "x86_64") == .run)
    }

    @Test func theDefaultMachineIsTheTargetsOrTheScenarioIsSkipped() throws {
        let scenario = try ScenarioLoader.load(
            Array(
                #"{ "description": "d", "launch": ["-machine", "${machine}", "-S"], "steps": [ { "execute": "x" } ] }"#
                    .utf8), file: "x.json", relativePath: "a/x.json")
        #expect(scenario.launchArguments(machine: "virt") == ["-machine", "virt", "-S"])
        #expect(scenario.applicability(schema: nil, version: nil, launchedEndpoint: true, machine: "pc") == .run)
        guard case .skip(let reason) = scenario.applicability(schema: nil, version: nil, launchedEndpoint: true) else {
            Issue.record("a target without a default machine cannot launch it")
            return
        }
        #expect(reason.contains("default machine"), "\(reason)")
    }
}
