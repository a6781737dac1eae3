import Glibc

/// What a forked child needs to become a launched command's supervisor and the command, made
/// before the fork: after `fork` in a multithreaded process the child may only make
/// async-signal-safe calls, so it must not allocate, take locks or touch lazily initialised
/// globals, and that includes Swift type metadata made on first use (a tuple passed to a
/// generic function in a debug build): the children use C calls on memory and C types only.
/// `supervise` is all the forked child runs; it forks the command, which runs `exec`.
///
/// The supervisor stands between the tool and the command (see `ChildProcess`): the command's
/// parent and the reaper of every descendant that detaches from it (`PR_SET_CHILD_SUBREAPER`),
/// it outlives the tool just long enough to kill the command's whole tree, `setsid` escapees
/// included, when the tool lets it go or dies however it dies.
struct ChildImage: @unchecked Sendable {
    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    private typealias CloseFrom = @convention(c) (Int32) -> Void
    private typealias SignalFD = @convention(c) (Int32, UnsafePointer<sigset_t>?, Int32) -> Int32

    // The constants the children use are computed, not stored: a stored static is initialised
    // lazily, on first use, which a forked child must not be the one to do.

    /// `prctl(PR_SET_PDEATHSIG, ...)`: the child gets this signal when the forking thread ends.
    private static var setParentDeathSignal: Int32 { 1 }
    /// `prctl(PR_SET_CHILD_SUBREAPER, 1)`: orphaned descendants re-parent to the caller.
    static var setChildSubreaper: Int32 { 36 }
    /// The supervisor's descriptors: the status pipe to the tool, the lifeline, the command's stderr.
    private static var statusFD: Int32 { 3 }
    private static var lifelineFD: Int32 { 4 }
    private static var stderrFD: Int32 { 5 }
    /// How many bytes the supervisor reads at a time (`/proc/thread-self/children`, a
    /// `signalfd_siginfo` of 128).
    private static var bufferSize: Int { 4096 }

    private let path: UnsafeMutablePointer<CChar>
    private let argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let argumentCount: Int
    private let directory: UnsafeMutablePointer<CChar>
    private let devNull: UnsafeMutablePointer<CChar>
    private let childrenFile: UnsafeMutablePointer<CChar>
    /// The supervisor's read buffer.
    private let buffer: UnsafeMutablePointer<UInt8>
    /// Two words: the exec status pipe's ends, then the message to the tool.
    private let words: UnsafeMutablePointer<Int32>
    /// What the supervisor polls: the lifeline and its SIGCHLD `signalfd`.
    private let watched: UnsafeMutablePointer<pollfd>
    private let parent: pid_t
    // `prctl`, `closefrom` and `signalfd` are variadic, newer than or outside the Glibc module's
    // view: looked up now.
    private let prctl: Prctl?
    private let closeFrom: CloseFrom?
    private let signalFD: SignalFD?

    /// Prepares the image.
    /// - Parameters:
    ///   - path: the executable.
    ///   - arguments: argv, program name first.
    ///   - directory: the working directory.
    init(path: String, arguments: [String], directory: String) {
        self.path = strdup(path)
        argumentCount = arguments.count
        argv = .allocate(capacity: arguments.count + 1)
        for (index, argument) in arguments.enumerated() { argv[index] = strdup(argument) }
        argv[arguments.count] = nil
        self.directory = strdup(directory)
        devNull = strdup("/dev/null")
        childrenFile = strdup("/proc/thread-self/children")
        buffer = .allocate(capacity: Self.bufferSize)
        words = .allocate(capacity: 2)
        watched = .allocate(capacity: 2)
        parent = getpid()
        prctl = dlsym(nil, "prctl").map { unsafeBitCast($0, to: Prctl.self) }
        closeFrom = dlsym(nil, "closefrom").map { unsafeBitCast($0, to: CloseFrom.self) }
        signalFD = dlsym(nil, "signalfd").map { unsafeBitCast($0, to: SignalFD.self) }
    }

    /// Frees the prepared memory (in the parent, after the fork).
    func release() {
        free(path)
        for index in 0..<argumentCount { free(argv[index]) }
        argv.deallocate()
        free(directory)
        free(devNull)
        free(childrenFile)
        buffer.deallocate()
        words.deallocate()
        watched.deallocate()
    }

