import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform run` on the paths a hostile environment takes: report paths that must not be
/// replaced or that clash, signals, and launched commands that try to outlive the run.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct RunCommandHardeningTests {
    @Test func reportOptionsNamingOneFileAreAUsageErrorBeforeTheRun() throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report").path
        let outcome = try CLIRunner.run(["run", "--junit", path, "--json", directory.path + "/./report", "--html", "x"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--junit and --json name the same file"))
        #expect(!outcome.stderr.contains("running"), "the run must not start")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aDeviceNamedAsAReportIsRefusedAndLeftAlone() throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("report.json").path
        let outcome = try CLIRunner.run([
            "run", "--filter", "query-status/*", "--no-protocol-checks", "--junit", "/dev/full", "--json", json,
        ])
        #expect(outcome.status == ExitStatus.runNotPossible.rawValue, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("'/dev/full': it is a character device, not a regular file"))
        var info = stat()
        #expect(lstat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(!FileManager.default.fileExists(atPath: json), "all reports or none")
    }
}
