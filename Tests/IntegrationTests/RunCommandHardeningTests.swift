import Foundation
import Glibc
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform run` on the paths a hostile environment takes: report paths that must not be
/// replaced or that clash, signals, and launched commands that try to outlive the run.
/// One test at a time: each drives a whole run with its own QEMU, which on a small shared
/// machine is load enough.
@Suite(
    .serialized,
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct RunCommandHardeningTests {
    @Test func reportOptionsNamingOneFileAreAUsageErrorBeforeTheRun() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report").path
        let outcome = try await CLIRunner.run([
            "run", "--junit", path, "--json", directory.path + "/./report", "--html", "x",
        ])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--junit and --json name the same file"))
        #expect(!outcome.stderr.contains("running"), "the run must not start")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aDeviceNamedAsAReportIsRefusedAndLeftAlone() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("report.json").path
        let outcome = try await CLIRunner.run([
            "run", "--filter", "query-status/*", "--no-protocol-checks", "--junit", "/dev/full", "--json", json,
        ])
        #expect(outcome.status == ExitStatus.runNotPossible.rawValue, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("'/dev/full': it is a character device, not a regular file"))
        var info = stat()
        #expect(lstat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(!FileManager.default.fileExists(atPath: json), "all reports or none")
    }

    /// The arguments of a run that takes a few seconds against the default launched QEMU.
    static func runArguments(_ directory: URL, jobs: Int = 1) -> [String] {
        let schema = TestPaths.packageRoot.appendingPathComponent(
            "Tests/ConformanceKitTests/Fixtures/qemu-7.2-introspection.json")
        return [
            "run", "--schema", schema.path, "--filter", "*/valid/*", "--no-protocol-checks", "--jobs", "\(jobs)",
            "--reports", directory.path + "/reports",
        ]
    }

    @Test(arguments: [[SIGHUP], [SIGTERM], [SIGINT, SIGINT]])
    func aSignalledRunWritesEveryReportAndLeavesNoProcessOrScratchDirectory(_ signals: [Int32]) async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ProcessLifetime.start(Self.runArguments(directory), in: directory)
        let endpoints = try await ProcessLifetime.launchedEndpoints(of: run)
        let scratch = endpoints.compactMap(ProcessLifetime.workingDirectory)
        try await Task.sleep(for: .milliseconds(300))
        for (index, number) in signals.enumerated() {
            if index > 0 { usleep(3000) }
            kill(run.processIdentifier, number)
        }
        while run.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let stderr = (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        #expect(run.terminationStatus == ExitStatus.interrupted.rawValue, "\(stderr)")
        let reports = directory.appendingPathComponent("reports")
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(names.count == 6, "\(names)")
        for suffix in ["junit.xml", "json", "html"] {
            let stamped = try #require(names.first { $0.hasSuffix(suffix) && !$0.hasPrefix("latest") })
            let latest = try Data(contentsOf: reports.appendingPathComponent("latest.\(suffix)"))
            #expect(latest == (try Data(contentsOf: reports.appendingPathComponent(stamped))))
        }
        let lint = try await CLIRunner.tool(
            "xmllint", ["--noout", reports.appendingPathComponent("latest.junit.xml").path])
        #expect(lint.status == 0, "\(lint.stderr)")
        for endpoint in endpoints { #expect(await ProcessLifetime.ends(endpoint, within: .seconds(1))) }
        for path in scratch { #expect(!FileManager.default.fileExists(atPath: path), "\(path) left behind") }
    }

    @Test func killingTheToolKillsItsEndpointsAndTheNextRunSweepsTheirScratch() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ProcessLifetime.start(Self.runArguments(directory, jobs: 2), in: directory)
        let endpoints = try await ProcessLifetime.launchedEndpoints(of: run, count: 2)
        let scratch = endpoints.compactMap(ProcessLifetime.workingDirectory)
        kill(run.processIdentifier, SIGKILL)
        while run.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        for endpoint in endpoints {
            #expect(await ProcessLifetime.ends(endpoint), "endpoint \(endpoint) outlived the tool")
        }
        _ = try await CLIRunner.run(["cases", "list", "--help"])
        for path in scratch { #expect(!FileManager.default.fileExists(atPath: path), "\(path) left behind") }
    }

    @Test func killingTheToolKillsWhatItsEndpointStarted() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("grandchild.pid").path
        let script = try ProcessLifetime.script(
            in: directory, "sleep 1000 & echo $! > \(marker)\nexec qemu-system-x86_64 \"$@\"")
        let arguments =
            Self.runArguments(directory) + ["--launch", "\(script) -machine none -nodefaults -display none"]
        let run = try ProcessLifetime.start(arguments, in: directory)
        let endpoints = try await ProcessLifetime.launchedEndpoints(of: run)
        let grandchild = try await ProcessLifetime.pid(writtenTo: marker)
        kill(run.processIdentifier, SIGKILL)
        while run.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        for endpoint in endpoints { #expect(await ProcessLifetime.ends(endpoint)) }
        #expect(await ProcessLifetime.ends(grandchild), "the endpoint's child outlived the killed tool")
    }

    @Test func descendantsThatLeaveTheGroupDieWhenTheirEndpointStops() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("detached.pids").path
        let script = try ProcessLifetime.script(
            in: directory, "setsid sleep 1000 & echo $! >> \(marker)\nexec qemu-system-x86_64 \"$@\"")
        let arguments =
            Self.runArguments(directory) + ["--launch", "\(script) -machine none -nodefaults -display none"]
        let run = try ProcessLifetime.start(arguments, in: directory)
        var launches = 0
        while run.isRunning {
            let detached = ((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { pid_t($0) }
            launches = max(launches, detached.count)
            // At most the endpoints running now (the job's own, a disposable one, and the fresh one
            // of a case with launch words) have theirs.
            #expect(detached.filter(ProcessLifetime.isAlive).count <= 3, "strays pile up: \(detached)")
            try await Task.sleep(for: .milliseconds(100))
        }
        let stderr = (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        #expect(launches > 2, "the run should relaunch its endpoint; stderr: \(stderr.suffix(2000))")
        let detached = try String(contentsOfFile: marker, encoding: .utf8).split(separator: "\n").compactMap {
            pid_t($0)
        }
        for pid in detached { #expect(await ProcessLifetime.ends(pid, within: .seconds(1))) }
    }

    @Test func aLaunchCommandThatDaemonizesIsRefused() async throws {
        let outcome = try await CLIRunner.run([
            "probe", "--launch", "qemu-system-x86_64 -machine none -display none -daemonize",
        ])
        #expect(outcome.status == ExitStatus.runNotPossible.rawValue)
        #expect(outcome.stderr.contains("detaches (-daemonize)"), "\(outcome.stderr)")
    }

    @Test func aDescendantThatLeavesTheGroupDiesWhenTheToolEnds() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("detached.pid").path
        let script = try ProcessLifetime.script(
            in: directory, "setsid sleep 1000 & echo $! > \(marker)\nexec qemu-system-x86_64 \"$@\"")
        let outcome = try await CLIRunner.run([
            "probe", "--launch", "\(script) -machine none -display none",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let detached = try await ProcessLifetime.pid(writtenTo: marker)
        #expect(await ProcessLifetime.ends(detached, within: .seconds(2)), "the detached descendant outlived the tool")
    }
}
