import Foundation
import Testing

@testable import ConformanceKit

struct HTMLReporterTests {
    static let html = HTMLReporter().render(try! SampleReport.reviewed())

    @Test func sampleReportMatchesGoldenFile() {
        assertGolden(Self.html, named: "Reporting/sample.html")
    }

    @Test func pageLoadsNothingAndLinksOnlyWithinItselfOrToAWaiversLink() {
        for resource in ["src=", "<link", "url(", "@import", "xmlns", "<iframe", "<img", "<object"] {
            #expect(!Self.html.contains(resource), "\(resource)")
        }
        let targets = Self.html.matches(of: /href="([^"]*)"/).map { String($0.output.1) }
        #expect(!targets.isEmpty)
        #expect(targets.allSatisfy { $0.hasPrefix("#") || $0 == "https://gitlab.com/qemu-project/qemu/-/issues/1" })
        #expect(Self.html.components(separatedBy: "http").count - 1 == 2)
    }

    @Test func theOnlyScriptIsInlineAndComesAfterEverythingItCouldSort() throws {
        #expect(Self.html.components(separatedBy: "<script").count - 1 == 1)
        let script = try #require(Self.html.range(of: "<script>"))
        #expect(!Self.html[script.upperBound...].contains("<table"))
    }

    @Test func pageIsEscaped() {
        #expect(Self.html.contains("vm&lt;1&gt; &amp; \\&quot;friends\\&quot; &#39;é&#39;"))
        #expect(Self.html.contains("\\x01\\x1B[31mred"))
        #expect(Self.html.contains("QEMU bug: &amp; &lt;accepted&gt;"))
        #expect(!Self.html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func theVerdictComesFirstThenFailuresThenTheCommandTable() throws {
        let order = [
            "<h1>FAILED", "id=\"kinds\"", "id=\"waivers\"", "id=\"failures\"", "id=\"commands\"",
            "id=\"latency\"", "id=\"waived\"", "id=\"cases\"", "id=\"run\"",
        ]
        let positions = try order.map { try #require(Self.html.range(of: $0)).lowerBound }
        #expect(positions == positions.sorted())
        #expect(HTMLReporter().render(SampleReport.allPassed).contains("<h1>PASSED"))
        var interrupted = SampleReport.allPassed
        interrupted.interrupted = true
        #expect(HTMLReporter().render(interrupted).contains("<header class=\"verdict warn\">\n<h1>INTERRUPTED"))
    }

    @Test func eachFailureShowsItsDiffAndTheCommandThatReproducesIt() {
        let failures = Self.html.components(separatedBy: "<details open class=\"case\">").dropFirst()
        #expect(failures.count == 2)
        #expect(failures.allSatisfy { $0.contains("reproduce: <code>qmp-conform run --filter ") })
        #expect(failures.first?.contains("[waiver-expired] at ") == true)
        #expect(failures.first?.contains("[invalid-accepted] at up") == true)
    }

    @Test func commandTableCountsEachSuiteMostFailuresFirst() {
        let rows = Self.html.matches(of: /<tr(?: class="\w+")?><td><a href="#s\d+">([^<]*)<\/a><\/td>(.*?)<\/tr>/)
            .map { row in
                [String(row.output.1)]
                    + row.output.2.matches(of: /<td class="n">([^<]*)<\/td>/).map { String($0.output.1) }.dropLast()
            }
        #expect(
            rows == [
                ["protocol", "1", "0", "1", "0", "0"],
                ["set_link", "3", "1", "1", "0", "1"],
                ["blockdev-add", "1", "0", "0", "1", "0"],
                ["migrate", "1", "0", "0", "0", "1"],
                ["net/link-down.json", "1", "1", "0", "0", "0"],
                ["query-status", "1", "1", "0", "0", "0"],
            ])
    }

    @Test func passedCasesAreCollapsedAndCarryNoTranscript() {
        #expect(!Self.html.contains("{&quot;status&quot;: &quot;running&quot;}"))
        #expect(Self.html.contains("<details id=\"s0\"><summary>query-status: 1 case: 1 passed"))
        #expect(Self.html.contains("<details id=\"s2\" open><summary>set_link:"))
    }

    @Test func latencyChartDrawsEveryExpectedEventAgainstItsWindow() throws {
        let chart = try #require(Self.html.firstMatch(of: /<svg class="latency"[\s\S]*?<\/svg>/)).output
        #expect(chart.components(separatedBy: "<rect ").count - 1 == 3)
        #expect(chart.components(separatedBy: "fill=\"#c62828\"").count - 1 == 2)
        #expect(chart.contains("not received of 100 ms"))
        #expect(chart.contains("stroke-dasharray"))
    }

    @Test func aFullRunsPageStaysSmallBecausePassedTranscriptsAreLeftOut() {
        let transcript = String(repeating: "-> {\"execute\": \"query-status\", \"id\": 1}\n", count: 100)
        let results = (0..<5_000).map { index in
            CaseResult(
                caseID: "command-\(index / 20)/valid/\(index)", suite: "command-\(index / 20)",
                summary: "required members only", kind: .valid, verdict: .passed, duration: 0.001,
                transcript: transcript)
        }
        let page = HTMLReporter().render(
            RunReport(
                name: "big", properties: [], startedAt: Date(timeIntervalSince1970: 0), duration: 1,
                results: results))
        #expect(page.utf8.count < 1 << 20)
    }

    @Test func aFailingTranscriptIsCutToTheLimit() {
        let result = CaseResult(
            caseID: "x/valid/1", suite: "x", summary: "s", kind: .valid, verdict: .errored("gone"), duration: 0,
            transcript: String(repeating: "a", count: 100_000))
        let page = HTMLReporter().render(
            RunReport(
                name: "cut", properties: [], startedAt: Date(timeIntervalSince1970: 0), duration: 1,
                results: [result]))
        #expect(page.contains("bytes elided"))
        #expect(page.utf8.count < HTMLReporter.transcriptLimit + 20_000)
    }
}
