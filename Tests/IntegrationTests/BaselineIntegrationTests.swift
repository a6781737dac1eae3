import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// Baselines and report merging end to end against launched QEMU 7.2, on a small filtered run:
/// a rerun shows no change, an endpoint under another `-compat` policy shows exactly the cases
/// of the command the policy rejects, and the three shards of a run merge into the whole run.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct BaselineIntegrationTests {
    /// `drive-backup` is deprecated in QEMU 7.2 (so `-compat deprecated-input=reject` refuses it);
    /// `query-status` is not.
    static let filter = ["--filter", "drive-backup/*", "--filter", "query-status/*", "--no-protocol-checks"]
    /// A tolerance no measured time on a loaded machine exceeds: these runs compare outcomes; the
    /// timing rules are pinned with fixed times (`BaselineComparisonTests`), never measured ones.
    static let outcomesOnly = ["--timing-tolerance", "1000x+600000ms"]

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qmp-conform-baseline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func report(_ path: String) throws -> RunReport {
        try JSONReportReader.read(Array(try String(contentsOfFile: path, encoding: .utf8).utf8), file: path)
    }

    @Test func aRerunMatchesItsBaselineAndAnotherCompatPolicyChangesExactlyTheDeprecatedCommandsCases() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let baseline = directory.appendingPathComponent("baseline.json").path
        let first = directory.appendingPathComponent("first.json").path
        let recorded = try await CLIRunner.run(
            ["run"] + Self.filter + ["--record-baseline", baseline, "--json", first])
        #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")

        let again = try await CLIRunner.run(
            ["run"] + Self.filter + Self.outcomesOnly + [
                "--baseline", baseline, "--json", directory.path + "/again.json",
            ])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(
            again.stdout.hasPrefix(
                "baseline: 0 regression, 0 fix, 0 changed-outcome, 0 timing-regression, 0 added, 0 gone"))

        let launch = LaunchedEndpoint.Configuration.defaultCommand.joined(separator: " ")
        let rejecting = directory.appendingPathComponent("rejecting.json").path
        let deviating = try await CLIRunner.run(
            ["run", "--launch", launch + " -compat deprecated-input=reject"] + Self.filter + Self.outcomesOnly + [
                "--baseline", baseline, "--json", rejecting,
            ])
        #expect(deviating.status == 1, "\(deviating.stderr)")
        let diff = try await CLIRunner.run(
            ["report", "diff"] + Self.outcomesOnly + ["--json", directory.path + "/diff.json", first, rejecting])
        #expect(diff.status == 1, "a regression: \(diff.stdout)\(diff.stderr)")
        let changes = try #require(
            JSONParser.parse(try String(contentsOfFile: directory.path + "/diff.json", encoding: .utf8))["changes"]?
                .arrayValue)
        let ids = changes.compactMap { $0["id"]?.stringValue }
        #expect(!ids.isEmpty)
        #expect(ids.allSatisfy { $0.hasPrefix("drive-backup/") }, "only the rejected command changed: \(ids)")
        // Invalid cases now get CommandNotFound before their arguments are looked at (save
        // one whose arguments are not an object, rejected before the policy applies).
        #expect(ids.contains { $0.hasPrefix("drive-backup/invalid/") })
        // The run under --baseline failed its changed valid cases, so the diff of the two
        // reports counts them as regressions too.
        #expect(changes.allSatisfy { $0["kind"] == "regression" })
    }

    @Test func threeShardsMergedEqualTheUnsplitRun() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole.json").path
        let unsplit = try await CLIRunner.run(["run"] + Self.filter + ["--json", whole])
        #expect(unsplit.status == 0, "\(unsplit.stderr)")
        var shards: [String] = []
        for index in 1...3 {
            let path = directory.appendingPathComponent("shard-\(index).json").path
            let shard = try await CLIRunner.run(["run"] + Self.filter + ["--shard", "\(index)/3", "--json", path])
            #expect(shard.status == 0, "\(shard.stderr)")
            shards.append(path)
        }
        let mergedPath = directory.appendingPathComponent("merged.json").path
        let merge = try await CLIRunner.run(
            [
                "report", "merge", "--json", mergedPath, "--junit", directory.path + "/merged.xml", "--html",
                directory.path + "/merged.html",
            ] + shards)
        #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
        func rows(_ report: RunReport) -> [String] {
            report.results.map { "\($0.caseID) \($0.verdict.kind.rawValue)" }.sorted()
        }
        #expect(rows(try Self.report(mergedPath)) == rows(try Self.report(whole)))
        let missing = try await CLIRunner.run(["report", "merge", "--json", mergedPath, shards[0], shards[2]])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("shard 2/3 missing"))
    }
}
