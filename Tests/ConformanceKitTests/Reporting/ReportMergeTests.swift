import Foundation
import Testing

@testable import ConformanceKit

/// `report merge`: the reports of `--shard 1/3`, `2/3` and `3/3` join into the unsplit run's
/// cases and verdicts, and a missing, duplicated or foreign shard is refused.
struct ReportMergeTests {
    static let items: [Runner.Item] = (0..<12).flatMap { index in
        ["get", "poke"].map { Runner.Item.testCase(RunnerTests.valid($0, "n\(index)")) }
    }

    /// Runs the items (of one shard, when given) on a scripted endpoint that rejects every
    /// third `poke`, and returns the JSON report as `report merge` reads it.
    static func report(shard: Shard?) async throws -> RunReport {
        let server = ScriptedEndpoint { _, request in
            guard request["execute"] == "poke", let name = request["arguments"]?["name"]?.stringValue,
                (Int(name.dropFirst()) ?? 0) % 3 == 0
            else { return nil }
            return .lines([ScriptedEndpoint.reply(request, #""error": {"class": "GenericError", "desc": "busy"}"#)])
        }
        let items = Self.items.filter { shard?.contains(id: $0.id) ?? true }
        let run = await RunnerTests.run(items, on: server)
        let report = RunReport(
            name: "qmp-conform",
            properties: [
                ("seed", "7"), ("schema.digest", "sha256:1"), ("shard", shard?.description ?? "1/1"),
                ("round-trips", "\(items.count)"),
            ],
            startedAt: Date(timeIntervalSince1970: 1_795_322_036), duration: 1, results: run.results)
        return try JSONReportReader.read(
            Array(JSONReporter().render(report).utf8), file: "shard-\(shard?.description ?? "all").json")
    }

    static func shards(_ indices: [Int], of count: Int = 3) async throws -> [(file: String, report: RunReport)] {
        var shards: [(file: String, report: RunReport)] = []
        for index in indices {
            shards.append(("s\(index).json", try await report(shard: Shard(index: index, count: count)!)))
        }
        return shards
    }

    static func rows(_ report: RunReport) -> [String] {
        report.results.map { "\($0.caseID) \($0.verdict.kind.rawValue)" }.sorted()
    }

    @Test func threeShardsMergedEqualTheUnsplitRunsCasesAndVerdicts() async throws {
        let whole = try await Self.report(shard: nil)
        let merged = try ReportMerge.merge(try await Self.shards([2, 3, 1]))
        #expect(Self.rows(merged) == Self.rows(whole))
        #expect(merged.results.map(\.caseID) == merged.results.map(\.caseID).sorted())
        #expect(Self.rows(whole).contains { $0.hasSuffix(" passed") })
        let properties = Dictionary(uniqueKeysWithValues: merged.properties.map { ($0.key, $0.value) })
        #expect(properties["shard"] == "merged 1/3, 2/3, 3/3")
        #expect(properties["round-trips"] == "\(Self.items.count)")
        #expect(properties["seed"] == "7")
    }

    @Test func aMissingShardIsAnError() async throws {
        let shards = try await Self.shards([1, 3])
        #expect {
            try ReportMerge.merge(shards)
        } throws: { error in
            (error as? DiagnosticError)?.description.hasPrefix("error: shard 2/3 missing") == true
        }
    }

    @Test func aShardGivenTwiceIsAnError() async throws {
        var shards = try await Self.shards([1, 2, 3])
        shards.append(("again.json", shards[1].report))
        #expect {
            try ReportMerge.merge(shards)
        } throws: { error in
            (error as? DiagnosticError)?.description.hasPrefix("error: again.json: shard 2/3 is given twice") == true
        }
    }

    @Test func shardsOfAnotherSeedOrSplitAreAnError() async throws {
        var shards = try await Self.shards([1, 2, 3])
        shards[2].report.properties[0] = ("seed", "8")
        #expect {
            try ReportMerge.merge(shards)
        } throws: { error in
            (error as? DiagnosticError)?.description.hasPrefix("error: s3.json: 'seed' is 8 but 7 in s1.json") == true
        }
        let split = try await Self.shards([1, 2]) + Self.shards([2], of: 2)
        #expect {
            try ReportMerge.merge(split)
        } throws: { error in
            (error as? DiagnosticError)?.description.contains("split 2 ways, the others 3 ways") == true
        }
    }
}
