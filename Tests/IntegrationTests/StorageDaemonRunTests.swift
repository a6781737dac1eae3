import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform run --target qsd` end to end: the storage daemon launched by its profile, and
/// relaunched when a case kills it, so the cases after a crash still reach an endpoint.
@Suite(
    .enabled(if: LaunchedEndpoint.isOnPath("qemu-storage-daemon"), "qemu-storage-daemon is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct StorageDaemonRunTests {
    @Test func aFilteredRunByProfileReachesTheDaemonForEveryCase() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("report.json").path
        // blockdev-reopen's valid cases sit among the query cases (schema order) and may kill the
        // daemon (QEMU 7.2 aborts on an empty 'options'); the cases after them must still reach a
        // relaunched daemon, so only a case that killed it may be errored.
        let outcome = try await CLIRunner.run([
            "run", "--target", "qsd", "--jobs", "1", "--filter", "blockdev-reopen/valid/*", "--filter",
            "query-*/valid/*", "--filter", "*/protocol/*", "--json", json, "--junit",
            directory.appendingPathComponent("report.xml").path, "--html",
            directory.appendingPathComponent("report.html").path,
        ])
        #expect(outcome.status == 0 || outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        #expect(report["properties"]?["endpoint"]?.stringValue?.contains("qemu-storage-daemon") == true)
        let results = try #require(report["results"]?.arrayValue)
        #expect(results.contains { $0["id"]?.stringValue?.hasPrefix("query-named-block-nodes/") == true })
        #expect(results.contains { $0["kind"] == "protocol" && $0["verdict"] == "passed" })
        for result in results where result["verdict"] == "errored" {
            let reason = result["reason"]?.stringValue ?? ""
            #expect(
                !reason.contains("cannot reach the endpoint") && reason.contains("endpoint died"),
                "errored for want of a connection, not by its own crash: \(result["id"]?.stringValue ?? "") \(reason)")
        }
        let passedQueries = results.filter {
            $0["id"]?.stringValue?.hasPrefix("query-") == true && $0["verdict"] == "passed"
        }
        #expect(!passedQueries.isEmpty, "the cases after a crash reach the relaunched daemon")
    }
}
