import Foundation
import Glibc
import TestSupport
import Testing

@testable import ConformanceKit

/// The built `qmp-conform`, run as a subprocess, launches a command that starts a descendant in
/// a session of its own (`setsid`): however the tool ends (SIGKILL, SIGTERM, SIGHUP, or on its own
/// after the command exited), the descendant ends too. No QEMU: the command is a `/bin/sh`
/// script. Waits are generous deadlines on /proc, never timings.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct LaunchedCommandLifetimeTests {
    /// `probe --launch` of a script that starts the detached descendant (its pid written to
    /// `marker`) and then runs `then`.
    static func probeArguments(_ directory: URL, marker: String, then: String) throws -> [String] {
        let script = try ProcessLifetime.script(
            in: directory, "setsid sh -c 'echo $$ > \(marker); exec sleep 1000' &\n\(then)")
        return ["probe", "--launch", script]
    }

    @Test(arguments: [SIGKILL, SIGTERM, SIGHUP])
    func aDetachedDescendantOfTheLaunchedCommandDiesWhenTheToolIsSignalled(_ signal: Int32) async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("detached.pid").path
        // The command stays up and never opens its socket: the tool waits in launch meanwhile.
        let tool = try ProcessLifetime.start(
            try Self.probeArguments(directory, marker: marker, then: "exec sleep 1000"), in: directory)
        let detached = try await ProcessLifetime.pid(writtenTo: marker)
        #expect(getsid(detached) == detached, "the descendant leads a session of its own")
        kill(tool.processIdentifier, signal)
        while tool.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        if signal != SIGKILL {
            #expect(tool.terminationStatus == ExitStatus.interrupted.rawValue)
        }
        #expect(
            await ProcessLifetime.ends(detached, within: .seconds(60)),
            "the detached descendant outlived the tool ended by signal \(signal)")
    }

    @Test func aDetachedDescendantOfACommandThatExitsIsGoneWhenTheToolEnds() async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("detached.pid").path
        let outcome = try await CLIRunner.run(
            try Self.probeArguments(
                directory, marker: marker, then: "while [ ! -s \(marker) ]; do sleep 0.05; done\nexit 3"))
        #expect(outcome.status == ExitStatus.runNotPossible.rawValue)
        #expect(outcome.stderr.contains("endpoint died (exit status 3)"), "\(outcome.stderr)")
        let detached = try await ProcessLifetime.pid(writtenTo: marker)
        #expect(await ProcessLifetime.ends(detached, within: .seconds(60)), "the detached descendant outlived the tool")
    }

    @Test func aDetachedDescendantOfACommandWhoseSupervisorWasKilledDiesWithTheTool() async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("detached.pid").path
        let tool = try ProcessLifetime.start(
            try Self.probeArguments(directory, marker: marker, then: "exec sleep 1000"), in: directory)
        let detached = try await ProcessLifetime.pid(writtenTo: marker)
        let supervisors = ProcessLifetime.children(of: tool.processIdentifier)
        #expect(supervisors.count == 1, "one launch, one supervisor: \(supervisors)")
        // The command dies of its parent-death signal; the descendant re-parents to the tool.
        for supervisor in supervisors { kill(supervisor, SIGKILL) }
        while tool.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(tool.terminationStatus == ExitStatus.runNotPossible.rawValue)
        #expect(
            await ProcessLifetime.ends(detached, within: .seconds(60)),
            "the detached descendant outlived its killed supervisor and the tool")
    }
}
