import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform certify` end to end: Debian's QEMU 7.2 against the upstream source of its
/// release and of an older one.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(
        if: IntegrationSupport.qemuIsRelease("7.2"),
        "certifies against QEMU 7.2's source tree; this QEMU is \(IntegrationSupport.qemuVersion ?? "unknown")"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"),
    .needsShared)
struct CertifyCommandTests {
    /// Runs `certify` with Debian's x86_64 defines and the protocol checks as its run (the rules
    /// are judged in full whatever the run's filter).
    static func certify(reference: String, _ extra: [String] = []) async throws -> (
        outcome: CLIRunner.Outcome, results: [JSONValue]
    ) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qmp-conform-certify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("report.json").path
        let defines = try IntegrationSupport.debianDefines().sorted().flatMap { ["-D", $0] }
        let outcome = try await CLIRunner.run(
            ["certify", "--reference", TestPaths.qapi(reference)] + defines + [
                "--kind", "protocol", "--json", json, "--junit", directory.appendingPathComponent("r.xml").path,
                "--html", directory.appendingPathComponent("r.html").path,
            ] + extra)
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        return (outcome, try #require(report["results"]?.arrayValue))
    }

    @Test func qemu72IsCertifiedAgainstTheSourceTreeOfItsRelease() async throws {
        let (outcome, results) = try await Self.certify(reference: "qemu-7.2/qapi-schema.json")
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasSuffix("CERTIFIED\n"))
        let rules = results.filter { $0["suite"] == "certify" }
        #expect(rules.compactMap { $0["verdict"]?.stringValue } == Array(repeating: "passed", count: rules.count))
        #expect(rules.count >= CertificationRule.allCases.count)
    }

    @Test func againstNet71TheAdditionsOf72AreReportedAsCompatible() async throws {
        let (outcome, results) = try await Self.certify(reference: "net-7.1/net.json")
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasSuffix("CERTIFIED\n"))
        let newer = try #require(
            results.first { $0["id"]?.stringValue?.hasPrefix(Certification.Aside.newerThanReference.rawValue) == true })
        let transcript = newer["transcript"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(transcript.contains("+ event 'NETDEV_STREAM_CONNECTED': new event [compatible]"), "\(transcript)")
        #expect(transcript.allSatisfy { $0.hasSuffix("[compatible]") })
    }
}
