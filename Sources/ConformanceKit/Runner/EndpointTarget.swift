/// Which QMP endpoint a run talks to: an existing Unix or TCP socket, or a process the run
/// launches (QEMU by default) and may relaunch.
public enum EndpointTarget: Sendable, Hashable, CustomStringConvertible {
    /// A QMP Unix socket someone else serves.
    case unixSocket(String)
    /// A QMP TCP socket (`HOST:PORT`, loopback only).
    case tcp(String)
    /// A command to launch: a template naming `{qmp}` (and perhaps `{scratch}`), or a command
    /// the QMP socket option is appended to (`LaunchedEndpoint.Configuration.launchCommand`).
    case launch([String])

    /// The embedded default: `qemu-system-x86_64 -machine none -nodefaults -display none`.
    public static let defaultLaunch = EndpointTarget.launch(LaunchedEndpoint.Configuration.defaultCommand)

    /// Whether the run owns the endpoint (and may stop, reset or relaunch it).
    public var isLaunched: Bool {
        if case .launch = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .unixSocket(let path): "unix socket \(path)"
        case .tcp(let address): "tcp \(address)"
        case .launch(let command): "launched `\(command.joined(separator: " "))`"
        }
    }
}
