/// Renders the human summary printed at the end of a run: the totals line, a per-kind line,
/// then each failed or errored case with its diffs (or error) and the command that reruns it,
/// the waived cases, and the expired and stale waivers. Under a baseline the summary starts with
/// the changes against it, regressions and fixes first (`ComparisonReporter`).
///
/// Plain text by default; `colour` adds ANSI colours to the verdict labels. Text from the
/// endpoint has its control characters made visible, so a hostile reply cannot drive the
/// terminal. Progress during the run is the runner's business. Writes nothing itself.
public struct ConsoleReporter: Reporter {
    /// Whether to colour verdict labels with ANSI escape sequences.
    public var colour: Bool
    /// The changes against a baseline, listed first; nil without a baseline.
    public var comparison: BaselineComparison?

    /// Creates a reporter.
    /// - Parameters:
    ///   - colour: colour the verdict labels (for a terminal).
    ///   - comparison: the changes against a baseline, if one was given.
    public init(colour: Bool = false, comparison: BaselineComparison? = nil) {
        self.colour = colour
        self.comparison = comparison
    }

    /// Writes the summary of a run.
    /// - Parameters:
    ///   - report: the run.
    ///   - output: receives the text, ending in a newline.
    public func write(_ report: RunReport, to output: inout some TextOutputStream) {
        let outline = ReportOutline(report)
        var lines =
            comparison.map { ComparisonReporter().text($0).split(separator: "\n").map(String.init) + [""] } ?? []
        lines += [
            painted(ReportText.totalsLine(outline), outline.totals.failing > 0 ? .red : .green),
            ReportText.kindsLine(outline),
        ]
        if report.interrupted {
            lines.append("The run was interrupted: cases that did not run are reported as skipped.")
        }
        for result in outline.failing {
            lines.append("")
            lines.append(
                painted(ReportText.name(of: result.verdict).uppercased(), .red) + " "
                    + TextEscaping.terminal(ReportText.title(of: result)))
            lines += ReportText.detailLines(result.verdict, indent: "  ").map(TextEscaping.terminal)
            lines.append("  reproduce: " + ReportText.reproduceCommand(for: result))
        }
        let waived = report.results.compactMap { result -> String? in
            guard case .waived(let reason, _) = result.verdict else { return nil }
            return "WAIVED " + TextEscaping.terminal(ReportText.title(of: result)) + ": "
                + TextEscaping.terminal(reason)
        }
        if !waived.isEmpty { lines += [""] + waived }
        let review = report.waiverReview
        if !review.expired.isEmpty || !review.stale.isEmpty { lines.append("") }
        let text = { (waiver: Waivers.Waiver) in
            TextEscaping.terminal(ReportText.waiverLine(waiver) + (waiver.link.map { " <\($0)>" } ?? ""))
        }
        lines += review.expired.map { painted("EXPIRED", .red) + " " + text($0) }
        lines += review.stale.map { "STALE " + text($0) }
        output.write(lines.joined(separator: "\n") + "\n")
    }

    private enum Colour: String {
        case red = "31"
        case green = "32"
    }

    private func painted(_ text: String, _ colour: Colour) -> String {
        self.colour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }
}
