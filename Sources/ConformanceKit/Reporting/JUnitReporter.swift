/// Renders a run as JUnit XML (the Ant/Surefire dialect of `junit-10.xsd` that Jenkins, GitLab
/// and most CI systems read): one `<testsuite>` per `CaseResult.suite`, one `<testcase>` per result.
///
/// Each suite carries the run's properties (the schema allows none on `<testsuites>`), its
/// counts, `timestamp` (the run's start, UTC) and `hostname`. A failed case has a `<failure>`
/// whose `type` is the broken rule(s) and whose text lists every diff; an errored case an
/// `<error type="errored">`; a skipped case a `<skipped>` with the reason. The transcript and
/// event timings go in `<system-out>`. The schema has no `skipped` attribute on `<testsuites>`,
/// so the run's skip count is only on the suites. Writes no files.
public struct JUnitReporter: Reporter {
    /// The host the run was driven from (`<testsuite hostname>`); injected for reproducible output.
    public var hostname: String
    /// The first component of every `classname` (`qmp.set_link`).
    public var classnamePrefix: String

    /// Creates a reporter.
    /// - Parameters:
    ///   - hostname: the host name to report, e.g. `ProcessInfo.processInfo.hostName`.
    ///   - classnamePrefix: the first component of every `classname`.
    public init(hostname: String, classnamePrefix: String = "qmp") {
        self.hostname = hostname
        self.classnamePrefix = classnamePrefix
    }

    /// Writes the JUnit XML document of a run, one test case at a time.
    /// - Parameters:
    ///   - report: the run.
    ///   - output: receives the XML text, UTF-8, ending in a newline.
    public func write(_ report: RunReport, to output: inout some TextOutputStream) {
        let outline = ReportOutline(report)
        output.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        output.write(
            "<testsuites"
                + attributes([
                    ("name", report.name), ("tests", "\(outline.totals.tests)"),
                    ("failures", "\(outline.totals.failures)"), ("errors", "\(outline.totals.errors)"),
                    ("time", ReportText.seconds(report.duration)),
                ]) + ">\n")
        let timestamp = ReportText.timestamp(report.startedAt)
        for suite in outline.suites {
            output.write(
                "  <testsuite"
                    + attributes([
                        ("name", suite.name), ("tests", "\(suite.counts.tests)"),
                        ("failures", "\(suite.counts.failures)"), ("errors", "\(suite.counts.errors)"),
                        ("skipped", "\(suite.counts.skipped)"), ("time", ReportText.seconds(suite.counts.time)),
                        ("timestamp", timestamp), ("hostname", hostname),
                    ]) + ">\n")
            if !outline.properties.isEmpty {
                output.write("    <properties>\n")
                for property in outline.properties {
                    output.write(
                        "      <property" + attributes([("name", property.key), ("value", property.value)]) + "/>\n")
                }
                output.write("    </properties>\n")
            }
            for result in suite.results { output.write(testcase(result)) }
            output.write("  </testsuite>\n")
        }
        output.write("</testsuites>\n")
    }

    /// The `classname` of a suite's cases: the prefix, then the suite with a trailing `.json`
    /// dropped, `.` turned into `_` and `/` into `.`, and anything else outside `[A-Za-z0-9_-]`
    /// into `_`, so CI systems that split class names at dots see the scenario folders as packages:
    /// `set_link` → `qmp.set_link`, `net/link-down.json` → `qmp.net.link-down`.
    /// - Parameter suite: the suite name.
    /// - Returns: the class name.
    func classname(forSuite suite: String) -> String {
        let base = suite.hasSuffix(".json") ? String(suite.dropLast(5)) : suite
        let mapped = base.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "/": "."
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": Character(scalar)
            default: "_"
            }
        }
        return classnamePrefix + "." + String(mapped)
    }

    private func testcase(_ result: CaseResult) -> String {
        var xml =
            "    <testcase"
            + attributes([
                ("classname", classname(forSuite: result.suite)), ("name", ReportText.title(of: result)),
                ("time", ReportText.seconds(result.duration)),
            ])
        var children = ""
        let message = ReportText.message(of: result.verdict)
        switch result.verdict {
        case .passed: break
        case .failed(let failures):
            let text = ReportText.detailLines(result.verdict).joined(separator: "\n")
            children +=
                "      <failure" + attributes([("message", message), ("type", ReportText.rules(of: failures))])
                + ">" + TextEscaping.xmlText(text) + "</failure>\n"
        case .errored:
            children +=
                "      <error" + attributes([("message", message), ("type", "errored")]) + ">"
                + TextEscaping.xmlText(message) + "</error>\n"
        case .skipped, .waived:
            children += "      <skipped" + attributes([("message", message)]) + "/>\n"
        }
        let output = ReportText.output(of: result)
        if !output.isEmpty {
            children += "      <system-out>" + TextEscaping.xmlText(output) + "</system-out>\n"
        }
        if children.isEmpty { return xml + "/>\n" }
        xml += ">\n" + children + "    </testcase>\n"
        return xml
    }

    private func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(TextEscaping.xmlAttribute($0.1))\"" }.joined()
    }
}
