import Testing

@testable import ConformanceKit

/// `--target` profiles: which command each launches.
struct EndpointProfileTests {
    @Test func qemuIsTheDefaultFixtureEndpoint() {
        #expect(EndpointProfile.qemu.target == .defaultLaunch)
        #expect(!LaunchedEndpoint.Configuration(command: EndpointProfile.qemu.command).isTemplate)
    }

    @Test func qsdIsATemplateWithItsMonitorOnTheSocketAndTheFixtureNodes() {
        let configuration = LaunchedEndpoint.Configuration(command: EndpointProfile.qsd.command)
        #expect(configuration.isTemplate)
        let launched = configuration.launchCommand(socketPath: "/s/qmp.sock", scratchDirectory: "/s")
        #expect(
            Array(launched.prefix(5)) == [
                "qemu-storage-daemon", "--chardev", "socket,path=/s/qmp.sock,server=on,wait=off,id=qmp0", "--monitor",
                "chardev=qmp0",
            ])
        #expect(!launched.contains("-qmp"))
        #expect(launched.contains("driver=null-co,node-name=qmp-conform-node"))
    }

    @Test func profileNamesAreTheRawValues() {
        #expect(EndpointProfile.allCases.map(\.rawValue) == ["qemu", "qsd"])
    }
}
