import Dispatch
import Foundation
import Glibc

/// A spawned process: `posix_spawnp` with stdin/stdout on /dev/null, stderr captured (a bounded
/// tail), no inherited descriptors beyond 0-2, default signal dispositions, and a reaper that
/// blocks in `waitpid` on its own queue, so the exit status is known as soon as the process ends.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let command: [String]
    private let lock = NSLock()
    private var exit: EndpointExit?
    private var exitWaiters: [Int: CheckedContinuation<EndpointExit?, Never>] = [:]
    private var nextToken = 0
    private var tail: [UInt8] = []
    private let tailLimit: Int
    private let reaper = DispatchQueue(label: "qmp-conform.process.reaper")
    private let stderrReader = DispatchQueue(label: "qmp-conform.process.stderr")

    private init(pid: pid_t, command: [String], stderrFD: Int32, tailLimit: Int) {
        self.pid = pid
        self.command = command
        self.tailLimit = tailLimit
        stderrReader.async { [self] in readStderr(stderrFD) }
        reaper.async { [self] in reap() }
    }

    /// Spawns `command` in `directory`.
    static func spawn(_ command: [String], in directory: String, stderrTailLimit: Int) throws(TransportError)
        -> ChildProcess
    {
        let name = command.joined(separator: " ")
        guard let program = command.first else { throw .launchFailed(command: name, errno: EINVAL) }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw .launchFailed(command: name, errno: errno) }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        // GNU extensions the Glibc module does not import; looked up at run time (glibc >= 2.34).
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") {
            typealias ChangeDirectory =
                @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            _ = directory.withCString { unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, $0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Its own process group, so stopping it also stops anything it started.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        Glibc.close(pipeFDs[1])
        guard status == 0 else {
            Glibc.close(pipeFDs[0])
            throw .launchFailed(command: name, errno: status)
        }
        return ChildProcess(pid: pid, command: command, stderrFD: pipeFDs[0], tailLimit: stderrTailLimit)
    }

    private func reap() {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
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
