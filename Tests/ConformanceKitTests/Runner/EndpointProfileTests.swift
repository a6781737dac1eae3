import Testing

@testable import ConformanceKit

/// `--target` profiles: which command each launches.
struct EndpointProfileTests {
    @Test func qemuIsTheDefaultFixtureEndpoint() {
        #expect(EndpointProfile.qemu.target(blocking: []) == .defaultLaunch)
        #expect(!LaunchedEndpoint.Configuration(command: EndpointProfile.qemu.command(blocking: [])).isTemplate)
    }

    @Test func qsdIsATemplateWithItsMonitorOnTheSocketAndTheFixtureNodes() {
        let configuration = LaunchedEndpoint.Configuration(command: EndpointProfile.qsd.command(blocking: []))
        #expect(configuration.isTemplate)
        let launched = configuration.launchCommand(socketPath: "/s/qmp.sock", scratchDirectory: "/s")
        #expect(
            Array(launched.prefix(5)) == [
                "qemu-storage-daemon", "--chardev", "socket,path=/s/qmp.sock,server=on,wait=off,id=qmp0", "--monitor",
                "chardev=qmp0",
            ])
        #expect(!launched.contains("-qmp"))
        #expect(launched.contains("driver=null-co,node-name=qmp-conform-node,size=1048576"))
    }

    @Test func profileNamesAreTheRawValues() {
        #expect(EndpointProfile.allCases.map(\.rawValue) == ["qemu", "qsd", "qga"])
    }

    @Test func qgaIsTheAgentOnTheSocketInTheScratchDirectoryWithTheBlockedCommands() {
        let configuration = LaunchedEndpoint.Configuration(
            command: EndpointProfile.qga.command(blocking: ["guest-exec", "guest-shutdown"]))
        #expect(configuration.isTemplate)
        #expect(
            configuration.launchCommand(socketPath: "/s/qmp.sock", scratchDirectory: "/s") == [
                "qemu-ga", "-m", "unix-listen", "-p", "/s/qmp.sock", "-t", "/s", "-f", "/s/qga.pid", "-b",
                "guest-exec,guest-shutdown",
            ])
        #expect(EndpointProfile.qga.dialect == .guestAgent)
        #expect(EndpointProfile.qsd.dialect == .qmp && EndpointProfile.qemu.dialect == .qmp)
    }

    @Test func theShippedPolicyBlocksEveryCommandThatChangesTheAgentsSystem() {
        let blocked = Set(Fixtures.caseDirectory.policy.beyondLaunchCommands)
        let dangerous = [
            "guest-shutdown", "guest-suspend-ram", "guest-exec", "guest-file-open", "guest-file-write",
            "guest-set-user-password", "guest-ssh-add-authorized-keys", "guest-fsfreeze-freeze", "guest-set-time",
            "guest-set-vcpus", "guest-set-memory-blocks",
        ]
        #expect(dangerous.filter { !blocked.contains($0) }.isEmpty)
        #expect(!blocked.contains("guest-ping") && !blocked.contains("guest-info"))
    }
}
