import Foundation
import Testing

@testable import ConformanceKit

/// A JSON report reads back into the run it was written from, the input of `report diff` and
/// `report merge`; a file that is not one is rejected where it is wrong.
struct JSONReportReaderTests {
    @Test func aWrittenReportReadsBackWithEveryResultIntact() throws {
        let report = SampleReport.report
        let read = try JSONReportReader.read(Array(JSONReporter().render(report).utf8), file: "r.json")
        #expect(read.results == report.results)
        #expect(read.name == report.name)
        #expect(read.startedAt == report.startedAt)
        #expect(read.duration == report.duration)
        #expect(read.interrupted == report.interrupted)
        #expect(read.properties.map(\.key) == report.properties.map(\.key).sorted())
        #expect(Dictionary(uniqueKeysWithValues: read.properties.map { ($0.key, $0.value) })["seed"] == "42")
    }

    @Test(arguments: [
        (#"{"name": "x", "startedAt": "yesterday", "duration": 1, "results": []}"#, "r.json:1:28: error: 'startedAt'"),
        (
            #"{"name": "x", "startedAt": "2026-11-22T04:33:56Z", "duration": 1, "results": [{"id": "a", "verdict": "failed", "failures": [{"rule": "bogus", "path": "$", "expected": "", "actual": ""}]}]}"#,
            "r.json:1:"
        ),
        (
            #"{"name": "x", "startedAt": "2026-11-22T04:33:56Z", "duration": 1, "extra": 1}"#,
            "r.json:1:67: error: unknown key 'extra'"
        ),
    ])
    func aMalformedReportIsRejectedWhereItIsWrong(text: String, message: String) {
        #expect {
            try JSONReportReader.read(Array(text.utf8), file: "r.json")
        } throws: { error in
            (error as? DiagnosticError)?.description.hasPrefix(message) == true
        }
    }

    @Test(arguments: ["$", "up", "addr.port", "interfaces[1]", "a[0][2].b", "return[0]"])
    func aPathReadsBackAsWritten(text: String) {
        #expect(JSONPath(parsing: text).description == text)
    }

    @Test func everyFailureRuleReadsBackByName() {
        let rules: [FailureRule] = [
            .invalidAccepted, .returns(.missingMember), .event(.unknownMember), .eventUnknown, .returnsConformance,
            .qmpSpec(section: "2.4.1"), .baselineRegression, .timingRegression,
        ]
        #expect(rules.map { FailureRule(name: $0.description) } == rules)
        #expect(FailureRule(name: "no-such-rule") == nil)
    }
}
