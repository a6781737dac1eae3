package import Foundation

/// Writes a run's reports to files, all together and atomically, through `AtomicFileWriter`
/// (which replaces only regular files, all or none), each streamed from its reporter into its
/// temporary files one at a time. Rendering is the reporters' job.
package struct ReportWriter: Sendable {
    /// The formats `writeOutputs` writes, as file-name suffixes with their reporters.
    package var outputs: [(suffix: String, reporter: any Reporter)]

    /// Creates a writer for the default outputs: JUnit XML, JSON and HTML.
    /// - Parameter hostname: the host name the JUnit report names.
    package init(hostname: String) {
        outputs = [
            ("junit.xml", JUnitReporter(hostname: hostname)), ("json", JSONReporter()), ("html", HTMLReporter()),
        ]
    }

    /// Writes each output of a run to `directory` twice, in one batch: as `<timestamp>.<suffix>`
    /// (the run's start, UTC, e.g. `20261122T043356Z.junit.xml`) and as the stable
    /// `latest.<suffix>`, so the `latest.*` files always come from the same run.
    /// - Parameters:
    ///   - report: the run.
    ///   - directory: the reports directory; created when missing.
    /// - Returns: the files written, timestamped ones first.
    /// - Throws: `FileWriteError`; then none of the files was changed.
    @discardableResult
    package func writeOutputs(of report: RunReport, to directory: URL) throws -> [URL] {
        let stem = Self.fileStem(for: report.startedAt)
        let files = outputs.map { output in
            let reporter = output.reporter
            return AtomicFileWriter.File(
                to: ["\(stem).\(output.suffix)", "latest.\(output.suffix)"].map(directory.appendingPathComponent),
                writing: { reporter.write(report, to: &$0) })
        }
        try AtomicFileWriter.write(files)
        return files.map { $0.urls[0] } + files.map { $0.urls[1] }
    }

    /// The timestamp part of report file names: the run's start in UTC, `20261122T043356Z`.
    /// - Parameter date: the run's start.
    /// - Returns: the stem, free of characters file systems or shells mind.
    package static func fileStem(for date: Date) -> String {
        ReportText.timestamp(date).filter { $0 != "-" && $0 != ":" } + "Z"
    }
}
