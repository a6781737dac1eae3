import Foundation
import Glibc

/// A QMP server this tool starts and owns: by default the fixture endpoint
/// `qemu-system-x86_64 -machine pc -S -nodefaults -display none` plus `fixtureArguments`, with
/// `-qmp unix:<scratch>/qmp.sock,server=on,wait=off` appended (or the storage daemon's
/// `--chardev ... --monitor ...`, see `SocketOption`). A command may instead be a template: its
/// `{qmp}` placeholders become the socket path and `{scratch}` the scratch directory, and a
/// command naming `{qmp}` gets nothing appended (it says where the socket goes).
///
/// Each launch gets a private scratch directory (`mkdtemp` under /tmp, removed on stop) that is
/// also the process's working directory. stderr is captured (a bounded tail); the exit status is
/// known as soon as the process ends, and a connection to a dead endpoint reports
/// `TransportError.endpointDied` with that status and the stderr tail. `stop()` sends `quit`,
/// then SIGTERM, then SIGKILL to the process group, and always reaps. Whatever the command started
/// (its group, and descendants that left it with `setsid` or a double fork) ends with it, and all
/// of it ends with the tool, even a tool killed outright (see `ChildProcess`: a supervisor
/// process); a command that would detach itself (`-daemonize`) is refused. Launching and connecting end at once
/// when the task is cancelled. It does not judge anything the endpoint says.
public actor LaunchedEndpoint {
    /// How the QMP socket is asked for on the command line.
    public enum SocketOption: Sendable, Hashable {
        /// `-qmp unix:PATH,server=on,wait=off` (`qemu-system-*`).
        case qmp
        /// `--chardev socket,path=PATH,server=on,wait=off,id=qmp-conform --monitor chardev=qmp-conform`
        /// (`qemu-storage-daemon`).
        case chardevMonitor

        /// The arguments for a socket at `path`.
        /// - Parameter path: the socket path.
        /// - Returns: the arguments to append.
        public func arguments(socketPath path: String) -> [String] {
            switch self {
            case .qmp: ["-qmp", "unix:\(path),server=on,wait=off"]
            case .chardevMonitor:
                [
                    "--chardev", "socket,path=\(path),server=on,wait=off,id=qmp-conform", "--monitor",
                    "chardev=qmp-conform",
                ]
            }
        }
    }

    /// What to launch and how long to wait.
    public struct Configuration: Sendable, Hashable {
        /// The placeholder a command template uses for the QMP socket path.
        public static let socketPlaceholder = "{qmp}"
        /// The placeholder a command template uses for the launch's scratch directory.
        public static let scratchPlaceholder = "{scratch}"

        /// The command: a template with `{qmp}` (and perhaps `{scratch}`) placeholders, or the
        /// words before the appended QMP socket option.
        public var command: [String]
        /// How to ask for the QMP socket.
        public var socketOption: SocketOption
        /// How long launch may take until the QMP socket exists: generous, since QEMU takes a
        /// quarter of a second on a quiet machine and many seconds on one busy with other
        /// launches and builds; only a launch that never gets there waits it out.
        public var startTimeout: Duration
        /// How long each stop step (quit, SIGTERM) waits for the process to exit.
        public var stopStepTimeout: Duration
        /// How many bytes of stderr to keep.
        public var stderrTailLimit: Int

        /// The default command: the fixture endpoint, the target's default machine stopped before
        /// the guest runs, with `fixtureArguments`.
        public static let defaultCommand =
            ["qemu-system-x86_64", "-machine", "pc", "-S", "-nodefaults", "-display", "none"] + fixtureArguments

        /// What the fixture endpoint holds, so that queries return real data and valid cases
        /// find what they name: each thing is named as `cases/values.json`'s identifier role names
        /// members (`qmp-conform-<member>`). Scratch-only and loopback-only: 1 MiB `null-co` block
        /// nodes (also under the names of `BlockdevRef` members, `file`, `image`, `test`, `raw`,
        /// `log`, which values.json's reference role gives them) and a 1 MiB raw drive over
        /// `null-co` named as block commands' `device` (no host file; raw, so that a backup or
        /// mirror can create its target image in the scratch directory), a user-mode netdev
        /// without forwarding (no host socket), `null` and `ringbuf` chardevs, a RAM memory
        /// backend, an iothread, a throttle group for throttle nodes, a USB controller for
        /// hot-plug, a balloon, a VM generation id, a VGA display (a console for screendumps), and
        /// a VNC display that listens nowhere (passwords on). No TLS credentials: making their
        /// Diffie-Hellman parameters takes a third of a second at every launch. No rocker switch:
        /// with one, QEMU 7.2 dies saving device state (`xen-save-devices-state`); the rocker
        /// queries get endpoints of their own (`cases/resources.json`'s `launch`).
        public static let fixtureArguments = [
            "-blockdev", "driver=null-co,node-name=qmp-conform-node-name,size=1048576",
            "-blockdev", "driver=null-co,node-name=qmp-conform-node,size=1048576",
            "-blockdev", "driver=null-co,node-name=qmp-conform-target,size=1048576",
            "-blockdev", "driver=null-co,node-name=qmp-conform-file,size=1048576",
            "-blockdev", "driver=null-co,node-name=qmp-conform-image,size=1048576",
            "-blockdev", "driver=null-co,node-name=qmp-conform-test,size=1048576",
            "-blockdev", "driver=null-co,node-name=qmp-conform-raw,size=1048576",
            "-blockdev", "driver=null-co,node-name=qmp-conform-log,size=1048576",
            "-drive", "if=none,id=qmp-conform-device,driver=raw,file.driver=null-co,file.size=1048576",
            "-device", "virtio-blk-pci,drive=qmp-conform-device,id=qmp-conform-device",
            "-device", "ide-cd,id=qmp-conform-id",
            "-device", "qemu-xhci,id=qmp-conform-usb",
            "-netdev", "user,id=qmp-conform-netdev",
            "-device", "virtio-net-pci,netdev=qmp-conform-netdev,id=qmp-conform-name",
            "-chardev", "null,id=qmp-conform-chardev",
            "-chardev", "null,id=qmp-conform-id",
            "-chardev", "ringbuf,id=qmp-conform-device",
            "-object", "memory-backend-ram,id=qmp-conform-memdev,size=1048576",
            "-object", "iothread,id=qmp-conform-iothread",
            "-object", "throttle-group,id=qmp-conform-throttle-group",
            "-device", "virtio-balloon-pci,id=qmp-conform-balloon",
            "-device", "vmgenid",
            "-device", "VGA,id=qmp-conform-display",
            "-vnc", "none,password=on",
        ]

        /// Whether the command says where the QMP socket goes (names `{qmp}`), so that no socket
        /// option is appended.
        public var isTemplate: Bool { command.contains { $0.contains(Self.socketPlaceholder) } }

        /// The command as launched: placeholders replaced, and the socket option appended unless
        /// the command is a template.
        /// - Parameters:
        ///   - socketPath: the QMP socket path.
        ///   - scratchDirectory: the launch's scratch directory.
        /// - Returns: the program and its arguments.
        public func launchCommand(socketPath: String, scratchDirectory: String) -> [String] {
            let expanded = command.map {
                $0.replacingOccurrences(of: Self.socketPlaceholder, with: socketPath)
                    .replacingOccurrences(of: Self.scratchPlaceholder, with: scratchDirectory)
            }
            return isTemplate ? expanded : expanded + socketOption.arguments(socketPath: socketPath)
        }

        /// Creates a configuration.
        /// - Parameters:
        ///   - command: the command (program first, found on PATH); a template when it names `{qmp}`.
        ///   - socketOption: how to ask for the QMP socket.
        ///   - startTimeout: launch deadline.
        ///   - stopStepTimeout: per-step stop deadline.
        ///   - stderrTailLimit: stderr bytes kept.
        public init(
            command: [String] = Configuration.defaultCommand,
            socketOption: SocketOption = .qmp,
            startTimeout: Duration = .seconds(30),
            stopStepTimeout: Duration = .seconds(2),
            stderrTailLimit: Int = 4096
        ) {
            self.command = command
            self.socketOption = socketOption
            self.startTimeout = startTimeout
            self.stopStepTimeout = stopStepTimeout
            self.stderrTailLimit = stderrTailLimit
        }
    }

    /// The configuration.
    public nonisolated let configuration: Configuration
    private var process: ChildProcess?
    private var scratch: String?
    private var lastExit: EndpointExit?

    /// Creates an endpoint; nothing runs until `launch()`.
    /// - Parameter configuration: what to launch.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    deinit {
        // Never leave a running endpoint or its scratch directory behind an abandoned value.
        process?.signal(SIGKILL)
        process?.release()
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// The QMP socket path of the current launch.
    public var socketPath: String? { scratch.map { $0 + "/qmp.sock" } }
    /// The scratch directory of the current launch.
    public var scratchDirectory: String? { scratch }
    /// The process id of the current launch.
    public var processID: Int32? { process?.pid }
    /// How the current launch ended, if it has.
    public var exitStatus: EndpointExit? { process?.exitStatus ?? lastExit }
    /// Whether a launched process is still running.
    public var isRunning: Bool { process != nil && process?.exitStatus == nil }
    /// The last bytes the process wrote to stderr.
    public var stderrTail: String { process?.stderrTail ?? "" }

    /// Whether a program is on PATH (for skipping integration tests with a reason).
    /// - Parameter program: the program name.
    /// - Returns: whether an executable file of that name is on PATH.
    public nonisolated static func isOnPath(_ program: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }

    /// Starts the process and waits until its QMP socket exists.
    /// - Throws: `.launchFailed` (errno), `.endpointDied` (it exited during start), or
    ///   `.socketNotReady`; the scratch directory is removed on failure.
    public func launch() async throws(TransportError) {
        if isRunning { return }
        if let option = configuration.command.first(where: Self.detachingOptions.contains) {
            throw .commandDetaches(option: option)
        }
        await cleanUp()
        lastExit = nil
        var template = Array("/tmp/qmp-conform-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw .launchFailed(command: "mkdtemp", errno: errno)
        }
        let directory = String(cString: created)
        scratch = directory
        // Who made it, so that a later run can remove it if this process is killed (SIGKILL).
        FileManager.default.createFile(
            atPath: directory + "/" + Self.ownerFile,
            contents: ChildProcess.identity(of: getpid()).map { Data($0.utf8) })
        let socket = directory + "/qmp.sock"
        let command = configuration.launchCommand(socketPath: socket, scratchDirectory: directory)
        do {
            process = try await ChildProcess.spawn(
                command, in: directory, stderrTailLimit: configuration.stderrTailLimit)
        } catch {
            await cleanUp()
            throw error
        }
        let deadline = ContinuousClock.now + configuration.startTimeout
        while access(socket, F_OK) != 0 {
            if let process, let exit = process.exitStatus {
                let tail = await process.finalStderrTail()
                await cleanUp()
                throw .endpointDied(exit, stderrTail: tail)
            }
            if ContinuousClock.now >= deadline {
                let tail = stderrTail
                await stop(sendingQuit: nil)
                throw .socketNotReady(path: socket, after: configuration.startTimeout, stderrTail: tail)
            }
            if Task.isCancelled {
                await stop(sendingQuit: nil)
                throw .cancelled
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Opens a transport to the QMP socket; its end of stream becomes `.endpointDied` when the
    /// process has exited.
    /// - Parameter timeout: how long to keep trying (the socket may not listen yet).
    /// - Returns: the transport.
    /// - Throws: `.endpointDied`, `.connectFailed`, or `.closed` when not launched.
    public func connectTransport(timeout: Duration = .seconds(5)) async throws(TransportError) -> UnixSocketTransport {
        guard let process, let path = socketPath else { throw .closed }
        let probe: @Sendable () async -> TransportError? = {
            guard let exit = await process.waitForExit(timeout: .seconds(2)) else { return nil }
            return .endpointDied(exit, stderrTail: process.stderrTail)
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let exit = process.exitStatus { throw .endpointDied(exit, stderrTail: await process.finalStderrTail()) }
            do {
                return try await UnixSocketTransport.connect(path: path, timeout: timeout, diagnoseEnd: probe)
            } catch {
                guard case .connectFailed(_, let code) = error, code == ECONNREFUSED || code == ENOENT,
                    ContinuousClock.now < deadline
                else { throw error }
                if Task.isCancelled { throw .cancelled }
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    /// Waits for the process to exit.
    /// - Parameter timeout: how long to wait.
    /// - Returns: how it ended, or `nil` if it is still running (or was never launched).
    public func waitForExit(timeout: Duration) async -> EndpointExit? {
        await process?.waitForExit(timeout: timeout)
    }

    /// Sends a signal to the process (e.g. `SIGKILL` in a test of death detection).
    /// - Parameter signal: the signal number.
    public func kill(_ signal: Int32) { process?.signal(signal) }

    /// Stops the process: `quit` (when the caller can send it; `LaunchedEndpoint+QMP` sends it
    /// over QMP), then SIGTERM, then SIGKILL; always reaped; the scratch directory is removed.
    /// - Parameter quit: sends `quit` within a timeout and says whether it went out; nil to go
    ///   straight to the signals.
    /// - Returns: how it ended (`nil` if never launched).
    @discardableResult
    public func stop(sendingQuit quit: (@Sendable (_ timeout: Duration) async -> Bool)?) async -> EndpointExit? {
        guard let process else {
            await cleanUp()
            return nil
        }
        var exit = process.exitStatus
        if exit == nil {
            let quitSent = await quit?(configuration.stopStepTimeout) ?? false
            // `quit` may also end the connection before its reply: then the exit is on its way.
            exit = await process.waitForExit(timeout: quitSent ? configuration.stopStepTimeout : .milliseconds(50))
        }
        if exit == nil {
            process.signal(SIGTERM)
            exit = await process.waitForExit(timeout: configuration.stopStepTimeout)
        }
        if exit == nil {
            process.signal(SIGKILL)
            exit = await process.waitForExit(timeout: .seconds(30))
        }
        process.release()
        await ChildProcess.killStrayChildren()
        await cleanUp()
        return exit
    }

    /// The file in a scratch directory naming the process that made it (`ChildProcess.identity`).
    static let ownerFile = "owner"

    /// Removes the scratch directories (`/tmp/qmp-conform-XXXXXX`) whose owner process no longer
    /// runs: what a killed run (SIGKILL, power loss) could not remove itself. Directories without
    /// an owner file are left alone. For the CLI, at start.
    /// - Returns: the directories removed.
    @discardableResult
    public nonisolated static func removeAbandonedScratchDirectories() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        return names.filter { $0.hasPrefix("qmp-conform-") && $0.count == "qmp-conform-XXXXXX".count }.compactMap {
            let directory = "/tmp/" + $0
            guard let owner = try? String(contentsOfFile: directory + "/" + ownerFile, encoding: .utf8),
                let pid = pid_t(owner.prefix { $0 != ":" }), ChildProcess.identity(of: pid) != owner
            else { return nil }
            return (try? FileManager.default.removeItem(atPath: directory)) == nil ? nil : directory
        }
    }

    /// Options that make a command detach from the process that started it.
    static let detachingOptions: Set<String> = ["-daemonize", "--daemonize"]

    /// Stops (if running) and launches again, in a new scratch directory.
    /// - Throws: as `launch()`.
    public func relaunch() async throws(TransportError) {
        await stop(sendingQuit: nil)
        try await launch()
    }

    private func cleanUp() async {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
        scratch = nil
        if let exit = process?.exitStatus {
            lastExit = exit
            process = nil
        }
    }
}
