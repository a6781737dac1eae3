import Foundation
import Glibc
import TestSupport
import Testing

@testable import ConformanceKit

/// Integration tests against a launched QEMU; skipped (with this reason) when it is not on PATH.
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct LaunchedEndpointTests {
    @Test func launchConnectExecuteAndStop() async throws {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let directory = try #require(await endpoint.scratchDirectory)
        let client = try await endpoint.connect()
        let greeting = try #require(await client.greeting)
        #expect(greeting.qemuVersion?.major ?? 0 >= 7)
        #expect(await client.oobEnabled)
        let reply = try await client.execute("query-status", timeout: .seconds(60))
        #expect(reply.returnValue?["status"] == "prelaunch", "the fixture endpoint's guest is stopped (-S)")
        let exit = await endpoint.stop(using: client)
        #expect(exit == .exited(0))
        #expect(access(directory, F_OK) != 0)
        await client.close()
    }

    @Test func aGrandchildInTheLaunchedGroupDiesWithTheEndpoint() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("grandchild.pid").path
        let script = try ProcessLifetime.script(
            in: directory, "sleep 1000 & echo $! > \(marker)\nexec qemu-system-x86_64 \"$@\"")
        let endpoint = LaunchedEndpoint(
            configuration: .init(
                command: script.split(separator: " ").map(String.init) + ["-machine", "none", "-display", "none"]))
        try await endpoint.launch()
        let client = try await endpoint.connect()
        let grandchild = try await ProcessLifetime.pid(writtenTo: marker)
        #expect(ProcessLifetime.isAlive(grandchild))
        await endpoint.stop(using: client)
        await client.close()
        #expect(await ProcessLifetime.ends(grandchild), "the background job outlived its endpoint")
    }

    @Test(.enabled(if: LaunchedEndpoint.isOnPath("qemu-storage-daemon"), "qemu-storage-daemon is not on PATH"))
    func aTemplateLaunchesTheStorageDaemonWithItsSocketWhereTheTemplateSays() async throws {
        let endpoint = LaunchedEndpoint(
            configuration: .init(command: [
                "qemu-storage-daemon", "--chardev", "socket,path={qmp},server=on,wait=off,id=qmp0", "--monitor",
                "chardev=qmp0", "--pidfile", "{scratch}/daemon.pid",
            ]))
        try await endpoint.launch()
        let directory = try #require(await endpoint.scratchDirectory)
        let client = try await endpoint.connect()
        let reply = try await client.execute("query-named-block-nodes", timeout: .seconds(60))
        #expect(reply.returnValue != nil)
        #expect(access(directory + "/daemon.pid", F_OK) == 0, "{scratch} names the launch's scratch directory")
        await endpoint.stop(using: client)
        await client.close()
        #expect(access(directory, F_OK) != 0)
    }

    @Test func aCommandThatDaemonizesIsRefusedBeforeItStarts() async {
        let endpoint = LaunchedEndpoint(
            configuration: .init(command: LaunchedEndpoint.Configuration.defaultCommand + ["-daemonize"]))
        await #expect(throws: TransportError.commandDetaches(option: "-daemonize")) { try await endpoint.launch() }
        #expect(await endpoint.processID == nil)
        #expect(await endpoint.scratchDirectory == nil)
    }

    @Test func killingTheEndpointMidCommandReportsItsDeathThenRelaunchWorks() async throws {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let client = try await endpoint.connect()
        // `query-qmp-schema` keeps QEMU busy for a while; kill it meanwhile.
        let pending = Task { try await client.execute("query-qmp-schema", timeout: .seconds(60)) }
        await endpoint.kill(SIGKILL)
        do {
            _ = try await pending.value
            // The reply may have won the race; the next command must then see the death.
            _ = try await client.execute("query-status", timeout: .seconds(60))
            Issue.record("expected the endpoint to be dead")
        } catch let error as QMPProtocolError {
            guard case .transport(.endpointDied(let exit, _)) = error else {
                Issue.record("expected endpointDied, got \(error)")
                return
            }
            #expect(exit == .signaled(SIGKILL))
        }
        await client.close()
        try await endpoint.relaunch()
        let again = try await endpoint.connect()
        #expect(try await again.execute("query-status", timeout: .seconds(60)).isSuccess)
        await endpoint.stop(using: again)
        await again.close()
    }

    @Test func theSchemaReplyFitsTheDefaultLimitAndASmallerLimitFailsOnlyThatReply() async throws {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let client = try await endpoint.connect()
        let schema = try await client.execute("query-qmp-schema", timeout: .seconds(60))
        #expect((schema.returnValue?.arrayValue?.count ?? 0) > 1000)
        await client.close()
        let small = try await endpoint.connect(options: .init(maximumMessageSize: 100_000))
        await #expect(throws: QMPProtocolError.messageTooLarge(limit: 100_000)) {
            try await small.execute("query-qmp-schema", timeout: .seconds(60))
        }
        #expect(try await small.execute("query-status", timeout: .seconds(60)).isSuccess)
        await endpoint.stop(using: small)
        await small.close()
    }

    @Test func aCommandThatExitsAtOnceReportsItsStatusAndStderr() async throws {
        let endpoint = LaunchedEndpoint(
            configuration: .init(command: ["qemu-system-x86_64", "-machine", "bogus-machine"]))
        await #expect {
            try await endpoint.launch()
        } throws: { error in
            guard case TransportError.endpointDied(.exited(let status), let tail) = error else { return false }
            return status != 0 && tail.contains("machine")
        }
    }

    @Test func aMissingProgramIsALaunchFailure() async {
        let endpoint = LaunchedEndpoint(configuration: .init(command: ["qmp-conform-no-such-program"]))
        await #expect {
            try await endpoint.launch()
        } throws: { error in
            guard case TransportError.launchFailed(_, let code) = error else { return false }
            return code == ENOENT
        }
        #expect(await endpoint.scratchDirectory == nil)
    }
}
