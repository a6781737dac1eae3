/// Renders a finished run as text in one format (JUnit XML, JSON, console, HTML).
///
/// The last stage of the pipeline: takes a `RunReport`, returns text. Reporters neither print
/// nor write files; `ReportWriter` does that.
public protocol Reporter: Sendable {
    /// The report as text in this reporter's format.
    /// - Parameter report: the finished (or interrupted) run.
    /// - Returns: the whole document, ending in a newline.
    func render(_ report: RunReport) -> String
}
