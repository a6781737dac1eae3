import Glibc

/// What a forked child needs to become the launched command, made before the fork: after `fork`
/// in a multithreaded process the child may only make async-signal-safe calls, so it must not
/// allocate, take locks or touch lazily initialised globals. `exec` is all the child runs.
struct ChildImage: @unchecked Sendable {
    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    private typealias CloseFrom = @convention(c) (Int32) -> Void

    /// `prctl(PR_SET_PDEATHSIG, ...)`: the child gets this signal when the forking thread ends.
    private static let setParentDeathSignal: Int32 = 1

    private let path: UnsafeMutablePointer<CChar>
    private let argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let argumentCount: Int
    private let directory: UnsafeMutablePointer<CChar>
    private let devNull: UnsafeMutablePointer<CChar>
    private let parent: pid_t
    // `prctl` and `closefrom` are variadic or newer than the Glibc module's view: looked up now.
    private let prctl: Prctl?
    private let closeFrom: CloseFrom?

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
        parent = getpid()
        prctl = dlsym(nil, "prctl").map { unsafeBitCast($0, to: Prctl.self) }
        closeFrom = dlsym(nil, "closefrom").map { unsafeBitCast($0, to: CloseFrom.self) }
    }

    /// Frees the prepared memory (in the parent, after the fork).
    func release() {
        free(path)
        for index in 0..<argumentCount { free(argv[index]) }
        argv.deallocate()
        free(directory)
        free(devNull)
    }

    /// Becomes the command, in the child: own process group, parent-death signal, descriptors
    /// 0-2 on /dev/null, /dev/null and `stderr`, nothing else open but the status pipe, default
    /// signals, then `execve`. On failure the errno goes down the status pipe and the child exits.
    /// - Parameters:
    ///   - stderr: the write end of the stderr pipe.
    ///   - status: the write end of the status pipe (close-on-exec).
    func exec(stderr: Int32, status: Int32) -> Never {
        _ = setpgid(0, 0)
        _ = prctl?(Self.setParentDeathSignal, UInt(SIGKILL), 0, 0, 0)
        // The tool may have died between fork and prctl: then nobody would kill this child.
        if getppid() != parent { _exit(127) }
        let statusCopy = fcntl(status, F_DUPFD_CLOEXEC, 10)
        let stderrCopy = fcntl(stderr, F_DUPFD, 10)
        let null = open(devNull, O_RDWR)
        guard statusCopy >= 0, stderrCopy >= 0, null >= 0, dup2(null, 0) == 0, dup2(null, 1) == 1,
            dup2(stderrCopy, 2) == 2, dup2(statusCopy, 3) == 3, fcntl(3, F_SETFD, FD_CLOEXEC) == 0
        else { fail(status: statusCopy) }
        if let closeFrom {
            closeFrom(4)
        }
        // A tuple, not an array: nothing may be allocated here.
        withUnsafeBytes(of: (SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD)) { raw in
            for number in raw.assumingMemoryBound(to: Int32.self) { _ = signal(number, SIG_DFL) }
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        _ = sigprocmask(SIG_SETMASK, &empty, nil)
        guard chdir(directory) == 0 else { fail(status: 3) }
        execve(path, argv, environ)
        fail(status: 3)
    }

    /// Becomes the guard of a launched process group, in a second child of the tool: it waits
    /// for end of file on `lifeline` (whose write end only the tool holds, so it comes when the
    /// tool lets it go or dies, even by SIGKILL) and then kills the whole group, grandchildren
    /// included. It ignores the terminal's signals, which reach the tool's group it stays in.
    /// - Parameters:
    ///   - group: the process group to kill.
    ///   - lifeline: the read end of the lifeline pipe.
    func guardGroup(_ group: pid_t, lifeline: Int32) -> Never {
        let null = open(devNull, O_RDWR)
        guard null >= 0, dup2(lifeline, 3) == 3, dup2(null, 0) == 0, dup2(null, 1) == 1, dup2(null, 2) == 2 else {
            _exit(127)
        }
        if let closeFrom {
            closeFrom(4)
        }
        withUnsafeBytes(of: (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE)) { raw in
            for number in raw.assumingMemoryBound(to: Int32.self) { _ = signal(number, SIG_IGN) }
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        _ = sigprocmask(SIG_SETMASK, &empty, nil)
        var byte: UInt8 = 0
        while read(3, &byte, 1) != 0 && errno == EINTR {}
        _ = kill(-group, SIGKILL)
        _exit(0)
    }

    private func fail(status: Int32) -> Never {
        var code = errno
        _ = write(status, &code, MemoryLayout<Int32>.size)
        _exit(127)
    }
}
