/// Renders a finished run as text in one format (JUnit XML, JSON, console, HTML).
///
/// The last stage of the pipeline: takes a `RunReport` and writes its text, a part at a time,
/// into a `TextOutputStream` (a file's stream, so a large report is never whole in memory, or a
/// `String` through `render`). Reporters neither print nor open files; `ReportWriter` does that.
public protocol Reporter: Sendable {
    /// Writes the report in this reporter's format.
    /// - Parameters:
    ///   - report: the finished (or interrupted) run.
    ///   - output: where the text goes, in order; the whole document ends in a newline.
    func write(_ report: RunReport, to output: inout some TextOutputStream)
}

extension Reporter {
    /// The report as text in this reporter's format.
    /// - Parameter report: the finished (or interrupted) run.
    /// - Returns: the whole document, ending in a newline.
    public func render(_ report: RunReport) -> String {
        var text = ""
        write(report, to: &text)
        return text
    }
}
