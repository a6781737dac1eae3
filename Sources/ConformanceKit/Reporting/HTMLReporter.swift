/// Renders a run as one self-contained HTML page (inline CSS, no scripts): the totals, the run's
/// properties, then a table per suite; failed and errored cases are expanded with their diffs
/// and transcript, the other transcripts are collapsed.
///
/// All text is HTML-escaped, control characters made visible. Writes no files.
public struct HTMLReporter: Reporter {
    /// Creates a reporter.
    public init() {}

    /// The HTML page of a run.
    /// - Parameter report: the run.
    /// - Returns: the page, ending in a newline.
    public func render(_ report: RunReport) -> String {
        let outline = ReportOutline(report)
        let title = TextEscaping.html(report.name)
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(title)</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin-bottom:1.5em;width:100%}
            th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
            td.time{text-align:right;white-space:nowrap}
            pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap;margin:.25em 0}
            .passed{color:#176f2c}.failed,.errored{color:#b00020;font-weight:bold}.skipped{color:#8a6d00}
            </style>
            </head>
            <body>
            <h1>\(title)</h1>
            <p class="totals">\(TextEscaping.html(ReportText.totalsLine(outline)))<br>\(TextEscaping.html(ReportText.kindsLine(outline)))</p>

            """
        html += "<table class=\"properties\">\n"
        html += "<tr><th>started</th><td>\(ReportText.timestamp(report.startedAt, zoneDesignator: true))</td></tr>\n"
        for property in outline.properties {
            html +=
                "<tr><th>\(TextEscaping.html(property.key))</th><td>\(TextEscaping.html(property.value))</td></tr>\n"
        }
        html += "</table>\n"
        for suite in outline.suites {
            let counts = suite.counts
            html +=
                "<h2>\(TextEscaping.html(suite.name)) <small>\(ReportText.cases(counts.tests)), \(counts.passed) passed, "
                + "\(counts.failing) failing, \(counts.skipped) skipped</small></h2>\n"
            html += "<table>\n<tr><th>case</th><th>verdict</th><th>time</th></tr>\n"
            for result in suite.results { html += row(result) }
            html += "</table>\n"
        }
        return html + "</body>\n</html>\n"
    }

    private func row(_ result: CaseResult) -> String {
        let verdict = ReportText.name(of: result.verdict)
        var cell = TextEscaping.html(ReportText.title(of: result))
        let details = ReportText.detailLines(result.verdict).joined(separator: "\n")
        let output = ReportText.output(of: result)
        if !details.isEmpty || !output.isEmpty {
            let open = result.verdict.isFailure ? " open" : ""
            cell += "<details\(open)><summary>details</summary>"
            if !details.isEmpty { cell += "<pre class=\"diff\">\(TextEscaping.html(details))</pre>" }
            if !output.isEmpty { cell += "<pre class=\"transcript\">\(TextEscaping.html(output))</pre>" }
            cell += "</details>"
        }
        return "<tr><td>\(cell)</td><td class=\"\(verdict)\">\(verdict)</td>"
            + "<td class=\"time\">\(ReportText.seconds(result.duration)) s</td></tr>\n"
    }
}
