import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `run --compare-with` end to end against launched QEMU 7.2, on a small filtered run: QEMU 7.2
/// against itself shows no difference; against QEMU 7.2 under `-compat deprecated-input=reject`
/// exactly the cases of the deprecated command differ, each failing with
/// `differs-from-reference` and the reply of each side.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct DifferentialRunTests {
    /// `drive-backup` is deprecated in QEMU 7.2; `query-status` and `query-name` are not.
    static let filter = [
        "--filter", "drive-backup/*", "--filter", "query-status/*", "--filter", "query-name/*",
        "--no-protocol-checks",
    ]

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qmp-conform-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The failing results of a JSON report: id and the rules its failures name.
    static func failing(_ path: String) throws -> [(id: String, rules: [String], verdict: Verdict)] {
        let report = try JSONReportReader.read(
            Array(try String(contentsOfFile: path, encoding: .utf8).utf8), file: path)
        return report.results.filter(\.verdict.isFailure).map { result in
            guard case .failed(let failures) = result.verdict else { return (result.caseID, [], result.verdict) }
            return (result.caseID, failures.map(\.rule.description), result.verdict)
        }
    }

    @Test func qemuAgainstItselfShowsNoDifference() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("self.json").path
        let run = try await CLIRunner.run(["run"] + Self.filter + ["--compare-with", "target:qemu", "--json", json])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(
            run.stdout.hasPrefix(
                "reference: 0 regression, 0 fix, 0 changed-outcome, 0 timing-regression, 0 added, 0 gone"),
            "\(run.stdout)")
        #expect(try Self.failing(json).isEmpty)
    }

    @Test func aRejectPolicyMakesExactlyTheDeprecatedCommandsCasesDiffer() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("reject.json").path
        let run = try await CLIRunner.run(
            ["run"] + Self.filter + [
                "--compare-with", "target:qemu -compat deprecated-input=reject", "--json", json,
                "--junit", directory.path + "/reject.xml",
            ])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let failing = try Self.failing(json)
        #expect(!failing.isEmpty)
        #expect(failing.allSatisfy { $0.id.hasPrefix("drive-backup/") }, "only the deprecated command: \(failing)")
        #expect(failing.allSatisfy { $0.rules.contains("differs-from-reference") }, "\(failing)")
        // Valid cases: this side runs the job, the reference refuses the command.
        #expect(failing.contains { $0.id.hasPrefix("drive-backup/valid/") })
        #expect(
            failing.contains {
                "\($0.verdict)".contains("as on the reference endpoint: ")
                    && "\($0.verdict)".contains("error CommandNotFound")
            },
            "\(failing)")
        let junit = try String(contentsOfFile: directory.path + "/reject.xml", encoding: .utf8)
        #expect(junit.contains("differs-from-reference"))
        #expect(junit.contains(ConformanceRun.referenceTranscriptHeading))
        #expect(junit.contains("disabled by policy"), "the reference's own reply, in full")
        #expect(run.stdout.contains("CHANGED-OUTCOME drive-backup/"), "\(run.stdout)")
    }
}
