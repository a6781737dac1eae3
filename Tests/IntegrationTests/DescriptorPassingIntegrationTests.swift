import Testing

@testable import ConformanceKit

/// File descriptors passed to a launched QEMU with their request (`SCM_RIGHTS`): fdsets made by
/// `add-fd` and listed by `query-fdsets` until `remove-fd`, and `getfd` names closed by `closefd`.
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct DescriptorPassingIntegrationTests {
    static let patience = Duration.seconds(60)

    /// A running endpoint: QEMU closes a removed descriptor, and drops its emptied set, only while
    /// the guest runs (7.2's `monitor_fdset_cleanup`); the fixture's guest is stopped (`-S`).
    static let running = ["qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none"]

    @Test func addFdMakesAnFdsetThatQueryFdsetsListsUntilRemoveFdRemovesIt() async throws {
        let endpoint = LaunchedEndpoint(configuration: .init(command: Self.running))
        try await endpoint.launch()
        let file = try PassedFile(directory: try #require(await endpoint.scratchDirectory))
        let client = try await endpoint.connect()
        let added = try await client.execute(
            "add-fd", arguments: ["fdset-id": 7, "opaque": "qmp-conform"], passing: [file], timeout: Self.patience)
        #expect(added.returnValue?["fdset-id"] == 7, "\(added.raw)")
        let descriptor = try #require(added.returnValue?["fd"]?.int64Value)
        let listed = try await client.execute("query-fdsets", timeout: Self.patience)
        let fdset = listed.returnValue?.arrayValue?.first { $0["fdset-id"] == 7 }
        #expect(fdset?["fds"]?.arrayValue?.map { $0["fd"]?.int64Value } == [descriptor], "\(listed.raw)")
        #expect(fdset?["fds"]?.arrayValue?.first?["opaque"] == "qmp-conform")
        let removed = try await client.execute("remove-fd", arguments: ["fdset-id": 7], timeout: Self.patience)
        #expect(removed.returnValue != nil, "\(removed.raw)")
        let after = try await client.execute("query-fdsets", timeout: Self.patience)
        #expect(after.returnValue?.arrayValue?.contains { $0["fdset-id"] == 7 } == false, "\(after.raw)")
        let again = try await client.execute("remove-fd", arguments: ["fdset-id": 7], timeout: Self.patience)
        #expect(again.error != nil, "the set is gone: \(again.raw)")
        await endpoint.stop(using: client)
        await client.close()
    }

    @Test func getfdNamesThePassedDescriptorAndClosefdClosesIt() async throws {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let file = try PassedFile(directory: try #require(await endpoint.scratchDirectory))
        let client = try await endpoint.connect()
        let got = try await client.execute(
            "getfd", arguments: ["fdname": "qmp-conform-fd"], passing: [file], timeout: Self.patience)
        #expect(got.returnValue != nil, "\(got.raw)")
        let closed = try await client.execute(
            "closefd", arguments: ["fdname": "qmp-conform-fd"], timeout: Self.patience)
        #expect(closed.returnValue != nil, "\(closed.raw)")
        let again = try await client.execute("closefd", arguments: ["fdname": "qmp-conform-fd"], timeout: Self.patience)
        #expect(again.error != nil, "the name is gone once closed")
        await endpoint.stop(using: client)
        await client.close()
    }

    @Test func withoutADescriptorGetfdFails() async throws {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let client = try await endpoint.connect()
        let got = try await client.execute("getfd", arguments: ["fdname": "qmp-conform-fd"], timeout: Self.patience)
        #expect(got.error != nil, "QEMU needs the descriptor with the request: \(got.raw)")
        await endpoint.stop(using: client)
        await client.close()
    }
}
