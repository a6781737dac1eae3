/// Renders a run as one self-contained HTML page for people: the verdict and the per-kind bar
/// (inline SVG) first, the waivers to revisit, then the failures (each with its diff, the
/// command that reproduces it and a cut transcript), the per-command table, the event-latency
/// chart (inline SVG), the waived cases, every case (collapsed per command, without
/// transcripts), and the run's facts last.
///
/// The page loads nothing (no links, images, fonts or remote scripts) and reads fully without
/// scripts: rows are rendered in their reading order (most failures first) and the one small
/// inline script only re-sorts the command table on a click. Transcripts of failing cases are
/// cut to `transcriptLimit`, other cases show none, so a full run's page stays small; the JSON
/// and JUnit reports keep every transcript. All text is HTML-escaped, control characters made
/// visible. Writes no files.
public struct HTMLReporter: Reporter {
    /// The most UTF-8 bytes of a failing case's transcript the page shows (the rest is
    /// summarised; the JSON report keeps it whole).
    static let transcriptLimit = 8 << 10
    /// The most failing cases shown with their details; the rest are listed by title.
    static let detailedFailureLimit = 200

    /// Creates a reporter.
    public init() {}

    /// Writes the HTML page of a run, a section at a time (the list of all cases a command at a
    /// time).
    /// - Parameters:
    ///   - report: the run.
    ///   - output: receives the page, ending in a newline.
    public func write(_ report: RunReport, to output: inout some TextOutputStream) {
        let outline = ReportOutline(report)
        let suites = outline.suites.enumerated().map { (anchor: "s\($0.offset)", suite: $0.element) }
            .sorted { Self.readingOrder($0.suite, $1.suite) }
        output.write(head(outline))
        output.write(verdict(outline))
        output.write("<h2 id=\"kinds\">By kind</h2>\n" + HTMLCharts.kindBars(outline.kinds))
        output.write(waiverReview(report.waiverReview))
        output.write(failures(outline))
        output.write(commandTable(suites))
        output.write(latency(report))
        output.write(waived(outline))
        allCases(suites, to: &output)
        output.write(facts(outline))
        output.write("<script>\(Self.sortScript)</script>\n</body>\n</html>\n")
    }

    /// Suites with the most failing cases first, then the most waived, then by name.
    static func readingOrder(_ lhs: ReportSuite, _ rhs: ReportSuite) -> Bool {
        (-lhs.counts.failing, -lhs.counts.waived, lhs.name) < (-rhs.counts.failing, -rhs.counts.waived, rhs.name)
    }

    private func head(_ outline: ReportOutline) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(TextEscaping.html(outline.report.name))</title>
        <style>\(Self.style)</style>
        </head>
        <body>

