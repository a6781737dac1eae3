import Testing

@testable import ConformanceKit

struct JSONReporterTests {
    static let json = JSONReporter().render(SampleReport.report)

    @Test func sampleReportMatchesGoldenFile() {
        assertGolden(Self.json, named: "Reporting/sample.json")
    }

    @Test func outputParsesBackWithCountsAndStructuredFailures() throws {
        let value = try JSONParser.parse(Self.json)
        #expect(value["counts"] == ["total": 7, "passed": 3, "failed": 1, "errored": 1, "skipped": 2])
        let failed = try #require(value["results"]?.arrayValue?[1])
        #expect(failed["verdict"] == "failed")
        #expect(failed["failures"]?.arrayValue?.map { $0["path"] } == ["up", "return[0]"])
        #expect(value["results"]?.arrayValue?[3]["transcript"]?.arrayValue?.count == 3)
    }
}
