import Testing

@testable import ConformanceKit

struct HTMLReporterTests {
    static let html = HTMLReporter().render(SampleReport.report)

    @Test func sampleReportMatchesGoldenFile() {
        assertGolden(Self.html, named: "Reporting/sample.html")
    }

    @Test func pageIsSelfContainedAndEscaped() {
        #expect(!Self.html.contains("<script"))
        #expect(!Self.html.contains("<link"))
        #expect(Self.html.contains("vm&lt;1&gt; &amp; \\&quot;friends\\&quot; &#39;é&#39;"))
        #expect(Self.html.contains("\\x01\\x1B[31mred"))
        #expect(!Self.html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func failingCasesAreExpandedAndPassingOnesCollapsed() {
        #expect(Self.html.components(separatedBy: "<details open>").count - 1 == 2)
        #expect(Self.html.components(separatedBy: "<details>").count - 1 == 4)
    }
}