    /// Becomes the supervisor, in the child the tool forked: its own process group (a signal to
    /// the tool's job does not reach it), the reaper of orphaned descendants, terminal signals
    /// ignored, nothing open but 0-2 on /dev/null, the status pipe, the lifeline and the command's
    /// stderr. It forks the command, reports `(command pid, 0)` or `(-1, errno)` on the status
    /// pipe, then waits for the command to end or the lifeline to close (the tool let it go or
    /// died, even by SIGKILL); either way it kills the command's process group and every
    /// descendant re-parented to it, reaps them all, and ends as the command ended (the same exit
    /// status, or killed by the same signal), so the tool's `waitpid` sees the command's end.
    /// - Parameters:
    ///   - stderr: the write end of the command's stderr pipe.
    ///   - status: the write end of the status pipe.
    ///   - lifeline: the read end of the lifeline, whose write end only the tool holds.
    func supervise(stderr: Int32, status: Int32, lifeline: Int32) -> Never {
        _ = setpgid(0, 0)
        _ = prctl?(Self.setChildSubreaper, 1, 0, 0, 0)
        // The tool may have died before this ran: then its lifeline is already gone.
        if getppid() != parent { _exit(127) }
        let statusCopy = fcntl(status, F_DUPFD, 10)
        let lifelineCopy = fcntl(lifeline, F_DUPFD, 10)
        let stderrCopy = fcntl(stderr, F_DUPFD, 10)
        let null = open(devNull, O_RDWR)
        guard statusCopy >= 0, lifelineCopy >= 0, stderrCopy >= 0, null >= 0, dup2(null, 0) == 0, dup2(null, 1) == 1,
            dup2(null, 2) == 2, dup2(statusCopy, Self.statusFD) == Self.statusFD,
            dup2(lifelineCopy, Self.lifelineFD) == Self.lifelineFD, dup2(stderrCopy, Self.stderrFD) == Self.stderrFD
        else { _exit(127) }
        closeDescriptors(from: Self.stderrFD + 1)
        _ = signal(SIGINT, SIG_IGN)
        _ = signal(SIGTERM, SIG_IGN)
        _ = signal(SIGHUP, SIG_IGN)
        _ = signal(SIGQUIT, SIG_IGN)
        _ = signal(SIGPIPE, SIG_IGN)
        _ = signal(SIGCHLD, SIG_DFL)
        // SIGCHLD is blocked before the command exists, so that no end goes unseen.
        var childSignal = sigset_t()
        sigemptyset(&childSignal)
        sigaddset(&childSignal, SIGCHLD)
        _ = sigprocmask(SIG_SETMASK, &childSignal, nil)
        let command = forkCommand()
        guard command > 0 else { _exit(127) }
        endAs(killTree(of: command, ended: waitForEnd(of: command)))
    }

    /// Forks and execs the command, and tells the tool how it went: `(pid, 0)`, or `(-1, errno)`
    /// when the fork or the exec failed (the failed child reaped). Returns the pid or -1.
    private func forkCommand() -> pid_t {
        guard pipe(words) == 0 else { return report(-1, errno) }
        let readEnd = words[0]
        let writeEnd = words[1]
        guard fcntl(readEnd, F_SETFD, FD_CLOEXEC) == 0, fcntl(writeEnd, F_SETFD, FD_CLOEXEC) == 0 else {
            return report(-1, errno)
        }
        let supervisor = getpid()
        let command = fork()
        if command == 0 { exec(stderr: Self.stderrFD, status: writeEnd, parent: supervisor) }
        let forkError = errno
        _ = close(writeEnd)
        _ = close(Self.stderrFD)
        guard command > 0 else { return report(-1, forkError) }
        var code: Int32 = 0
        var count: Int
        repeat { count = read(readEnd, &code, MemoryLayout<Int32>.size) } while count < 0 && errno == EINTR
        _ = close(readEnd)
        guard count != MemoryLayout<Int32>.size else {
            var status: Int32 = 0
            while waitpid(command, &status, 0) < 0 && errno == EINTR {}
            return report(-1, code)
        }
        return report(command, 0)
    }

    /// Writes `(pid, code)` to the status pipe and closes it; returns `pid`.
    private func report(_ pid: pid_t, _ code: Int32) -> pid_t {
        words[0] = pid
        words[1] = code
        _ = write(Self.statusFD, words, 2 * MemoryLayout<Int32>.size)
        _ = close(Self.statusFD)
        return pid
    }

    /// Waits until the command ends (its wait status) or the lifeline closes (nil), reaping on
    /// the way descendants that were re-parented here and ended. Without `signalfd` it looks
    /// every 50 ms instead of being woken.
    private func waitForEnd(of command: pid_t) -> Int32? {
        var childSignal = sigset_t()
        sigemptyset(&childSignal)
        sigaddset(&childSignal, SIGCHLD)
        let signals = signalFD?(-1, &childSignal, 0) ?? -1
        watched[0] = pollfd(fd: Self.lifelineFD, events: Int16(POLLIN), revents: 0)
        watched[1] = pollfd(fd: signals, events: Int16(POLLIN), revents: 0)
        while true {
            var status: Int32 = 0
            while true {
                let reaped = waitpid(-1, &status, WNOHANG)
                if reaped == command { return status }
                if reaped <= 0 { break }
            }
            let ready = poll(watched, signals >= 0 ? 2 : 1, signals >= 0 ? -1 : 50)
            if ready > 0, watched[0].revents != 0 { return nil }
            // Drains the signalfd (one `signalfd_siginfo` per read).
            if signals >= 0, watched[1].revents != 0 { _ = read(signals, buffer, Self.bufferSize) }
        }
    }

