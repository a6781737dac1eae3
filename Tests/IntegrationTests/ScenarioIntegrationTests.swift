import Foundation
import Testing

@testable import ConformanceKit

/// Every shipped scenario passes against a launched QEMU 7.2: the ones without `launch` on one
/// shared `-machine none` endpoint, each `launch` scenario on its own endpoint (skipped when
/// QEMU is not on PATH). The schema-based skip decision is unit-tested with the saved
/// introspection; here only the version and the endpoint kind decide.
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct ScenarioIntegrationTests {
    static let casesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("cases").path

    static func scenarios() throws -> [Scenario] { try ScenarioLoader.load(directory: casesDirectory) }

    static func describe(_ result: CaseResult) -> String {
        let timings = result.eventTimings.map {
            "\($0.event) \($0.latencyMilliseconds.map { String(format: "%.2f", $0) } ?? "-")/\(Int($0.windowMilliseconds)) ms"
        }
        return "\(result.suite) \(result.verdict) \(String(format: "%.3f", result.duration)) s"
            + (timings.isEmpty ? "" : " [" + timings.joined(separator: ", ") + "]")
    }

    /// One test, so that this suite runs one QEMU at a time (the tests share two cores).
    @Test func everyShippedScenarioPassesOnQEMU72() async throws {
        try await everySharedEndpointScenarioPasses()
        try await everyLaunchScenarioPassesOnItsOwnEndpoint()
    }

    func everySharedEndpointScenarioPasses() async throws {
        let scenarios = try Self.scenarios().filter { $0.launch == nil }
        #expect(scenarios.count >= 10)
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let client = try await endpoint.connect(options: .init(recordsTranscript: true))
        let version = await client.greeting?.qemuVersion
        let runner = ScenarioRunner(
            context: ScenarioContext(
                scratchDirectory: await endpoint.scratchDirectory ?? "/tmp",
                version: version.map { Version(Int($0.major), Int($0.minor), Int($0.micro)) },
                launchedEndpoint: false))
        for scenario in scenarios {
            let result = await runner.runIfApplicable(scenario, on: client)
            print(Self.describe(result))
            #expect(result.verdict == .passed, "\(scenario.relativePath): \(result.verdict)\n\(result.transcript)")
        }
        // A wrong expectation fails with a structured failure and the measured timing.
        let wrong = try ScenarioLoader.load(
            Array(
                #"""
                { "description": "wrong on purpose", "steps": [
                    { "execute": "query-status", "return": { "subset": { "status": "paused" } },
                      "events": [ { "name": "STOP", "within_ms": 50 } ] } ] }
                """#.utf8), file: "inline.json", relativePath: "inline/wrong.json")
        let failed = await runner.run(wrong, on: client)
        guard case .failed(let failures) = failed.verdict else {
            Issue.record("expected a failure, got \(failed.verdict)")
            return
        }
        #expect(failures.map(\.rule) == ["return-mismatch", "event-missing"])
        #expect(failures.first?.path.description == "steps[0].return.status")
        #expect(failures.first?.actual == #""running""#)
        #expect(failed.eventTimings == [.init(event: "STOP", latencyMilliseconds: nil, windowMilliseconds: 50)])
        await endpoint.stop(using: client)
    }

    func everyLaunchScenarioPassesOnItsOwnEndpoint() async throws {
        let scenarios = try Self.scenarios().filter { $0.launch != nil }
        #expect(scenarios.count >= 4)
        let ports = FreePortPool()
        // One after another: a `-machine pc` start costs CPU, and the tests share two cores.
        for scenario in scenarios {
            let endpoint = LaunchedEndpoint(configuration: .init(command: try #require(scenario.launchCommand())))
            try await endpoint.launch()
            let client = try await endpoint.connect(options: .init(recordsTranscript: true))
            let runner = ScenarioRunner(
                context: ScenarioContext(
                    scratchDirectory: await endpoint.scratchDirectory ?? "/tmp", ports: ports, version: Version(7, 2),
                    launchedEndpoint: true))
            let result = await runner.runIfApplicable(scenario, on: client)
            print(Self.describe(result))
            #expect(result.verdict == .passed, "\(scenario.relativePath): \(result.verdict)\n\(result.transcript)")
            await endpoint.stop(using: client)
        }
    }
}
