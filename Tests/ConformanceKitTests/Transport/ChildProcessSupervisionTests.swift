import Foundation
import Glibc
import TestSupport
import Testing

@testable import ConformanceKit

/// A launched command under its supervisor, over real processes (`/bin/sh` scripts, no QEMU):
/// its end is what the tool sees, and what it started, even a descendant that left its session,
/// ends with it. The test process adopts no orphans, so the supervisor alone does the cleaning.
/// Waits are generous deadlines on /proc, never timings.
@Suite(.timeLimit(.minutes(2)))
struct ChildProcessSupervisionTests {
    /// A launch script that starts a descendant in a session of its own (`setsid`; its pid goes
    /// to `marker`), makes its QMP socket path exist (launch then goes on) and runs `then`.
    static func detachingEndpoint(_ directory: URL, marker: String, then: String) throws -> [String] {
        let script = try ProcessLifetime.script(
            in: directory, "setsid sh -c 'echo $$ > \(marker); exec sleep 1000' &\n: > \"$1\"\n\(then)")
        return script.split(separator: " ").map(String.init) + [LaunchedEndpoint.Configuration.socketPlaceholder]
    }

    @Test func stoppingAnEndpointKillsADescendantThatLeftItsSession() async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("detached.pid").path
        let endpoint = LaunchedEndpoint(
            configuration: .init(
                command: try Self.detachingEndpoint(directory, marker: marker, then: "exec sleep 1000")))
        try await endpoint.launch()
        let detached = try await ProcessLifetime.pid(writtenTo: marker)
        #expect(getsid(detached) == detached, "the descendant leads a session of its own")
        #expect(ProcessLifetime.isAlive(detached))
        #expect(await endpoint.stop(sendingQuit: nil) == .signaled(SIGTERM))
        #expect(
            await ProcessLifetime.ends(detached, within: .seconds(30)), "the detached descendant outlived its endpoint")
    }

    @Test func aCommandThatExitsKillsTheDescendantItLeftBehind() async throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("detached.pid").path
        let command = try Self.detachingEndpoint(
            directory, marker: marker, then: "while [ ! -s \(marker) ]; do sleep 0.05; done\nexit 3")
        let endpoint = LaunchedEndpoint(configuration: .init(command: command))
        try? await endpoint.launch()
        let detached = try await ProcessLifetime.pid(writtenTo: marker)
        // Launch may have seen the exit first and let the process go: then the status is kept.
        let waited = await endpoint.waitForExit(timeout: .seconds(30))
        let kept = await endpoint.exitStatus
        #expect((waited ?? kept) == .exited(3))
        #expect(
            await ProcessLifetime.ends(detached, within: .seconds(30)), "the detached descendant outlived its command")
        await endpoint.stop(sendingQuit: nil)
    }

    @Test(arguments: [("exit 3", EndpointExit.exited(3)), ("kill -TERM $$", .signaled(SIGTERM))])
    func theToolSeesTheCommandEndAsItEnded(_ body: String, _ expected: EndpointExit) async throws {
        let endpoint = LaunchedEndpoint(configuration: .init(command: ["/bin/sh", "-c", body, "{qmp}"]))
        await #expect(throws: TransportError.endpointDied(expected, stderrTail: "")) { try await endpoint.launch() }
    }

    @Test func aProgramThatCannotBeExecutedIsALaunchFailureWithTheErrno() async throws {
        let endpoint = LaunchedEndpoint(configuration: .init(command: ["/nonexistent/qmp-endpoint", "{qmp}"]))
        let thrown = await #expect(throws: TransportError.self) { try await endpoint.launch() }
        guard case .launchFailed(let command, let code)? = thrown else {
            Issue.record("expected a launch failure, got \(String(describing: thrown))")
            return
        }
        #expect(command.hasPrefix("/nonexistent/qmp-endpoint "))
        #expect(code == ENOENT, "the errno execve gave the command, passed on by its supervisor")
    }
}