    /// Kills the command's process group and then, until none is left, every child of the
    /// supervisor (descendants re-parented here, with their groups), reaping each; returns the
    /// command's wait status (`ended`, or what reaping it gave).
    private func killTree(of command: pid_t, ended: Int32?) -> Int32 {
        var commandStatus = ended ?? 0
        _ = kill(-command, SIGKILL)
        _ = kill(command, SIGKILL)
        while true {
            let signalled = killChildren()
            var status: Int32 = 0
            // Every child seen was sent SIGKILL, so a blocking wait ends; with none seen (or no
            // /proc to see them in), look again shortly rather than wait for one that lives on.
            let reaped = waitpid(-1, &status, signalled > 0 ? 0 : WNOHANG)
            if reaped == command { commandStatus = status }
            if reaped > 0 || (reaped < 0 && errno == EINTR) { continue }
            if reaped < 0 || signalled < 0 { break }
            var nothing = pollfd(fd: -1, events: 0, revents: 0)
            _ = poll(&nothing, 0, 10)
        }
        return commandStatus
    }

    /// Sends SIGKILL to every child listed in `/proc/thread-self/children` (and to the process
    /// group each leads, if any); returns how many, or -1 when the list cannot be read.
    private func killChildren() -> Int {
        let file = open(childrenFile, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return -1 }
        defer { _ = close(file) }
        var signalled = 0
        var pid: pid_t = 0
        while true {
            let count = read(file, buffer, Self.bufferSize)
            if count < 0 && errno == EINTR { continue }
            var index = 0
            while index < count {
                let byte = buffer[index]
                index += 1
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    pid = pid &* 10 &+ pid_t(byte - UInt8(ascii: "0"))
                } else if pid > 0 {
                    _ = kill(-pid, SIGKILL)
                    _ = kill(pid, SIGKILL)
                    signalled += 1
                    pid = 0
                }
            }
            guard count > 0 else { break }
        }
        if pid > 0 {
            _ = kill(-pid, SIGKILL)
            _ = kill(pid, SIGKILL)
            signalled += 1
        }
        return signalled
    }

    /// Ends the supervisor as the command ended: the same exit status, or the same signal (no
    /// core file).
    private func endAs(_ status: Int32) -> Never {
        let signal = status & 0x7f
        guard signal != 0 else { _exit((status >> 8) & 0xff) }
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
        _ = Glibc.signal(signal, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signal)
        _ = sigprocmask(SIG_UNBLOCK, &only, nil)
        _ = kill(getpid(), signal)
        _exit(128 + signal)
    }

    /// Closes every descriptor from `lowest` up.
    private func closeDescriptors(from lowest: Int32) {
        if let closeFrom {
            closeFrom(lowest)
        }
    }

    /// Becomes the command, in the child the supervisor forked: own process group,
    /// parent-death signal, descriptors 0-2 on /dev/null, /dev/null and `stderr`, nothing else
    /// open but the status pipe, default signals, then `execve`. On failure the errno goes down
    /// the status pipe and the child exits.
    /// - Parameters:
    ///   - stderr: the write end of the stderr pipe.
    ///   - status: the write end of the status pipe (close-on-exec).
    ///   - parent: the supervisor, whose death kills the command.
    private func exec(stderr: Int32, status: Int32, parent: pid_t) -> Never {
        _ = setpgid(0, 0)
        _ = prctl?(Self.setParentDeathSignal, UInt(SIGKILL), 0, 0, 0)
        // The supervisor may have died between fork and prctl: then nobody would kill this child.
        if getppid() != parent { _exit(127) }
        let statusCopy = fcntl(status, F_DUPFD_CLOEXEC, 10)
        let stderrCopy = fcntl(stderr, F_DUPFD, 10)
        let null = open(devNull, O_RDWR)
        guard statusCopy >= 0, stderrCopy >= 0, null >= 0, dup2(null, 0) == 0, dup2(null, 1) == 1,
            dup2(stderrCopy, 2) == 2, dup2(statusCopy, 3) == 3, fcntl(3, F_SETFD, FD_CLOEXEC) == 0
        else { fail(status: statusCopy) }
        closeDescriptors(from: 4)
        // A tuple, not an array: nothing may be allocated here.
        _ = signal(SIGPIPE, SIG_DFL)
        _ = signal(SIGINT, SIG_DFL)
        _ = signal(SIGTERM, SIG_DFL)
        _ = signal(SIGHUP, SIG_DFL)
        _ = signal(SIGQUIT, SIG_DFL)
        _ = signal(SIGCHLD, SIG_DFL)
        var empty = sigset_t()
        sigemptyset(&empty)
        _ = sigprocmask(SIG_SETMASK, &empty, nil)
        guard chdir(directory) == 0 else { fail(status: 3) }
        execve(path, argv, environ)
        fail(status: 3)
    }

    private func fail(status: Int32) -> Never {
        var code = errno
        _ = write(status, &code, MemoryLayout<Int32>.size)
        _exit(127)
    }
}
