import Testing

@testable import ConformanceKit

/// QEMU 7.2 passes every built-in protocol check (skipped when QEMU is not on PATH).
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct ProtocolChecksIntegrationTests {
    @Test func launchedQEMUPassesEveryProtocolCheck() async throws {
        // A running guest, as the runner gives the checks that change the run state.
        let endpoint = LaunchedEndpoint(
            configuration: .init(command: Runner.runningCommand(LaunchedEndpoint.Configuration.defaultCommand)))
        try await endpoint.launch()
        let results = await ProtocolChecks.runAll(connector: ProtocolChecks.connector(for: endpoint))
        await endpoint.stop()
        #expect(results.count == ProtocolChecks.all(for: .qmp).count)
        for result in results {
            #expect(result.outcome == .passed, "\(result.name): \(result.detail)\n\(result.transcript)")
            print("\(result.name) [\(result.section)] \(result.outcome): \(result.detail)")
        }
    }

    @Test(.enabled(if: LaunchedEndpoint.isOnPath("qemu-storage-daemon"), "qemu-storage-daemon is not on PATH"))
    func theStorageDaemonPassesOrSkipsEveryProtocolCheck() async throws {
        let endpoint = LaunchedEndpoint(
            configuration: .init(command: ["qemu-storage-daemon"], socketOption: .chardevMonitor))
        try await endpoint.launch()
        let results = await ProtocolChecks.runAll(connector: ProtocolChecks.connector(for: endpoint))
        await endpoint.stop()
        for result in results {
            #expect(result.outcome != .failed, "\(result.name): \(result.detail)\n\(result.transcript)")
            print("storage daemon: \(result.name) \(result.outcome): \(result.detail)")
        }
        // No stop/cont, and no harmless allow-oob command (migrate-pause) in its schema.
        #expect(
            results.filter { $0.outcome == .skipped }.map(\.name) == ["event-shape", "oob-accepted-with-capability"])
    }
}
