import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// The renderings of a baseline comparison: the text the run summary and `report diff` print,
/// its JSON and its JUnit document (which CI systems must accept).
struct ComparisonReporterTests {
    static let comparison: BaselineComparison = {
        func entry(_ id: String, _ verdict: Verdict.Kind, _ errorClass: QMPErrorClass?, ms: Double = 1)
            -> Baseline.Entry
        {
            Baseline.Entry(
                caseID: id, verdict: verdict,
                outcome: NormalizedOutcome(
                    ending: .completed,
                    replies: [
                        .init(
                            step: "$", command: "get", kind: errorClass == nil ? .return : .error,
                            errorClass: errorClass, shape: errorClass == nil ? ["name": "<string>"] : nil)
                    ]),
                timings: CaseTimings(roundTrips: [.init("get", milliseconds: ms)], eventLatencies: []))
        }
        let before = Baseline(entries: [
            entry("get/invalid/1", .passed, .genericError), entry("get/valid/2", .failed, .genericError),
            entry("get/valid/3", .passed, nil), entry("get/valid/4", .passed, nil),
            entry("get/valid/<&\"gone\">", .passed, nil),
        ])
        let after = Baseline(entries: [
            entry("get/invalid/1", .failed, .commandNotFound), entry("get/valid/2", .passed, nil, ms: 90),
            entry("get/valid/3", .passed, nil, ms: 300), entry("get/valid/4", .passed, nil, ms: 200),
            entry("get/valid/5", .passed, nil),
        ])
        return BaselineComparison(baseline: before, current: after)
    }()
    static let xmllint = ExternalTool.find("xmllint")

    @Test func theTextListsRegressionsAndFixesFirst() {
        assertGolden(ComparisonReporter().text(Self.comparison), named: "Reporting/comparison.txt")
    }

    @Test func theJSONCountsEveryKindOfChange() throws {
        let value = try JSONParser.parse(ComparisonReporter().json(Self.comparison))
        #expect(
            value["counts"] == [
                "regression": 1, "fix": 1, "changed-outcome": 0, "timing-regression": 3, "added": 1, "gone": 1,
            ])
        #expect(value["regressions"] == true)
        #expect(value["compared"] == 4)
    }

    @Test(.enabled(if: xmllint != nil, "xmllint is not installed; scripts/ensure-deps installs libxml2-utils"))
    func theJUnitValidatesAgainstTheJUnitSchema() async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("diff.xml")
        try ComparisonReporter().junit(Self.comparison).write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await ExternalTool.run(
            try #require(Self.xmllint), ["--noout", "--schema", TestPaths.junitSchema, file.path])
        #expect(outcome.status == 0, "xmllint: \(outcome.output)")
    }
}
