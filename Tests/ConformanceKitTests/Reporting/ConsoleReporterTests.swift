import Testing

@testable import ConformanceKit

struct ConsoleReporterTests {
    @Test func sampleReportMatchesGoldenFile() {
        assertGolden(ConsoleReporter().render(SampleReport.report), named: "Reporting/sample.console.txt")
    }

    @Test func cleanRunPrintsOnlyTheTotals() {
        #expect(
            ConsoleReporter().render(SampleReport.allPassed) == """
                3 cases: 3 passed, 0 failed, 0 skipped in 0.1 s
                by kind: valid 2, scenario 1

                """)
    }

    @Test func colourWrapsOnlyTheLabelsInANSISequences() {
        let text = ConsoleReporter(colour: true).render(SampleReport.report)
        #expect(text.hasPrefix("\u{1B}[31m7 cases:"))
        #expect(text.contains("\u{1B}[31mFAILED\u{1B}[0m set_link/invalid/1a2b3c4d"))
        #expect(!ConsoleReporter().render(SampleReport.report).contains("\u{1B}"))
    }

    @Test func reproduceHintQuotesTheCaseIDForTheShell() {
        let result = CaseResult(
            caseID: "x/scenario/it's", suite: "x", summary: "", kind: .scenario, verdict: .errored("e"), duration: 0)
        #expect(ReportText.reproduceCommand(for: result) == "qmp-conform run --filter 'x/scenario/it'\\''s'")
    }
}