        """
    }

    private func verdict(_ outline: ReportOutline) -> String {
        let failing = outline.report.exitStatus != .success
        let word = failing ? "FAILED" : outline.report.interrupted ? "INTERRUPTED" : "PASSED"
        var notes: [String] = []
        if outline.report.interrupted { notes.append("The run was interrupted: cases that did not run are skipped.") }
        if !outline.report.waiverReview.expired.isEmpty {
            notes.append("\(outline.report.waiverReview.expired.count) expired waiver(s) failed cases again.")
        }
        if !outline.report.waiverReview.stale.isEmpty {
            let strict = outline.report.waiverReview.staleFailsRun ? " (--strict-waivers: this fails the run)" : ""
            notes.append(
                "\(outline.report.waiverReview.stale.count) stale waiver(s): their cases ran and none failed\(strict).")
        }
        let tone = failing ? "bad" : outline.report.interrupted ? "warn" : "good"
        var html = "<header class=\"verdict \(tone)\">\n"
        html += "<h1>\(word) <small>\(TextEscaping.html(outline.report.name))</small></h1>\n"
        html += "<p class=\"totals\">\(TextEscaping.html(ReportText.totalsLine(outline)))</p>\n"
        for note in notes { html += "<p>\(TextEscaping.html(note))</p>\n" }
        html += "<nav><a href=\"#failures\">failures (\(outline.totals.failing))</a> · "
        html += "<a href=\"#commands\">commands (\(outline.suites.count))</a> · <a href=\"#kinds\">kinds</a> · "
        html += "<a href=\"#latency\">event latency</a> · <a href=\"#waived\">waived (\(outline.totals.waived))</a> · "
        html += "<a href=\"#cases\">all cases</a> · <a href=\"#run\">run</a></nav>\n</header>\n"
        return html
    }

    private func waiverReview(_ review: Waivers.Review) -> String {
        guard !review.expired.isEmpty || !review.stale.isEmpty else { return "" }
        var html = "<h2 id=\"waivers\">Waivers to revisit</h2>\n<ul class=\"waivers\">\n"
        for waiver in review.expired {
            html += "<li><b class=\"failed\">expired</b> \(waiverText(waiver))</li>\n"
        }
        for waiver in review.stale {
            html += "<li><b class=\"skipped\">stale</b> (its cases ran, none failed) \(waiverText(waiver))</li>\n"
        }
        return html + "</ul>\n"
    }

    private func waiverText(_ waiver: Waivers.Waiver) -> String {
        let text = TextEscaping.html(ReportText.waiverLine(waiver))
        guard let link = waiver.link.map(TextEscaping.html) else { return text }
        return text + " <a href=\"\(link)\">\(link)</a>"
    }

    private func failures(_ outline: ReportOutline) -> String {
        let failing = outline.failing
        var html = "<h2 id=\"failures\">Failures (\(failing.count))</h2>\n"
        guard !failing.isEmpty else { return html + "<p class=\"passed\">No case failed.</p>\n" }
        for result in failing.prefix(Self.detailedFailureLimit) {
            let verdict = ReportText.name(of: result.verdict)
            html += "<details open class=\"case\"><summary><b class=\"\(verdict)\">\(verdict.uppercased())</b> "
            html += "\(TextEscaping.html(ReportText.title(of: result)))</summary>\n"
            html +=
                "<pre class=\"diff\">\(TextEscaping.html(ReportText.detailLines(result.verdict).joined(separator: "\n")))</pre>\n"
            html += "<p>reproduce: <code>\(TextEscaping.html(ReportText.reproduceCommand(for: result)))</code></p>\n"
            let output = ByteElision.bounded(ReportText.output(of: result), limit: Self.transcriptLimit)
            if !output.isEmpty {
                html += "<details><summary>transcript</summary><pre>\(TextEscaping.html(output))</pre></details>\n"
            }
            html += "</details>\n"
        }
        let rest = failing.dropFirst(Self.detailedFailureLimit)
        if !rest.isEmpty {
            html += "<details><summary>\(rest.count) more failing cases (details in the JSON report)</summary><ul>\n"
            for result in rest { html += "<li>\(TextEscaping.html(ReportText.title(of: result)))</li>\n" }
            html += "</ul></details>\n"
        }
        return html
    }

    private func commandTable(_ suites: [(anchor: String, suite: ReportSuite)]) -> String {
        var html = "<h2 id=\"commands\">Commands (\(suites.count))</h2>\n"
        html += "<p class=\"hint\">Most failures first; click a heading to sort by it.</p>\n"
        html += "<table class=\"sortable\">\n<thead><tr><th>command</th><th>cases</th><th>passed</th><th>failed</th>"
        html += "<th>waived</th><th>skipped</th><th>time (s)</th></tr></thead>\n<tbody>\n"
        for (anchor, suite) in suites {
            let counts = suite.counts
            let mark = counts.failing > 0 ? " class=\"bad\"" : counts.waived > 0 ? " class=\"warn\"" : ""
            html += "<tr\(mark)><td><a href=\"#\(anchor)\">\(TextEscaping.html(suite.name))</a></td>"
            html += [counts.tests, counts.passed, counts.failing, counts.waived, counts.skipped - counts.waived]
                .map { "<td class=\"n\">\($0)</td>" }.joined()
            html += "<td class=\"n\">\(ReportText.seconds(counts.time))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private func latency(_ report: RunReport) -> String {
        let timings = report.results.flatMap { result in
            result.eventTimings.map { (title: ReportText.title(of: result), timing: $0) }
        }
        var html = "<h2 id=\"latency\">Event latency (\(timings.count) expected events)</h2>\n"
        guard !timings.isEmpty else { return html + "<p>No case expected events.</p>\n" }
        html += "<p class=\"hint\">Each bar is an event's latency as a share of its window (the dashed line), "
        html += "on a log scale from 0.1% of the window to twice it; red bars are late or missing. Latest first.</p>\n"
        return html + HTMLCharts.latencyChart(timings)
    }

    private func waived(_ outline: ReportOutline) -> String {
        let waived = outline.report.results.filter {
            if case .waived = $0.verdict { true } else { false }
        }
        var html = "<h2 id=\"waived\">Waived (\(waived.count))</h2>\n"
        guard !waived.isEmpty else { return html + "<p>No case was waived.</p>\n" }
        html += "<details><summary>\(ReportText.cases(waived.count)) failed as a waiver expects</summary>\n"
        for result in waived {
            html += "<p><b class=\"waived\">WAIVED</b> \(TextEscaping.html(ReportText.title(of: result)))</p>\n"
            html +=
                "<pre class=\"diff\">\(TextEscaping.html(ReportText.detailLines(result.verdict).joined(separator: "\n")))</pre>\n"
        }
        return html + "</details>\n"
    }

    private func allCases(_ suites: [(anchor: String, suite: ReportSuite)], to output: inout some TextOutputStream) {
        output.write("<h2 id=\"cases\">All cases</h2>\n")
        for (anchor, suite) in suites {
            let open = suite.counts.failing > 0 ? " open" : ""
            var html = "<details id=\"\(anchor)\"\(open)><summary>\(TextEscaping.html(suite.name)): "
            html += "\(TextEscaping.html(ReportText.countsPhrase(suite.counts)))</summary>\n<table class=\"cases\">\n"
            for result in suite.results {
                let verdict = ReportText.name(of: result.verdict)
                let note = result.verdict.isFailure ? "see failures" : ReportText.message(of: result.verdict)
                html += "<tr><td class=\"\(verdict)\">\(verdict)</td><td>\(TextEscaping.html(result.caseID))</td>"
                html += "<td>\(TextEscaping.html(result.summary))</td><td>\(TextEscaping.html(note))</td>"
                html += "<td class=\"n\">\(ReportText.seconds(result.duration))</td></tr>\n"
            }
            html += "</table></details>\n"
            output.write(html)
        }
    }

    private func facts(_ outline: ReportOutline) -> String {
        var html = "<h2 id=\"run\">Run</h2>\n<table class=\"properties\">\n"
        html +=
            "<tr><th>started</th><td>\(ReportText.timestamp(outline.report.startedAt, zoneDesignator: true))</td></tr>\n"
        for property in outline.properties {
            html +=
                "<tr><th>\(TextEscaping.html(property.key))</th><td>\(TextEscaping.html(property.value))</td></tr>\n"
        }
        html += "</table>\n<p>\(TextEscaping.html(ReportText.kindsLine(outline)))</p>\n"
        return html
    }

    private static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0 2em 2em;color:#222}\
        header.verdict{margin:0 -2em 1em;padding:.6em 2em;color:#fff}header.bad{background:#b00020}\
        header.good{background:#176f2c}header.warn{background:#8a6d00}header h1{margin:.2em 0;font-size:2em}header small{font-size:.5em;opacity:.85}\
        header p{margin:.2em 0}header a{color:#fff}\
        table{border-collapse:collapse;margin-bottom:1em}\
        th,td{border:1px solid #ccc;padding:.15em .5em;text-align:left;vertical-align:top}\
        td.n{text-align:right;font-variant-numeric:tabular-nums}\
        table.sortable th{cursor:pointer;background:#eee}tr.bad td{background:#fde8ec}tr.warn td{background:#fff6dc}\
        pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap;margin:.25em 0}\
        details.case{border-left:4px solid #b00020;padding-left:.6em;margin:.6em 0}\
        summary{cursor:pointer}.hint{color:#666;margin:.2em 0}\
        .passed{color:#176f2c}.failed,.errored{color:#b00020;font-weight:bold}.skipped{color:#666}\
        .waived{color:#8a6d00;font-weight:bold}svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif}
        """

    /// Re-sorts a sortable table by the clicked column (numbers numerically); the page reads
    /// the same without it.
    private static let sortScript = """
        document.querySelectorAll("table.sortable th").forEach(function(th,i){th.addEventListener("click",function(){\
        var body=th.closest("table").tBodies[0],rows=Array.from(body.rows),up=th.dataset.up!=="1";th.dataset.up=up?"1":"0";\
        rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent,p=parseFloat(x),q=parseFloat(y);\
        var c=isNaN(p)||isNaN(q)?x.localeCompare(y):p-q;return up?c:-c;});rows.forEach(function(r){body.appendChild(r);});});});
        """
}
