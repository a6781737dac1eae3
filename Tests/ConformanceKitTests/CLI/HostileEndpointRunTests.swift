import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform run` against a hostile endpoint, end to end: each fault ends in a verdict within
/// the case timeout, with small, well-formed reports.
/// A flood that kept a wait open would never end: the suite's time limit catches that, coarse on
/// purpose (no test measures speed on a shared machine).
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct HostileEndpointRunTests {
    /// Runs one `query-status` case against a server that answers `qmp_capabilities` and then
    /// does `fault`; returns the exit status, the JSON report's one result and the reports
    /// directory.
    func runOneCase(timeoutMs: Int = 1000, _ fault: @escaping @Sendable (JSONObject) -> HostileEndpoint.Action)
        async throws
        -> (status: Int32, result: JSONValue, reports: URL)
    {
        let server = try HostileEndpoint { index, request in
            index == 0 ? .send(HostileEndpointTests.reply(request)) : fault(request)
        }
        defer { server.stop() }
        let reports = try ExternalTool.temporaryDirectory()
        let outcome = try await CLIRunner.run([
            "run", "--socket", server.path, "--dialect", "qmp", "--schema", Fixtures.introspectionPath, "--filter",
            "query-status/valid/*",
            "--no-protocol-checks", "--timeout-ms", "\(timeoutMs)", "--reports", reports.path,
        ])
        let json = try JSONParser.parse(
            try String(contentsOf: reports.appendingPathComponent("latest.json"), encoding: .utf8))
        let result = try #require(json["results"]?.arrayValue?.first)
        return (outcome.status, result, reports)
    }

    func expectSmallWellFormedReports(in reports: URL) async throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: reports.path) {
            let size = try FileManager.default.attributesOfItem(atPath: reports.appendingPathComponent(name).path)[
                .size]
            #expect((size as? Int ?? .max) < 1 << 20, "\(name) is \(size ?? 0) bytes")
        }
        let lint = try await CLIRunner.tool(
            "xmllint", ["--noout", reports.appendingPathComponent("latest.junit.xml").path])
        #expect(lint.status == 0, "\(lint.stderr)")
    }

    @Test func aCaseAgainstAnEventFloodEndsByItsTimeoutAsErrored() async throws {
        let (status, result, reports) = try await runOneCase { _ in .floodEvents(count: 10_000_000) }
        defer { try? FileManager.default.removeItem(at: reports) }
        #expect(status == ExitStatus.conformanceFailures.rawValue)
        #expect(result["verdict"] == "errored")
        #expect(result["reason"]?.stringValue?.contains("timed out after 1.0 seconds") == true, "\(result)")
        try await expectSmallWellFormedReports(in: reports)
    }

    @Test func aCaseAgainstHugeRepliesKeepsItsReportsSmallAndWellFormed() async throws {
        let (_, result, reports) = try await runOneCase(timeoutMs: 60_000) { request in
            .hugeReply(id: request["id"], bytes: 7 << 20)
        }
        defer { try? FileManager.default.removeItem(at: reports) }
        let transcript = result["transcript"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "\n") ?? ""
        #expect(transcript.contains("bytes elided, fnv1a 0x"))
        try await expectSmallWellFormedReports(in: reports)
    }
}
