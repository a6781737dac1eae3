import Testing

@testable import ConformanceKit

/// Launch templates: `{qmp}` and `{scratch}` placeholders, and when the socket option is appended.
struct LaunchedEndpointConfigurationTests {
    @Test func aCommandWithoutPlaceholdersGetsTheSocketOptionAppended() {
        let configuration = LaunchedEndpoint.Configuration(command: ["qemu-system-x86_64", "-machine", "none"])
        #expect(!configuration.isTemplate)
        #expect(
            configuration.launchCommand(socketPath: "/s/qmp.sock", scratchDirectory: "/s") == [
                "qemu-system-x86_64", "-machine", "none", "-qmp", "unix:/s/qmp.sock,server=on,wait=off",
            ])
    }

    @Test func aTemplateSaysWhereTheSocketGoesAndGetsNothingAppended() {
        let configuration = LaunchedEndpoint.Configuration(command: [
            "qemu-storage-daemon", "--chardev", "socket,path={qmp},server=on,wait=off,id=m", "--monitor", "chardev=m",
            "--pidfile", "{scratch}/pid",
        ])
        #expect(configuration.isTemplate)
        #expect(
            configuration.launchCommand(socketPath: "/s/qmp.sock", scratchDirectory: "/s") == [
                "qemu-storage-daemon", "--chardev", "socket,path=/s/qmp.sock,server=on,wait=off,id=m", "--monitor",
                "chardev=m", "--pidfile", "/s/pid",
            ])
    }

    @Test func scratchAloneIsNotATemplate() {
        let configuration = LaunchedEndpoint.Configuration(
            command: ["qemu-system-x86_64", "-object", "secret,id=s,file={scratch}/s"], socketOption: .qmp)
        #expect(!configuration.isTemplate)
        #expect(
            configuration.launchCommand(socketPath: "/t/qmp.sock", scratchDirectory: "/t") == [
                "qemu-system-x86_64", "-object", "secret,id=s,file=/t/s", "-qmp", "unix:/t/qmp.sock,server=on,wait=off",
            ])
    }
}
