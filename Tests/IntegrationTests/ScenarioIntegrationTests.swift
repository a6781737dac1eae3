import Foundation
import Testing

@testable import ConformanceKit

/// Every shipped scenario passes against a launched QEMU 7.2, each on its own endpoint (the
/// default target's machine without the fixture, or its `launch`) (skipped when
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

    /// One run of every shipped scenario through the real pipeline (runner, then oracle): the
    /// shared-endpoint ones on one `-machine none` QEMU, each `launch` scenario on its own
    /// endpoint, one after another (the tests share two cores). A wrong expectation, run with
    /// them, fails with a structured failure and the measured timing. A scenario that finds a
    /// deviation of QEMU 7.2 (a crash) passes only as waived by the shipped waiver file.
    @Test func everyShippedScenarioPassesOnQEMU72() async throws {
        let scenarios = try Self.scenarios()
        #expect(scenarios.filter { $0.launch == nil }.count >= 10)
        #expect(scenarios.filter { $0.launch != nil }.count >= 4)
        let wrong = try ScenarioLoader.load(
            Array(
                #"""
                { "description": "wrong on purpose", "steps": [
                    { "execute": "query-status", "return": { "subset": { "status": "paused" } },
                      "events": [ { "name": "STOP", "within_ms": 50 } ] } ] }
                """#.utf8), file: "inline.json", relativePath: "inline/wrong.json")
        let schema = try await IntegrationSupport.liveSchema().schema
        // As `RunPlan` does: the steps of `getfd` and `add-fd` pass a file descriptor.
        let model = ResourceModel(schema: schema, table: try IntegrationSupport.caseDirectory().resources)
        let runner = Runner(configuration: .init(target: .defaultLaunch, jobs: 1), schema: schema)
        let run = await ConformanceRun(runner: runner, oracle: Oracle(schema: schema))
            .run((scenarios + [wrong]).map { .scenario(model.preparing($0)) })
        let waivers = try IntegrationSupport.shippedWaivers()
        let today = CalendarDate(secondsSince1970: Host.wallClock())
        for (scenario, result) in zip(scenarios, run.results) {
            print(Self.describe(result))
            let judged = waivers.apply(to: result, today: today).verdict
            let waivedOn72: Bool =
                if case .waived = judged { IntegrationSupport.qemuIsRelease("7.2") } else { false }
            #expect(
                judged == .passed || waivedOn72, "\(scenario.relativePath): \(result.verdict)\n\(result.transcript)")
        }
        let failed = try #require(run.results.last)
        guard case .failed(let failures) = failed.verdict else {
            Issue.record("expected a failure, got \(failed.verdict)")
            return
        }
        #expect(failures.map(\.rule.description) == ["return-mismatch", "event-missing"])
        #expect(failures.first?.path.description == "steps[0].return.status")
        #expect(failures.first?.actual == #""prelaunch""#, "the default target's guest is stopped (-S)")
        #expect(failed.eventTimings == [.init(event: "STOP", latencyMilliseconds: nil, windowMilliseconds: 50)])
    }
}
