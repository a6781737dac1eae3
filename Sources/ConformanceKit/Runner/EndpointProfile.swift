/// A named endpoint to launch (`--target`): a launch template with the things valid cases and
/// stateful sequences act on. It only chooses the command; launching, relaunching and disposable
/// endpoints work on it as on any `EndpointTarget.launch` command.
///
/// The guest agent (`qemu-ga`) is not a profile: it sends no QMP greeting and takes no
/// `qmp_capabilities`, so a QMP client cannot negotiate with it.
public enum EndpointProfile: String, Sendable, Hashable, CaseIterable {
    /// The fixture endpoint, `LaunchedEndpoint.Configuration.defaultCommand` (the socket option
    /// appended).
    case qemu
    /// The storage daemon with its QMP monitor on a socket chardev at `{qmp}` and the fixture's
    /// block nodes and iothread (`qemu-storage-daemon` takes no `-qmp`).
    case qsd

    /// The storage daemon's share of the fixture: `null-co` block nodes (no host file) and an
    /// iothread, named as `cases/values.json`'s identifier role names members.
    public static let storageDaemonFixtureArguments = [
        "--blockdev", "driver=null-co,node-name=qmp-conform-node-name",
        "--blockdev", "driver=null-co,node-name=qmp-conform-node",
        "--blockdev", "driver=null-co,node-name=qmp-conform-target",
        "--blockdev", "driver=null-co,node-name=qmp-conform-file",
        "--blockdev", "driver=null-co,node-name=qmp-conform-image",
        "--blockdev", "driver=null-co,node-name=qmp-conform-test",
        "--blockdev", "driver=null-co,node-name=qmp-conform-raw",
        "--blockdev", "driver=null-co,node-name=qmp-conform-log",
        "--object", "iothread,id=qmp-conform-iothread",
    ]

    /// The command it launches (a template when it names `{qmp}`).
    public var command: [String] {
        switch self {
        case .qemu: LaunchedEndpoint.Configuration.defaultCommand
        case .qsd:
            [
                "qemu-storage-daemon", "--chardev",
                "socket,path=\(LaunchedEndpoint.Configuration.socketPlaceholder),server=on,wait=off,id=qmp0",
                "--monitor", "chardev=qmp0",
            ] + Self.storageDaemonFixtureArguments
        }
    }

    /// The target that launches it.
    public var target: EndpointTarget { .launch(command) }
}
