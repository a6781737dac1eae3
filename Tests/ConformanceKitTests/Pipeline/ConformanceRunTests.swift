import Foundation
import Testing

@testable import ConformanceKit

/// A differential run (`run --compare-with`): the same items run on a second, scripted endpoint,
/// and exactly the cases whose normalized outcome differs there fail with
/// `differs-from-reference`, showing the reply of each side (normalized in the failure, in full
/// in the transcript).
struct ConformanceRunTests {
    typealias Items = BaselineComparisonTests

    /// A runner over a scripted endpoint that answers as `BaselineComparisonTests.run` does,
    /// except where `deviate` answers.
    static func runner(_ deviate: @escaping @Sendable (JSONObject) -> String? = { _ in nil }) -> Runner {
        let server = ScriptedEndpoint { _, request in
            if let body = deviate(request) { return .lines([ScriptedEndpoint.reply(request, body)]) }
            guard request["execute"] == "get" else { return nil }
            let name = JSONWriter.compact.string(request["arguments"]?["name"] ?? .null)
            return .lines([ScriptedEndpoint.reply(request, #""return": {"name": \#(name), "size": 1024}"#)])
        }
        return Runner(configuration: server.configuration(), schema: Items.schema)
    }

    /// Runs the items on a standard endpoint, then on `reference`.
    static func differential(against reference: Runner) async -> ConformanceRun.Result {
        await ConformanceRun(
            runner: runner(), oracle: Oracle(schema: Items.schema), reference: .endpoint(reference, tolerance: nil)
        ).run(Items.items)
    }

    @Test func theSameEndpointOnBothSidesShowsNoDifference() async throws {
        let run = await Self.differential(against: Self.runner())
        let comparison = try #require(run.comparison)
        #expect(comparison.changes.isEmpty, "\(comparison.changes)")
        #expect(comparison.compared == Items.items.count)
        #expect(comparison.source == .otherEndpoint)
        #expect(run.referenceOutcome != nil)
        #expect(run.results.allSatisfy { $0.verdict == .passed })
    }

    @Test func exactlyTheCasesThatDifferFailWithBothReplies() async throws {
        let (isB, isC) = (Items.named("b", "poke"), Items.named("c", "get"))
        let reference = Self.runner { request in
            if isB(request) { return #""error": {"class": "DeviceNotFound", "desc": "gone"}"# }
            if isC(request) { return #""return": {"name": "c"}"# }
            return nil
        }
        let run = await Self.differential(against: reference)
        let comparison = try #require(run.comparison)
        #expect(comparison.changes.map(\.caseID) == [Items.id("get", "c"), Items.id("poke", "b")])
        #expect(comparison.changes.allSatisfy { $0.kind == .changedOutcome })
        let failing = run.results.filter(\.verdict.isFailure)
        #expect(Set(failing.map(\.caseID)) == [Items.id("get", "c"), Items.id("poke", "b")])
        let poke = try #require(failing.first { $0.caseID == Items.id("poke", "b") })
        #expect(RunnerTests.failures(poke) == ["differs-from-reference"])
        guard case .failed(let failures) = poke.verdict, let failure = failures.first else {
            Issue.record("not failed: \(poke.verdict)")
            return
        }
        #expect(
            failure.expected.hasPrefix("as on the reference endpoint: ")
                && failure.expected.contains("poke: error DeviceNotFound"))
        #expect(failure.actual.contains("poke: return {}"))
        let heading = ConformanceRun.referenceTranscriptHeading
        #expect(poke.transcript.contains(heading), "the reference's transcript follows the case's own")
        #expect(poke.transcript.components(separatedBy: heading).last?.contains("DeviceNotFound") == true)
        #expect(run.results.filter { $0.transcript.contains(heading) }.count == 2, "only the differing cases")
        let get = try #require(failing.first { $0.caseID == Items.id("get", "c") })
        guard case .failed(let getFailures) = get.verdict, let getFailure = getFailures.first else {
            Issue.record("not failed: \(get.verdict)")
            return
        }
        #expect(!getFailure.expected.contains("size") && getFailure.actual.contains("size"))
        #expect(
            ComparisonReporter().countsLine(comparison).hasPrefix("reference: 0 regression, 0 fix, 2 changed-outcome"))
    }

    @Test func aVerdictAloneIsNoDifferenceBetweenEndpoints() {
        let outcome = NormalizedOutcome(ending: .completed, replies: [.init(step: "$", command: "get", kind: .return)])
        let here = Baseline(entries: [.init(caseID: "x/valid/1", verdict: .passed, outcome: outcome, timings: .none)])
        let there = Baseline(entries: [.init(caseID: "x/valid/1", verdict: .failed, outcome: outcome, timings: .none)])
        #expect(
            BaselineComparison(baseline: there, current: here, tolerance: nil, source: .otherEndpoint).changes == [])
        #expect(BaselineComparison(baseline: there, current: here).changes.map(\.kind) == [.fix])
    }
}
