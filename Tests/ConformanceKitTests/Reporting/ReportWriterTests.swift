import Foundation
import Glibc
import Testing

@testable import ConformanceKit

struct ReportWriterTests {
    @Test func writeReplacesTheWholeFileAndLeavesNoTemporaryFile() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("nested/deeper/report.txt")
        try AtomicFileWriter.write([.init(String(repeating: "long old contents\n", count: 100), to: file)])
        try AtomicFileWriter.write([.init("new\n", to: file)])
        #expect(try String(contentsOf: file, encoding: .utf8) == "new\n")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["report.txt"]
        )
    }

    @Test func textWrittenInPiecesAcrossManyChunksArrivesWholeAtEveryPath() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let urls = ["report.txt", "latest.txt"].map(directory.appendingPathComponent)
        let pieces = (0..<20_000).map { "line \($0) é ✓\n" }
        #expect(pieces.joined().utf8.count > 4 * AtomicFileWriter.Stream.chunkSize)
        try AtomicFileWriter.write([.init(to: urls, writing: { stream in for piece in pieces { stream.write(piece) } })])
        for url in urls { #expect(try String(contentsOf: url, encoding: .utf8) == pieces.joined()) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 2)
    }

    /// What a report must never replace: the name in the directory, what it is, and a check
    /// that it is still that afterwards.
    enum Special: String, CaseIterable {
        case directory, fifo, characterDevice, symlinkToDevice, danglingSymlink

        func make(in directory: URL) throws -> String {
            let path = directory.appendingPathComponent(rawValue).path
            switch self {
            case .directory:
                try FileManager.default.createDirectory(atPath: path + "/child", withIntermediateDirectories: true)
            case .fifo: #expect(mkfifo(path, 0o644) == 0)
            case .characterDevice: return "/dev/null"
            case .symlinkToDevice:
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/null")
            case .danglingSymlink:
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path + ".nowhere")
            }
            return path
        }

        var kind: FileWriteError.FileKind {
            switch self {
            case .directory: .directory
            case .fifo: .fifo
            case .characterDevice, .symlinkToDevice: .characterDevice
            case .danglingSymlink: .danglingSymbolicLink
            }
        }
    }

    @Test(arguments: Special.allCases)
    func onlyRegularFilesAreEverReplaced(_ special: Special) throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try special.make(in: directory)
        var before = stat()
        lstat(path, &before)
        let regular = directory.appendingPathComponent("regular.txt")
        // In one batch with a writable file: nothing is written at all.
        #expect {
            try AtomicFileWriter.write([
                .init("new", to: regular), .init("x", to: URL(fileURLWithPath: path)),
            ])
        } throws: { error in
            guard case .notARegularFile(_, let kind, _)? = error as? FileWriteError else { return false }
            return kind == special.kind && "\(error)".contains("not a regular file")
        }
        var after = stat()
        lstat(path, &after)
        #expect(after.st_mode == before.st_mode && after.st_rdev == before.st_rdev && after.st_ino == before.st_ino)
        #expect(!FileManager.default.fileExists(atPath: regular.path))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.contains(".tmp-") })
    }

    @Test func aSymlinkToARegularFileHasThatFileReplacedAndStays() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let archive = directory.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let real = archive.appendingPathComponent("run-1.json")
        try "old".write(to: real, atomically: true, encoding: .utf8)
        let link = directory.appendingPathComponent("latest.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        try AtomicFileWriter.write([.init("new", to: link)])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == real.path)
        #expect(try String(contentsOf: real, encoding: .utf8) == "new")
    }

    @Test func systemErrorsNameThePathAndTheSystemsReason() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let beneath = file.appendingPathComponent("report.xml")
        #expect {
            try AtomicFileWriter.write([.init("x", to: beneath)])
        } throws: { error in
            (error as? FileWriteError) == .failed(.inspect, path: beneath.path, errno: ENOTDIR)
                && "\(error)".contains("'\(beneath.path)': Not a directory")
        }
    }

    @Test func reportOptionsNamingOneFileAreFoundWhateverTheSpelling() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let alias = directory.appendingPathComponent("alias")
        try FileManager.default.createSymbolicLink(at: alias, withDestinationURL: directory)
        let path = directory.appendingPathComponent("out.xml").path
        #expect(
            AtomicFileWriter.duplicate(among: [("junit", path), ("json", path + ".json"), ("html", "out.html")]) == nil)
        let clash = AtomicFileWriter.duplicate(among: [
            ("junit", path), ("json", directory.path + "/./sub/../out.xml"), ("html", alias.path + "/out.xml"),
        ])
        #expect(clash?.1 == ["junit", "json", "html"])
        #expect(clash?.0 == (directory.resolvingSymlinksInPath().path + "/out.xml"))
    }

    @Test func writeOutputsWritesTimestampedFilesAndLatestCopies() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reports = directory.appendingPathComponent("reports")
        let report = SampleReport.report
        let written = try ReportWriter(hostname: "ci-runner-1").writeOutputs(of: report, to: reports)
        let stem = ReportWriter.fileStem(for: report.startedAt)
        #expect(stem == "20261122T043356Z")
        let names = ["junit.xml", "json", "html"]
        #expect(written.map(\.lastPathComponent) == names.map { "\(stem).\($0)" } + names.map { "latest.\($0)" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports.path).count == 6)
        for name in names {
            let latest = try Data(contentsOf: reports.appendingPathComponent("latest.\(name)"))
            #expect(latest == (try Data(contentsOf: reports.appendingPathComponent("\(stem).\(name)"))))
        }
        let xml = try String(contentsOf: reports.appendingPathComponent("latest.junit.xml"), encoding: .utf8)
        #expect(xml == JUnitReporter(hostname: "ci-runner-1").render(report))
    }

    @Test func reportsStreamedToFilesAreTheTextsTheReportersRender() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Many results, so each report spans many chunks of the stream.
        var report = SampleReport.report
        report.results = (0..<300).flatMap { _ in SampleReport.report.results }
        let writer = ReportWriter(hostname: "ci-runner-1")
        try writer.writeOutputs(of: report, to: directory)
        for output in writer.outputs {
            let text = try String(
                contentsOf: directory.appendingPathComponent("latest.\(output.suffix)"), encoding: .utf8)
            #expect(text.utf8.count > AtomicFileWriter.Stream.chunkSize)
            #expect(text == output.reporter.render(report))
        }
    }
}
