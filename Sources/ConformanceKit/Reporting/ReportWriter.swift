package import Foundation
import Glibc

/// Writes rendered reports to files, atomically: the only type in `Reporting/` that touches the
/// file system.
///
/// Each file is written to `<path>.tmp-<pid>` in the same directory, synced, then renamed over
/// the target, so a reader (or a CI upload racing the run) sees the old file or the new one,
/// never a part. The directory is created when missing. Rendering is the reporters' job.
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

    /// Writes each output of a run to `directory` twice: as `<timestamp>.<suffix>` (the run's
    /// start, UTC, e.g. `20261122T043356Z.junit.xml`) and as the stable `latest.<suffix>`.
    /// - Parameters:
    ///   - report: the run.
    ///   - directory: the reports directory; created when missing.
    /// - Returns: the files written, timestamped ones first.
    /// - Throws: `ReportWriteError` when a file cannot be written.
    @discardableResult
    package func writeOutputs(of report: RunReport, to directory: URL) throws -> [URL] {
        let stem = Self.fileStem(for: report.startedAt)
        var written: [URL] = []
        var latest: [URL] = []
        for output in outputs {
            let text = output.reporter.render(report)
            let file = directory.appendingPathComponent("\(stem).\(output.suffix)")
            let latestFile = directory.appendingPathComponent("latest.\(output.suffix)")
            try write(text, to: file)
            try write(text, to: latestFile)
            written.append(file)
            latest.append(latestFile)
        }
        return written + latest
    }

    /// Replaces a file's contents atomically, creating its directory when missing.
    /// - Parameters:
    ///   - text: the new contents (written as UTF-8).
    ///   - url: the file.
    /// - Throws: `ReportWriteError`; the target is then unchanged and no temporary file is left.
    package func write(_ text: String, to url: URL) throws {
        let directory = url.deletingLastPathComponent().path
        try Self.createDirectory(directory)
        let path = url.path
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = Self.retrying { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw ReportWriteError(.open, path: temporary, errno: errno) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let count = bytes.withUnsafeBytes { buffer in
                    Self.retrying { Glibc.write(descriptor, buffer.baseAddress, buffer.count) }
                }
                guard count > 0 else { throw ReportWriteError(.write, path: temporary, errno: errno) }
                bytes = bytes.dropFirst(count)
            }
            guard Self.retrying({ fsync(descriptor) }) == 0 else {
                throw ReportWriteError(.sync, path: temporary, errno: errno)
            }
        }
        guard rename(temporary, path) == 0 else { throw ReportWriteError(.rename, path: path, errno: errno) }
        renamed = true
        // Make the rename itself durable; a failure here leaves a complete file, so it is not fatal.
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// The timestamp part of report file names: the run's start in UTC, `20261122T043356Z`.
    /// - Parameter date: the run's start.
    /// - Returns: the stem, free of characters file systems or shells mind.
    package static func fileStem(for date: Date) -> String {
        ReportText.timestamp(date).filter { $0 != "-" && $0 != ":" } + "Z"
    }

    private static func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw ReportWriteError(.createDirectory, path: prefix, errno: errno)
            }
        }
    }

    private static func retrying<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result == -1, errno == EINTR { continue }
            return result
        }
    }
}
