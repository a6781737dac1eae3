import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `run --compat` against launched QEMU 7.2, over a filtered set: deprecated commands and
/// arguments refused under deprecated-input=reject, accepted (as far as argument checking) under
/// the default policy.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct CompatPolicyTests {
    @Test func deprecatedCommandsAndArgumentsAreRefusedUnderRejectAndNotByTheControl() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qmp-conform-compat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("report.json").path
        let outcome = try await CLIRunner.run([
            "run", "--compat", "deprecated-input=reject", "--kind", "compat", "--filter", "drive-backup/*",
            "--filter", "eject/*", "--json", json, "--junit", directory.appendingPathComponent("r.xml").path,
            "--html", directory.appendingPathComponent("r.html").path,
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        let results = try #require(report["results"]?.arrayValue)
        #expect(results.count == 4, "a command and a member, each with its control")
        #expect(results.allSatisfy { $0["verdict"] == "passed" && $0["kind"] == "compat" })
        let transcripts = results.compactMap { $0["transcript"]?.arrayValue }.flatMap { $0 }.compactMap(\.stringValue)
        #expect(transcripts.contains { $0.contains("Deprecated command drive-backup disabled by policy") })
        #expect(transcripts.contains { $0.contains("Deprecated parameter device disabled by policy") })
    }
}
