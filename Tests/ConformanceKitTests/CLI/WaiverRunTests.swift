import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform run` with a waiver file, end to end against an endpoint that answers every
/// command well: a waiver whose cases ran and passed is listed as stale and fails the run only
/// under `--strict-waivers`; a log gets one progress line per command group.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct WaiverRunTests {
    static let status = #""return": {"status": "running", "singlestep": false, "running": true}"#

    /// Runs the one valid `query-status` case with a waiver file whose one waiver matches it, though
    /// it passes.
    func runWithAStaleWaiver(_ extra: [String]) async throws -> CLIRunner.Outcome {
        let server = try HostileEndpoint { _, request in .send(HostileEndpointTests.reply(request, Self.status)) }
        defer { server.stop() }
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let waivers = directory.appendingPathComponent("w.json")
        try #"{"waivers": [{"case": "query-status/valid/*", "reason": "fixed in 8.0"}]}"#.write(
            to: waivers, atomically: true, encoding: .utf8)
        return try await CLIRunner.run(
            [
                "run", "--socket", server.path, "--dialect", "qmp", "--schema", Fixtures.introspectionPath, "--filter",
                "query-status/valid/*", "--no-protocol-checks", "--reports", directory.appendingPathComponent("r").path,
                "--waivers", waivers.path,
            ] + extra)
    }

    @Test func aStaleWaiverIsListedAndFailsOnlyAStrictRun() async throws {
        let lenient = try await runWithAStaleWaiver([])
        #expect(lenient.status == ExitStatus.success.rawValue, "\(lenient.stdout)\(lenient.stderr)")
        #expect(lenient.stdout.contains("STALE "), "\(lenient.stdout)")
        #expect(lenient.stdout.contains("case 'query-status/valid/*', summary '*': fixed in 8.0"))
        #expect(lenient.stderr.contains("query-status: 1 case: 1 passed, 0 failed, 0 skipped\n"), "\(lenient.stderr)")
        let strict = try await runWithAStaleWaiver(["--strict-waivers"])
        #expect(strict.status == ExitStatus.conformanceFailures.rawValue, "\(strict.stdout)\(strict.stderr)")
    }
}
