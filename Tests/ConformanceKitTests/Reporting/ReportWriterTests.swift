import Foundation
import Testing

@testable import ConformanceKit

struct ReportWriterTests {
    @Test func writeReplacesTheWholeFileAndLeavesNoTemporaryFile() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("nested/deeper/report.txt")
        let writer = ReportWriter(hostname: "h")
        try writer.write(String(repeating: "long old contents\n", count: 100), to: file)
        try writer.write("new\n", to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new\n")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["report.txt"]
        )
    }

    @Test func failedWriteThrowsWithThePathAndLeavesNothingBehind() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("is-a-directory")
        try FileManager.default.createDirectory(
            at: target.appendingPathComponent("child"), withIntermediateDirectories: true)
        #expect {
            try ReportWriter(hostname: "h").write("x", to: target)
        } throws: { error in
            (error as? ReportWriteError)?.operation == .rename
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["is-a-directory"])
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
}
