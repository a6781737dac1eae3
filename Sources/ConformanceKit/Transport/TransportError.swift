/// Why a transport operation failed; carries the errno where a system call failed.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `connect` failed (`ECONNREFUSED`: nothing listening; `ENOENT`: no socket file).
    case connectFailed(address: String, errno: Int32)
    /// The address is not one this tool may use (only loopback and local Unix sockets).
    case addressNotAllowed(String)
    /// The address could not be understood (bad host:port, path too long for `sun_path`).
    case invalidAddress(String)
    /// A socket call other than connect/send/recv failed.
    case socketFailed(operation: String, errno: Int32)
    /// `send` failed (`EPIPE`, `ECONNRESET`, ...).
    case sendFailed(errno: Int32)
    /// The endpoint stopped reading: a write could not finish by its deadline; `sent` of
    /// `total` bytes went out in `elapsed`. The stream now ends mid-message, so the connection
    /// cannot carry another one.
    case sendTimedOut(sent: Int, of: Int, after: Duration)
    /// `recv` failed.
    case receiveFailed(errno: Int32)
    /// The transport was closed by us.
    case closed
    /// The endpoint process could not be started.
    case launchFailed(command: String, errno: Int32)
    /// The endpoint's QMP socket did not appear in time.
    case socketNotReady(path: String, after: Duration, stderrTail: String)
    /// The endpoint process exited (or was killed) while we needed it.
    case endpointDied(EndpointExit, stderrTail: String)
    /// The launch command asks to detach (e.g. QEMU's `-daemonize`): the run could neither see
    /// the endpoint exit nor stop it, so it is refused before anything starts.
    case commandDetaches(option: String)
    /// The task waiting (to launch or connect) was cancelled: the run is being interrupted.
    case cancelled
    /// A request carries a file descriptor (`SCM_RIGHTS`), which only a Unix socket can pass;
    /// the endpoint is at this other address.
    case descriptorPassingNeedsUnixSocket(address: String)
    /// The file to pass is not a plain name inside a scratch directory.
    case passedFileNotAllowed(path: String)
    /// The file to pass could not be opened.
    case passedFileUnavailable(path: String, errno: Int32)

    /// A one-line human-readable rendering, with control characters (from the endpoint's
    /// stderr) escaped, so it is safe to print.
    public var description: String { TextEscaping.terminal(text) }

    private var text: String {
        switch self {
        case .connectFailed(let address, let errno): "cannot connect to \(address): \(errnoName(errno))"
        case .addressNotAllowed(let address): "address \(address) is not loopback or a local Unix socket"
        case .invalidAddress(let address): "invalid address \(address)"
        case .socketFailed(let operation, let errno): "\(operation) failed: \(errnoName(errno))"
        case .sendFailed(let errno): "send failed: \(errnoName(errno))"
        case .sendTimedOut(let sent, let total, let elapsed):
            "endpoint stopped reading: \(sent) of \(total) bytes sent in \(milliseconds(elapsed)) ms"
        case .receiveFailed(let errno): "receive failed: \(errnoName(errno))"
        case .closed: "transport closed"
        case .launchFailed(let command, let errno): "cannot launch \(command): \(errnoName(errno))"
        case .socketNotReady(let path, let after, let tail):
            "QMP socket \(path) not ready after \(after)" + (tail.isEmpty ? "" : "; stderr: \(tail)")
        case .endpointDied(let exit, let tail): "endpoint died (\(exit))" + (tail.isEmpty ? "" : "; stderr: \(tail)")
        case .commandDetaches(let option):
            "the launch command detaches (\(option)), so the run could not stop it; drop \(option): "
                + "qmp-conform runs the endpoint in the background itself"
        case .cancelled: "cancelled (the run is being interrupted)"
        case .descriptorPassingNeedsUnixSocket(let address):
            "cannot pass a file descriptor to \(address): passing one (SCM_RIGHTS) needs a Unix socket; "
                + "reach the endpoint with --socket PATH or let the run launch it"
        case .passedFileNotAllowed(let path):
            "will not pass \(path): only a file directly inside the run's scratch directory is passed"
        case .passedFileUnavailable(let path, let errno): "cannot open \(path) to pass it: \(errnoName(errno))"
        }
    }
}

/// How an endpoint process ended.
public enum EndpointExit: Sendable, Hashable, CustomStringConvertible {
    /// It exited with this status.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// A one-line human-readable rendering.
    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// A duration in whole milliseconds, for messages.
private func milliseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
}

/// `errno` as a short name with its number, e.g. `ECONNREFUSED (111)`.
func errnoName(_ code: Int32) -> String {
    let names: [Int32: String] = [
        1: "EPERM", 2: "ENOENT", 4: "EINTR", 9: "EBADF", 11: "EAGAIN", 13: "EACCES", 22: "EINVAL",
        32: "EPIPE", 104: "ECONNRESET", 110: "ETIMEDOUT", 111: "ECONNREFUSED", 113: "EHOSTUNREACH",
    ]
    return "\(names[code] ?? "errno") (\(code))"
}
