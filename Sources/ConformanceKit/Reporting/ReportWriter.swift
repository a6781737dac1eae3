package import Foundation

/// Writes rendered reports to files, all of a run's together and atomically, through
/// `AtomicFileWriter` (which replaces only regular files, all or none). Rendering is the
/// reporters' job.
package struct ReportWriter: Sendable {
    /// One file of a batch: its contents and where they go.
    package typealias File = AtomicFileWriter.File

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
        var stamped: [File] = []
        var latest: [File] = []
        for output in outputs {
            let text = output.reporter.render(report)
            stamped.append(File(text, to: directory.appendingPathComponent("\(stem).\(output.suffix)")))
            latest.append(File(text, to: directory.appendingPathComponent("latest.\(output.suffix)")))
        }
        try write(stamped + latest)
        return (stamped + latest).map(\.url)
    }

    /// Replaces one file's contents atomically, creating its directory when missing.
    /// - Parameters:
    ///   - text: the new contents (written as UTF-8).
    ///   - url: the file.
    /// - Throws: `FileWriteError`; the target is then unchanged and no temporary file is left.
    package func write(_ text: String, to url: URL) throws {
        try write([File(text, to: url)])
    }

    /// Writes a batch of files atomically, all or none (`AtomicFileWriter.write(_:)`).
    /// - Parameter files: the files; no two may name the same file.
    /// - Throws: `FileWriteError` before any target changed.
    package func write(_ files: [File]) throws { try AtomicFileWriter.write(files) }

    /// The paths among `paths` that name the same file (`AtomicFileWriter.duplicate(among:)`).
    /// - Parameter paths: option name and path, e.g. `("junit", "out.xml")`.
    /// - Returns: the shared path and the options naming it, or `nil` when all differ.
    package static func duplicate(among paths: [(option: String, path: String)]) -> (String, [String])? {
        AtomicFileWriter.duplicate(among: paths)
    }

    /// The timestamp part of report file names: the run's start in UTC, `20261122T043356Z`.
    /// - Parameter date: the run's start.
    /// - Returns: the stem, free of characters file systems or shells mind.
    package static func fileStem(for date: Date) -> String {
        ReportText.timestamp(date).filter { $0 != "-" && $0 != ":" } + "Z"
    }
}
