import Dispatch
import Foundation
import Glibc

/// A launched process whose whole tree dies with the tool, however the tool ends.
///
/// The tool forks (on the one long-lived `Spawner` thread) a supervisor, which forks the command
/// (see `ChildImage.supervise`):
///
///     tool ── supervisor (own group, child subreaper, holds the lifeline's read end)
///                 └── command (own group, PR_SET_PDEATHSIG = SIGKILL from the supervisor)
///                         └── its descendants; a `setsid` one that is orphaned re-parents to
///                             the supervisor, not to init
///
/// The supervisor ends when the command does, or when the lifeline closes: the tool lets it go
/// (`release()`) or dies, even by SIGKILL, since only the tool holds the write end. Either way it
/// first kills the command's group and every descendant re-parented to it, so nothing the command
/// started outlives it, and then ends as the command ended; the tool's `waitpid` on the
/// supervisor therefore reports the command's exit, and a reaper blocks in it on its own queue, so
/// the exit status is known as soon as the command (and its leftovers) ended. If the supervisor
/// itself is killed, the command dies by its parent-death signal and its detached descendants
/// re-parent to the tool when the tool adopts orphans (the CLI: `adoptOrphanedDescendants()`,
/// `killStrayChildren()`). Signals go to the command's group directly. The command has stdin and
/// stdout on /dev/null, stderr captured (a bounded tail), no inherited descriptors beyond 0-2,
/// default signal dispositions and an empty mask. Between fork and exec the children make only
/// async-signal-safe calls on memory prepared before the fork.
package final class ChildProcess: @unchecked Sendable {
    /// The command's pid, also its process group.
    let pid: pid_t
    let command: [String]
    /// Its supervisor, the tool's child: what the tool waits for.
    private let supervisor: pid_t
    /// The write end of the supervisor's lifeline.
    private let lifeline: Int32
    private let lock = NSLock()
    private var exit: EndpointExit?
    private var exitWaiters: [Int: CheckedContinuation<EndpointExit?, Never>] = [:]
    private var nextToken = 0
    private var released = false
    private var tail: [UInt8] = []
    private var stderrClosed = false
    private let tailLimit: Int
    private let reaper = DispatchQueue(label: "qmp-conform.process.reaper")
    private let stderrReader = DispatchQueue(label: "qmp-conform.process.stderr")

    private init(_ launch: Launch.Started, command: [String], tailLimit: Int) {
        pid = launch.pid
        supervisor = launch.supervisor
        lifeline = launch.lifeline
        let stderrFD = launch.stderrFD
        self.command = command
        self.tailLimit = tailLimit
        stderrReader.async { [self] in readStderr(stderrFD) }
        reaper.async { [self] in reap() }
    }

    deinit {
        // Reaped but never released (its endpoint value was dropped): let the supervisor go.
        if !released { Glibc.close(lifeline) }
    }

    /// Spawns `command` in `directory`.
    /// - Parameters:
    ///   - command: the program (found on PATH unless it has a `/`) and its arguments.
    ///   - directory: the working directory.
    ///   - stderrTailLimit: how many bytes of stderr to keep.
    /// - Returns: the running process.
    /// - Throws: `TransportError.launchFailed` with the errno of the step that failed (`ENOENT`
    ///   when the program is not found, the errno `execve` or `chdir` gave in the child, `ECHILD`
    ///   when the supervisor died before it said).
    static func spawn(_ command: [String], in directory: String, stderrTailLimit: Int) async throws(TransportError)
        -> ChildProcess
    {
        let name = command.joined(separator: " ")
        guard let program = command.first else { throw .launchFailed(command: name, errno: EINVAL) }
        guard let path = executablePath(program) else { throw .launchFailed(command: name, errno: ENOENT) }
        let image = ChildImage(path: path, arguments: command, directory: directory)
        defer { image.release() }
        // Pipes are made on the spawner thread too, so no fork of ours inherits another's.
        let launch = await Spawner.shared.run { forkSupervisor(image) }
        switch launch {
        case .started(let started): return ChildProcess(started, command: command, tailLimit: stderrTailLimit)
        case .failed(let code): throw .launchFailed(command: name, errno: code)
        }
    }

    /// What forking the supervisor gave.
    private enum Launch {
        /// The command runs.
        struct Started {
            /// The command's pid.
            var pid: pid_t
            /// Its supervisor's pid.
            var supervisor: pid_t
            /// The read end of the command's stderr.
            var stderrFD: Int32
            /// The write end of the supervisor's lifeline.
            var lifeline: Int32
        }

        case started(Started)
        /// A step failed with this errno (the supervisor, if forked, was reaped).
        case failed(Int32)
    }

    /// Forks the supervisor of `image` (on the spawner thread) and waits until it reports the
    /// command's pid (the command has exec'd) or the errno of the step that failed.
    private static func forkSupervisor(_ image: ChildImage) -> Launch {
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else {
                let code = errno
                for fd in pipes.joined() { Glibc.close(fd) }
                return .failed(code)
            }
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(ends)
        }
        let (stderrPipe, statusPipe, lifeline) = (pipes[0], pipes[1], pipes[2])
        let pid = fork()
        if pid == 0 { image.supervise(stderr: stderrPipe[1], status: statusPipe[1], lifeline: lifeline[0]) }
        let forkError = errno
        if pid > 0 { Spawner.shared.track(pid) }
        for fd in [statusPipe[1], stderrPipe[1], lifeline[0]] { Glibc.close(fd) }
        defer { Glibc.close(statusPipe[0]) }
        guard pid > 0 else {
            for fd in [stderrPipe[0], lifeline[1]] { Glibc.close(fd) }
            return .failed(forkError)
        }
        var message: (pid_t, Int32) = (-1, ECHILD)
        var count: Int
        repeat {
            count = withUnsafeMutableBytes(of: &message) { read(statusPipe[0], $0.baseAddress, $0.count) }
        } while count < 0 && errno == EINTR
        guard count == MemoryLayout<(pid_t, Int32)>.size, message.0 > 0 else {
            for fd in [stderrPipe[0], lifeline[1]] { Glibc.close(fd) }
            reapSupervisor(pid)
            return .failed(count == MemoryLayout<(pid_t, Int32)>.size ? message.1 : ECHILD)
        }
        return .started(
            Launch.Started(pid: message.0, supervisor: pid, stderrFD: stderrPipe[0], lifeline: lifeline[1]))
    }

    /// Makes this process the reaper of its orphaned descendants (`PR_SET_CHILD_SUBREAPER`):
    /// should a supervisor be killed outright, a launched command's descendant that detached
    /// (double fork, `setsid`) is re-parented here instead of to init, where
    /// `killStrayChildren()` finds it. For the CLI, at start.
    package static func adoptOrphanedDescendants() {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(nil, "prctl") else { return }
        Spawner.shared.isAdopting =
            unsafeBitCast(symbol, to: Prctl.self)(ChildImage.setChildSubreaper, 1, 0, 0, 0) == 0
    }

    /// Kills and reaps every child of this process that is not a tracked supervisor (with its
    /// process group), repeating while killing one re-parents its own children here:
    /// descendants of a command whose supervisor was killed. Does nothing unless the process adopts
    /// orphans (the CLI), since elsewhere (a test runner) other children are not strays. Runs
    /// on the spawner thread, so no endpoint is forked meanwhile. `LaunchedEndpoint.stop()`
    /// calls it; the CLI once more at exit.
    /// - Returns: how many processes were killed.
    @discardableResult
    package static func killStrayChildren() async -> Int {
        guard Spawner.shared.isAdopting else { return 0 }
        return await Spawner.shared.run {
            var killed = 0
            for _ in 0..<16 {
                let tracked = Spawner.shared.tracked
                let strays = children().filter { !tracked.contains($0) }
                if strays.isEmpty { break }
                for child in strays {
                    _ = kill(-child, SIGKILL)
                    _ = kill(child, SIGKILL)
                    var status: Int32 = 0
                    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                    killed += 1
                }
            }
            return killed
        }
    }

    /// Waits for a supervisor whose command did not start and stops tracking it.
    private static func reapSupervisor(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Spawner.shared.untrack(pid)
    }

    /// The pids whose parent is this process, from /proc.
    private static func children() -> [pid_t] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), let fields = statFields(of: pid), fields.count > 1 else { return nil }
            return pid_t(fields[1]) == me ? pid : nil
        }
    }

    /// A process's identity across pid reuse: `<pid>:<start time>` (field 22 of /proc stat), or
    /// nil when no such process runs.
    /// - Parameter pid: the process.
    /// - Returns: the identity.
    static func identity(of pid: pid_t) -> String? {
        guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
        return "\(pid):\(fields[19])"
    }

    /// The fields of `/proc/<pid>/stat` after the command name (which may hold spaces): the
    /// first is the state (field 3), the second the parent pid.
    private static func statFields(of pid: pid_t) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// The file `execve` runs: `program` itself when it names a path, else the first executable
    /// of that name on PATH.
    static func executablePath(_ program: String) -> String? {
        if program.contains("/") { return program }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { access($0, X_OK) == 0 }
    }

    /// Waits for the supervisor, which ends as the command ended once the command's tree is gone.
    private func reap() {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(supervisor, &status, 0) } while result < 0 && errno == EINTR
        Spawner.shared.untrack(supervisor)
        let ended: EndpointExit
        if result < 0 {
            ended = .exited(-1)
        } else if status & 0x7f == 0 {
            ended = .exited((status >> 8) & 0xff)
        } else {
            ended = .signaled(status & 0x7f)
        }
        let waiters = lock.withLock {
            exit = ended
            defer { exitWaiters = [:] }
            return exitWaiters.values
        }
        for waiter in waiters { waiter.resume(returning: ended) }
    }

    private func readStderr(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            lock.withLock {
                tail.append(contentsOf: buffer[0..<count])
                if tail.count > tailLimit { tail.removeFirst(tail.count - tailLimit) }
            }
        }
        Glibc.close(fd)
        lock.withLock { stderrClosed = true }
    }

    /// The stderr tail of a process that has exited, once the reader has drained the pipe: what
    /// it wrote just before dying is the part that says why. Waits at most `limit` (a descendant
    /// may keep the pipe open).
    /// - Parameter limit: how long to wait for the end of the pipe.
    /// - Returns: the tail.
    func finalStderrTail(within limit: Duration = .seconds(1)) async -> String {
        let deadline = ContinuousClock.now + limit
        while !lock.withLock({ stderrClosed }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return stderrTail
    }

    /// How it ended, once it has.
    var exitStatus: EndpointExit? { lock.withLock { exit } }

    /// The last bytes it wrote to stderr, as text.
    var stderrTail: String { String(decoding: lock.withLock { tail }, as: UTF8.self) }

    /// Sends a signal to its process group, unless it has ended (its pid may be reused once the
    /// supervisor has reaped it; the supervisor is reaped here only after that).
    func signal(_ number: Int32) {
        lock.withLock {
            if exit == nil { _ = kill(-pid, number) }
        }
    }

    /// Once it has ended, closes the lifeline (the supervisor has already killed what the
    /// command left and exited). Does nothing while it runs.
    func release() {
        let closing = lock.withLock {
            guard exit != nil, !released else { return false }
            released = true
            return true
        }
        if closing { Glibc.close(lifeline) }
    }

    /// Waits for it to end, up to a timeout.
    /// - Returns: how it ended, or `nil` when it is still running after `timeout`.
    func waitForExit(timeout: Duration) async -> EndpointExit? {
        if let exitStatus { return exitStatus }
        return await withCheckedContinuation { (continuation: CheckedContinuation<EndpointExit?, Never>) in
            let token: Int? = lock.withLock {
                if exit != nil { return nil }
                nextToken += 1
                exitWaiters[nextToken] = continuation
                return nextToken
            }
            guard let token else {
                continuation.resume(returning: exitStatus)
                return
            }
            let nanoseconds =
                timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                let waiter = lock.withLock { exitWaiters.removeValue(forKey: token) }
                waiter?.resume(returning: nil)
            }
        }
    }
}
