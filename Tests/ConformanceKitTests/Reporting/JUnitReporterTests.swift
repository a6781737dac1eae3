import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

struct JUnitReporterTests {
    static let xml = JUnitReporter(hostname: "ci-runner-1").render(SampleReport.report)
    static let xmllint = ExternalTool.find("xmllint")
    static let python = ExternalTool.find("python3")
    static let hasJunitparser: Bool = {
        guard let python else { return false }
        return (try? ExternalTool.runBlocking(python, ["-c", "import junitparser"]).status) == 0
    }()

    @Test func sampleReportMatchesGoldenFile() {
        assertGolden(Self.xml, named: "Reporting/sample.junit.xml")
    }

    @Test(.enabled(if: xmllint != nil, "xmllint is not installed; scripts/ensure-deps installs libxml2-utils"))
    func validatesAgainstTheJUnitSchema() async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.xml")
        try Self.xml.write(to: file, atomically: true, encoding: .utf8)
        let schema = TestPaths.junitSchema
        let outcome = try await ExternalTool.run(
            try #require(Self.xmllint), ["--noout", "--schema", schema, file.path])
        #expect(outcome.status == 0, "xmllint: \(outcome.output)")
    }

    @Test(.enabled(if: hasJunitparser, "python3 with junitparser is missing; scripts/ensure-deps installs it"))
    func loadsInJunitparserWithTheRightCounts() async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.xml")
        try Self.xml.write(to: file, atomically: true, encoding: .utf8)
        let script = """
            import sys, junitparser
            xml = junitparser.JUnitXml.fromfile(sys.argv[1])
            counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
            kinds = {junitparser.Failure: "failures", junitparser.Error: "errors", junitparser.Skipped: "skipped"}
            for suite in xml:
                for case in suite:
                    counts["tests"] += 1
                    for result in case.result:
                        counts[kinds[type(result)]] += 1
            print(counts["tests"], counts["failures"], counts["errors"], counts["skipped"], xml.tests, xml.failures, xml.errors)
            """
        let outcome = try await ExternalTool.run(try #require(Self.python), ["-c", script, file.path])
        #expect(outcome.status == 0, "python3: \(outcome.output)")
        #expect(outcome.output == "7 1 1 2 7 1 1\n")
    }

    @Test(.enabled(if: python != nil, "python3 is not installed"))
    func attributesAndTextRoundTripThroughAnXMLParser() async throws {
        let tricky = "tab\there\nnew line\r'single' \"double\" <&> ]]> é \u{01}"
        let visible = tricky.replacing("\u{01}", with: "\\x01")
        let report = RunReport(
            name: tricky, properties: [(key: "k", value: tricky)], startedAt: Date(timeIntervalSince1970: 0),
            duration: 0,
            results: [
                CaseResult(
                    caseID: "c", suite: "s", summary: tricky, kind: .valid, verdict: .errored(tricky), duration: 0,
                    transcript: tricky)
            ])
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.xml")
        try JUnitReporter(hostname: "h").render(report).write(to: file, atomically: true, encoding: .utf8)
        let script = """
            import sys, json, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            case = root.find("testsuite/testcase")
            print(json.dumps([root.get("name"), root.find("testsuite/properties/property").get("value"),
                case.get("name"), case.find("error").get("message"), case.find("error").text,
                case.find("system-out").text]))
            """
        let outcome = try await ExternalTool.run(try #require(Self.python), ["-c", script, file.path])
        #expect(outcome.status == 0, "python3: \(outcome.output)")
        let values = try JSONParser.parse(outcome.output).arrayValue?.compactMap(\.stringValue)
        #expect(values == [visible, visible, "c: " + visible, visible, visible, visible + "\n"])
    }

    @Test(arguments: [
        ("set_link", "qmp.set_link"),
        ("net/link-down.json", "qmp.net.link-down"),
        ("__com.redhat_drive-mirror", "qmp.__com_redhat_drive-mirror"),
        ("odd name:1", "qmp.odd_name_1"),
    ])
    func classnameIsDottedAndStable(suite: String, classname: String) {
        #expect(JUnitReporter(hostname: "h").classname(forSuite: suite) == classname)
    }

    @Test func hostileTranscriptIsEscapedAndControlCharactersMadeVisible() {
        #expect(!Self.xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(Self.xml.contains("\\x01\\x1B[31mred\\x7F"))
        #expect(Self.xml.contains("vm&lt;1&gt; &amp; \\\"friends\\\" 'é' ✓ 🚀"))
        #expect(!Self.xml.contains("]]>"))
    }

    @Test func passedCaseWithoutOutputIsAnEmptyElement() {
        #expect(
            Self.xml.contains(
                "<testcase classname=\"qmp.set_link\" name=\"set_link/valid/5e6f7a8b: required members only\" time=\"0.002\"/>"
            ))
    }

    @Test func emptyRunIsAValidDocumentWithoutSuites() {
        let report = RunReport(
            name: "empty", properties: [], startedAt: Date(timeIntervalSince1970: 0), duration: 0, results: [])
        #expect(
            JUnitReporter(hostname: "h").render(report) == """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuites name="empty" tests="0" failures="0" errors="0" time="0.000">
                </testsuites>

                """)
    }

    @Test func aVerdictWithThousandsOfFailuresShowsTheFirstHundredAndCountsTheRest() {
        let failures = (0..<5000).map {
            Verdict.Failure(rule: .eventUnknown, expected: "a known event", actual: "E\($0)")
        }
        let report = RunReport(
            name: "flood", properties: [], startedAt: Date(timeIntervalSince1970: 0), duration: 0,
            results: [
                CaseResult(caseID: "c", suite: "s", summary: "", kind: .valid, verdict: .failed(failures), duration: 0)
            ])
        let xml = JUnitReporter(hostname: "h").render(report)
        #expect(xml.contains("actual:   E99\n"))
        #expect(!xml.contains("actual:   E100\n"))
        #expect(xml.contains("... and 4900 more differences"))
        #expect(xml.utf8.count < 3 * ReportText.fieldLimit)
    }
}
