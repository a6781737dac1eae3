import Dispatch
import Foundation
import Glibc

/// A launched process that dies with the tool: forked on the one long-lived `Spawner` thread,
/// in its own process group, with `PR_SET_PDEATHSIG` = SIGKILL set between fork and exec (so even
/// a SIGKILL of the tool takes it down; `posix_spawn` cannot set that), and a guard process (a
/// second child of the tool, see `ChildImage.guardGroup`) that kills the whole group, children
/// of the process included, once the tool lets it go (`release()`) or dies. stdin/stdout on
/// /dev/null, stderr captured (a bounded tail), no inherited descriptors beyond 0-2, default
/// signal dispositions and an empty mask. A reaper blocks in `waitpid` on its own queue, so the
/// exit status is known as soon as the process ends. Between fork and exec the child makes only
/// async-signal-safe calls on memory prepared before the fork.
package final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let command: [String]
    private let lifeline: Launch.Guard?
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

    private init(pid: pid_t, command: [String], stderrFD: Int32, lifeline: Launch.Guard?, tailLimit: Int) {
        self.pid = pid
        self.command = command
        self.lifeline = lifeline
        self.tailLimit = tailLimit
        stderrReader.async { [self] in readStderr(stderrFD) }
        reaper.async { [self] in reap() }
    }

    deinit {
        // Reaped but never released (its endpoint value was dropped): let the guard go.
        guard !released, let lifeline else { return }
        Glibc.close(lifeline.lifeline)
        DispatchQueue.global().async { Self.reapGuard(lifeline.pid) }
    }

    /// Spawns `command` in `directory`.
    /// - Parameters:
    ///   - command: the program (found on PATH unless it has a `/`) and its arguments.
    ///   - directory: the working directory.
    ///   - stderrTailLimit: how many bytes of stderr to keep.
    /// - Returns: the running process.
    /// - Throws: `TransportError.launchFailed` with the errno of the step that failed (`ENOENT`
    ///   when the program is not found, or the errno `execve` or `chdir` gave in the child).
    static func spawn(_ command: [String], in directory: String, stderrTailLimit: Int) async throws(TransportError)
        -> ChildProcess
    {
        let name = command.joined(separator: " ")
        guard let program = command.first else { throw .launchFailed(command: name, errno: EINVAL) }
        guard let path = executablePath(program) else { throw .launchFailed(command: name, errno: ENOENT) }
        let image = ChildImage(path: path, arguments: command, directory: directory)
        defer { image.release() }
        // Pipes are made on the spawner thread too, so no fork of ours inherits another's.
        let launch = await Spawner.shared.run { forkAndExec(image) }
        guard let stderrFD = launch.stderrFD else { throw .launchFailed(command: name, errno: launch.errno) }
        return ChildProcess(
            pid: launch.pid, command: command, stderrFD: stderrFD, lifeline: launch.guardian,
            tailLimit: stderrTailLimit)
    }

    /// What a fork and exec gave: the process, the read end of its stderr and its guard, or an
    /// errno.
    private struct Launch {
        /// The guard of a process group: its pid and the write end of its lifeline.
        struct Guard {
            var pid: pid_t
            var lifeline: Int32
        }

        var pid: pid_t = -1
        var stderrFD: Int32?
        var guardian: Guard?
        var errno: Int32 = 0
    }

    /// Forks `image` (on the spawner thread) and waits until the child has exec'd (its end of
    /// the status pipe closes, empty) or failed (it writes the errno, and is reaped here).
    private static func forkAndExec(_ image: ChildImage) -> Launch {
        var stderrPipe: [Int32] = [-1, -1]
        var statusPipe: [Int32] = [-1, -1]
        guard pipe(&stderrPipe) == 0 else { return Launch(errno: errno) }
        guard pipe(&statusPipe) == 0 else {
            let code = errno
            for fd in stderrPipe { Glibc.close(fd) }
            return Launch(errno: code)
        }
        for fd in stderrPipe + statusPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid = fork()
        if pid == 0 { image.exec(stderr: stderrPipe[1], status: statusPipe[1]) }
        let forkError = errno
        if pid > 0 { Spawner.shared.track(pid) }
        Glibc.close(statusPipe[1])
        Glibc.close(stderrPipe[1])
        defer { Glibc.close(statusPipe[0]) }
        guard pid > 0 else {
            Glibc.close(stderrPipe[0])
            return Launch(errno: forkError)
        }
        var code: Int32 = 0
        var count: Int
        repeat { count = read(statusPipe[0], &code, MemoryLayout<Int32>.size) } while count < 0 && errno == EINTR
        guard count == MemoryLayout<Int32>.size else {
            return Launch(pid: pid, stderrFD: stderrPipe[0], guardian: forkGuard(of: pid, image))
        }
        reapGuard(pid)
        Glibc.close(stderrPipe[0])
        return Launch(errno: code)
    }

    /// Forks the guard of `group` (on the spawner thread); nil when it cannot (the process is
    /// then still tied to the tool by its parent-death signal, its children are not).
    private static func forkGuard(of group: pid_t, _ image: ChildImage) -> Launch.Guard? {
        var lifeline: [Int32] = [-1, -1]
        guard pipe(&lifeline) == 0 else { return nil }
        for fd in lifeline { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid = fork()
        if pid == 0 { image.guardGroup(group, lifeline: lifeline[0]) }
        if pid > 0 { Spawner.shared.track(pid) }
        Glibc.close(lifeline[0])
        guard pid > 0 else {
            Glibc.close(lifeline[1])
            return nil
        }
        return Launch.Guard(pid: pid, lifeline: lifeline[1])
    }

    /// Makes this process the reaper of its orphaned descendants (`PR_SET_CHILD_SUBREAPER`):
    /// a launched command's child that detaches (double fork, `setsid`) is then re-parented
    /// here instead of to init, where `killStrayChildren()` finds it. For the CLI, at start.
    package static func adoptOrphanedDescendants() {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(nil, "prctl") else { return }
        // PR_SET_CHILD_SUBREAPER
        Spawner.shared.isAdopting = unsafeBitCast(symbol, to: Prctl.self)(36, 1, 0, 0, 0) == 0
    }

    /// Kills and reaps every child of this process that is not a tracked endpoint or guard
    /// (with its process group), repeating while killing one re-parents its own children here:
    /// descendants that left their endpoint's group. Does nothing unless the process adopts
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

    /// Waits for a guard (or a child that failed to exec) and stops tracking it.
    private static func reapGuard(_ pid: pid_t) {
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

    private func reap() {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        Spawner.shared.untrack(pid)
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

    /// Sends a signal to its process group, unless it has already been reaped (its pid may be
    /// reused).
    func signal(_ number: Int32) {
        lock.withLock {
            if exit == nil { _ = kill(-pid, number) }
        }
    }

    /// Once it has ended, kills what is left of its process group (children it started that
    /// did not leave the group, such as a shell's background job) and lets its guard go (the
    /// guard then exits and is reaped). The group id cannot be reused while a member lives, so
    /// this reaches only them; once none is left the id is free again, which is why it is
    /// called right after the process is reaped. Does nothing while it runs.
    func release() {
        let guardian: Launch.Guard? = lock.withLock {
            guard exit != nil, !released else { return nil }
            released = true
            _ = kill(-pid, SIGKILL)
            return lifeline
        }
        guard let guardian else { return }
        Glibc.close(guardian.lifeline)
        reaper.async { Self.reapGuard(guardian.pid) }
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
