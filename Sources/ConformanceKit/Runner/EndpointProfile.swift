/// A named endpoint to launch (`--target`): a launch template with the things valid cases and
/// stateful sequences act on. It only chooses the command; launching, relaunching and disposable
/// endpoints work on it as on any `EndpointTarget.launch` command.
///
/// The guest agent (`qga`) speaks the guest-agent dialect (`dialect`) and runs on this host, so
/// its "guest" is the host: it is launched with every command the safety policy places beyond
/// launch blocked (`-b`), a second guard behind the runner's own refusal to send them valid
/// arguments.
public enum EndpointProfile: String, Sendable, Hashable, CaseIterable {
    /// The fixture endpoint, `LaunchedEndpoint.Configuration.defaultCommand` (the socket option
    /// appended).
    case qemu
    /// The storage daemon with its QMP monitor on a socket chardev at `{qmp}` and the fixture's
    /// block nodes and iothread (`qemu-storage-daemon` takes no `-qmp`).
    case qsd
    /// The guest agent, `qemu-ga -m unix-listen` at `{qmp}` with its state and pid file in
    /// `{scratch}`, not daemonized.
    case qga

    /// The storage daemon's share of the fixture: `null-co` block nodes (no host file) and an
    /// iothread, named as `cases/values.json`'s identifier role names members.
    public static let storageDaemonFixtureArguments = [
        "--blockdev", "driver=null-co,node-name=qmp-conform-node-name,size=1048576",
        "--blockdev", "driver=null-co,node-name=qmp-conform-node,size=1048576",
        "--blockdev", "driver=null-co,node-name=qmp-conform-target,size=1048576",
        "--blockdev", "driver=null-co,node-name=qmp-conform-file,size=1048576",
        "--blockdev", "driver=null-co,node-name=qmp-conform-image,size=1048576",
        "--blockdev", "driver=null-co,node-name=qmp-conform-test,size=1048576",
        "--blockdev", "driver=null-co,node-name=qmp-conform-raw,size=1048576",
        "--blockdev", "driver=null-co,node-name=qmp-conform-log,size=1048576",
        "--object", "iothread,id=qmp-conform-iothread",
    ]

    /// The dialect it speaks.
    public var dialect: QMPSession.Dialect { self == .qga ? .guestAgent : .qmp }

    /// The command it launches (a template when it names `{qmp}`).
    /// - Parameter blocked: the commands the guest agent must have disabled (the safety policy's
    ///   `beyondLaunchCommands`); the other profiles ignore it.
    /// - Returns: the command.
    public func command(blocking blocked: [String]) -> [String] {
        let (socket, scratch) = (
            LaunchedEndpoint.Configuration.socketPlaceholder, LaunchedEndpoint.Configuration.scratchPlaceholder
        )
        return switch self {
        case .qemu: LaunchedEndpoint.Configuration.defaultCommand
        case .qsd:
            [
                "qemu-storage-daemon", "--chardev",
                "socket,path=\(socket),server=on,wait=off,id=qmp0",
                "--monitor", "chardev=qmp0",
            ] + Self.storageDaemonFixtureArguments
        case .qga:
            ["qemu-ga", "-m", "unix-listen", "-p", socket, "-t", scratch, "-f", "\(scratch)/qga.pid"]
                + (blocked.isEmpty ? [] : ["-b", blocked.joined(separator: ",")])
        }
    }

    /// The target that launches it.
    /// - Parameters:
    ///   - blocked: the commands the guest agent must have disabled.
    ///   - extra: words appended to the command (`--compare-with 'target:qemu -compat ...'`).
    /// - Returns: the target.
    public func target(blocking blocked: [String], appending extra: [String] = []) -> EndpointTarget {
        .launch(command(blocking: blocked) + extra)
    }
}
