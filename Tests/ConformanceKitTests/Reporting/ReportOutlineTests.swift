import Foundation
import Testing

@testable import ConformanceKit

struct ReportOutlineTests {
    let outline = ReportOutline(SampleReport.report)

    @Test func suitesKeepFirstSeenOrderAndRunOrderInside() {
        #expect(
            outline.suites.map(\.name) == ["query-status", "set_link", "protocol", "net/link-down.json", "migrate"])
        #expect(
            outline.suites[1].results.map(\.caseID) == [
                "set_link/invalid/1a2b3c4d", "set_link/valid/5e6f7a8b", "set_link/doc/4f5a6b7c",
            ])
    }

    @Test func countsSplitFailuresErrorsAndSkips() {
        let set = outline.suites[1].counts
        #expect([set.tests, set.passed, set.failures, set.errors, set.skipped] == [3, 1, 1, 0, 1] as [Int])
        let totals = outline.totals
        #expect(
            [totals.tests, totals.passed, totals.failures, totals.errors, totals.skipped] == [7, 3, 1, 1, 2] as [Int])
        #expect(outline.kinds.map(\.kind) == [.valid, .invalid, .doc, .protocol, .scenario])
    }

    @Test func interruptedRunAddsAnInterruptedProperty() {
        #expect(outline.properties.last! == (key: "interrupted", value: "true"))
        #expect(ReportOutline(SampleReport.allPassed).properties.isEmpty)
    }

    @Test func exitStatusIsOneOnlyWhenACaseFailedOrErrored() {
        #expect(SampleReport.report.exitStatus == .conformanceFailures)
        #expect(SampleReport.allPassed.exitStatus == .success)
    }

    @Test(arguments: [(0.8, "0.8"), (1000, "1000"), (12.25, "12.25"), (0.0004, "0"), (1.2346, "1.235")])
    func millisecondsDropTrailingZeros(value: Double, text: String) {
        #expect(ReportText.milliseconds(value) == text)
    }

    @Test func secondsNeverUseExponentsOrNegatives() {
        #expect(ReportText.seconds(1e-9) == "0.000")
        #expect(ReportText.seconds(12345.6789) == "12345.679")
        #expect(ReportText.seconds(-1) == "0.000")
        #expect(ReportText.seconds(.nan) == "0.000")
    }
}
