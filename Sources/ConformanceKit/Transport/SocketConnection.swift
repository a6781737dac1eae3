import Dispatch
import Foundation
import Glibc

/// A connected stream socket: the system calls behind `UnixSocketTransport` and `TCPTransport`.
///
/// A dedicated reader thread blocks in `recv` (never the cooperative pool) and hands chunks to
/// `receive()` through a bounded mailbox (it stops reading while 1 MiB is unconsumed). A write
/// never blocks (`MSG_DONTWAIT`): what the socket buffer cannot take at once is finished on a
/// serial `DispatchQueue` (keeping the order of writes) as `poll` finds room, up to the write's
/// deadline, so a peer that stops reading costs a send its deadline and no more. A send may carry
/// file descriptors (`SCM_RIGHTS`, Unix sockets): they ride on its first bytes. Every call retries on `EINTR`;
/// `MSG_NOSIGNAL` keeps a broken connection from raising `SIGPIPE`. `close()` shuts the socket
/// down (waking the reader) and the descriptor is released only when neither the reader nor a
/// queued write can still use it.
final class SocketConnection: @unchecked Sendable {
    private enum Chunk {
        case bytes([UInt8])
        case end
        case failed(TransportError)
    }

    let fd: Int32
    let address: String
    /// Consulted on end of stream or a reset: turns it into a richer error (endpoint died).
    let diagnoseEnd: (@Sendable () async -> TransportError?)?
    private let writeQueue: DispatchQueue
    private let condition = NSCondition()
    private var isClosed = false
    private var readerExited = false
    private var descriptorReleased = false
    private var queuedWrites = 0
    private var mailbox: [Chunk] = []
    private var mailboxBytes = 0
    private var waiter: UnsafeContinuation<Chunk, Never>?
    private static let mailboxLimit = 1 << 20

    init(fd: Int32, address: String, diagnoseEnd: (@Sendable () async -> TransportError?)? = nil) {
        self.fd = fd
        self.address = address
        self.diagnoseEnd = diagnoseEnd
        writeQueue = DispatchQueue(label: "qmp-conform.socket.write")
        let thread = Thread { [self] in readLoop() }
        thread.name = "qmp-conform.socket.read"
        thread.start()
    }

    /// Connects a new stream socket to `address`, with a timeout, on a private queue.
    static func connect(
        family: Int32,
        address storage: sockaddr_storage,
        length: socklen_t,
        name: String,
        timeout: Duration,
        diagnoseEnd: (@Sendable () async -> TransportError?)? = nil
    ) async throws(TransportError) -> SocketConnection {
        let queue = DispatchQueue(label: "qmp-conform.socket.connect")
        let result: Result<Int32, TransportError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: connectBlocking(family: family, storage, length, name, timeout))
            }
        }
        return SocketConnection(fd: try result.get(), address: name, diagnoseEnd: diagnoseEnd)
    }

    private static func connectBlocking(
        family: Int32, _ storage: sockaddr_storage, _ length: socklen_t, _ name: String, _ timeout: Duration
    ) -> Result<Int32, TransportError> {
        let fd = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(.socketFailed(operation: "socket", errno: errno)) }
        var storage = storage
        var status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        if status != 0, errno == EINPROGRESS || errno == EINTR {
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            var ready: Int32
            repeat { ready = poll(&pfd, 1, pollMilliseconds(timeout)) } while ready < 0 && errno == EINTR
            if ready == 0 {
                Glibc.close(fd)
                return .failure(.connectFailed(address: name, errno: ETIMEDOUT))
            }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
            status = error == 0 ? 0 : -1
            errno = error
        }
        if status != 0 {
            let code = errno
            Glibc.close(fd)
            return .failure(.connectFailed(address: name, errno: code))
        }
        // Back to blocking mode: reads block on the reader thread; writes pass MSG_DONTWAIT.
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        return .success(fd)
    }

    /// Writes all the bytes, in order with earlier sends: what the kernel takes at once, the rest
    /// on the write queue as the socket drains (`poll` for room, then a non-blocking `send`),
    /// never past `deadline`.
    /// - Throws: `.sendTimedOut` with how much went out when the deadline passed first (the
    ///   peer stopped reading), `.sendFailed` with the errno, `.closed` after `close()`.
    nonisolated(nonsending) func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant)
        async throws(TransportError)
    {
        try await send(bytes, passing: [], deadline: deadline)
    }

    /// Writes all the bytes as `send(_:deadline:)` does, with the files' descriptors attached to
    /// the first write that the kernel takes bytes of (`sendmsg`, `SCM_RIGHTS`): the peer
    /// receives them with the message's first byte. The files are opened first (a file that
    /// cannot be opened sends nothing) and our descriptors are closed when the write is over.
    /// - Throws: `.passedFileUnavailable` or `.passedFileNotAllowed`, or as `send(_:deadline:)`.
    nonisolated(nonsending) func send(
        _ bytes: [UInt8], passing files: [PassedFile], deadline: ContinuousClock.Instant
    ) async throws(TransportError) {
        var descriptors: [Int32] = []
        defer { for descriptor in descriptors { Glibc.close(descriptor) } }
        for file in files { descriptors.append(try file.open()) }
        let start = ContinuousClock.now
        guard let (rest, unsent) = try startSend(bytes, passing: descriptors).get() else { return }
        let result: Result<Void, TransportError> = await withUnsafeContinuation { continuation in
            writeQueue.async { [self] in
                let outcome = finishSend(
                    rest, passing: unsent, total: bytes.count, started: start, deadline: deadline)
                condition.withLock { queuedWrites -= 1 }
                continuation.resume(returning: outcome)
            }
        }
        try result.get()
    }

    /// Writes what the kernel takes now; returns the rest (queued for the write queue) with the
    /// descriptors not yet sent, or `nil` when all went out.
    private func startSend(_ bytes: [UInt8], passing descriptors: [Int32])
        -> Result<(ArraySlice<UInt8>, [Int32])?, TransportError>
    {
        condition.lock()
        defer { condition.unlock() }
        if isClosed { return .failure(.closed) }
        var rest = bytes[...]
        var unsent = descriptors
        if queuedWrites == 0 {
            switch writeSome(rest, passing: unsent) {
            case .failure(let error): return .failure(error)
            case .success(let count):
                if count > 0 { unsent = [] }
                if count == rest.count { return .success(nil) }
                rest = rest.dropFirst(count)
            }
        }
        queuedWrites += 1
        return .success((rest, unsent))
    }

    /// Writes the rest of a message as the socket drains, on the write queue: waits in `poll` for
    /// room, at most until `deadline`; descriptors not yet sent go with the first bytes taken.
    private func finishSend(
        _ bytes: ArraySlice<UInt8>, passing descriptors: [Int32], total: Int, started: ContinuousClock.Instant,
        deadline: ContinuousClock.Instant
    ) -> Result<Void, TransportError> {
        var rest = bytes
        var unsent = descriptors
        while !rest.isEmpty {
            let now = ContinuousClock.now
            guard now < deadline else {
                return .failure(.sendTimedOut(sent: total - rest.count, of: total, after: now - started))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            // Rounded up, so that the wait does not wake just before the deadline and spin.
            if poll(&pfd, 1, Self.pollMilliseconds(deadline - now) + 1) < 0, errno != EINTR {
                return .failure(.sendFailed(errno: errno))
            }
            switch writeSome(rest, passing: unsent) {
            case .success(let count):
                if count > 0 { unsent = [] }
                rest = rest.dropFirst(count)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(())
    }

    /// One non-blocking `send` (`sendmsg` with an `SCM_RIGHTS` control message when there are
    /// descriptors): how many bytes the kernel took (0 when the buffer is full; the descriptors
    /// went out with them when more than 0).
    private func writeSome(_ bytes: ArraySlice<UInt8>, passing descriptors: [Int32]) -> Result<Int, TransportError> {
        let flags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
        while true {
            let count =
                descriptors.isEmpty
                ? bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, flags) }
                : Self.sendMessage(fd, bytes, descriptors, flags)
            if count >= 0 { return .success(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN: return .success(0)
            case let code: return .failure(.sendFailed(errno: code))
            }
        }
    }

    /// `sendmsg` of the bytes with the descriptors in one `SCM_RIGHTS` control message.
    private static func sendMessage(_ fd: Int32, _ bytes: ArraySlice<UInt8>, _ descriptors: [Int32], _ flags: Int32)
        -> Int
    {
        // CMSG_ALIGN, CMSG_LEN and CMSG_SPACE, which Swift does not import.
        func aligned(_ size: Int) -> Int { (size + MemoryLayout<Int>.size - 1) & ~(MemoryLayout<Int>.size - 1) }
        let header = aligned(MemoryLayout<cmsghdr>.size)
        let payload = descriptors.count * MemoryLayout<Int32>.size
        let space = header + aligned(payload)
        let control = UnsafeMutableRawPointer.allocate(byteCount: space, alignment: MemoryLayout<cmsghdr>.alignment)
        defer { control.deallocate() }
        control.initializeMemory(as: UInt8.self, repeating: 0, count: space)
        let message = control.bindMemory(to: cmsghdr.self, capacity: 1)
        message.pointee.cmsg_len = header + payload
        message.pointee.cmsg_level = SOL_SOCKET
        message.pointee.cmsg_type = Int32(SCM_RIGHTS)
        descriptors.withUnsafeBytes { (control + header).copyMemory(from: $0.baseAddress!, byteCount: payload) }
        return bytes.withUnsafeBytes { buffer in
            var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count)
            return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                var header = msghdr()
                header.msg_iov = vectorPointer
                header.msg_iovlen = 1
                header.msg_control = control
                header.msg_controllen = space
                return sendmsg(fd, &header, flags)
            }
        }
    }

    /// A duration as `poll`'s timeout: whole milliseconds, clamped to `Int32`.
    private static func pollMilliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    nonisolated(nonsending) func receive() async throws(TransportError) -> [UInt8]? {
        let chunk = await withUnsafeContinuation { (continuation: UnsafeContinuation<Chunk, Never>) in
            condition.lock()
            if !mailbox.isEmpty {
                let chunk = mailbox.removeFirst()
                if case .bytes(let bytes) = chunk { mailboxBytes -= bytes.count }
                condition.signal()
                condition.unlock()
                continuation.resume(returning: chunk)
            } else if isClosed {
                condition.unlock()
                continuation.resume(returning: .end)
            } else {
                waiter = continuation
                condition.unlock()
            }
        }
        switch chunk {
        case .bytes(let bytes): return bytes
        case .end:
            if condition.withLock({ isClosed }) { return nil }
            if let diagnosis = await diagnoseEnd?() { throw diagnosis }
            return nil
        case .failed(let error):
            if case .receiveFailed(ECONNRESET) = error, let diagnosis = await diagnoseEnd?() { throw diagnosis }
            throw error
        }
    }

    /// The reader thread: blocking `recv` until end of stream, an error, or `close()`.
    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            let chunk: Chunk
            if count > 0 {
                chunk = .bytes(Array(buffer[0..<count]))
            } else if count == 0 {
                chunk = .end
            } else {
                chunk = .failed(.receiveFailed(errno: errno))
            }
            condition.lock()
            if let waiter {
                self.waiter = nil
                condition.unlock()
                waiter.resume(returning: chunk)
            } else {
                mailbox.append(chunk)
                if case .bytes(let bytes) = chunk { mailboxBytes += bytes.count }
                while mailboxBytes > Self.mailboxLimit, !isClosed { condition.wait() }
                condition.unlock()
            }
            if count <= 0 { break }
        }
        condition.lock()
        readerExited = true
        let release = isClosed && !descriptorReleased
        if release { descriptorReleased = true }
        condition.unlock()
        if release { releaseDescriptor() }
    }

    func close() async {
        closeNow()
    }

    private func closeNow() {
        condition.lock()
        let first = !isClosed
        isClosed = true
        let pendingWaiter = waiter
        waiter = nil
        // Under the lock: the descriptor cannot have been released (and its number reused) yet.
        if first { shutdown(fd, Int32(SHUT_RDWR)) }
        condition.broadcast()
        condition.unlock()
        guard first else { return }
        pendingWaiter?.resume(returning: .end)
        condition.lock()
        let release = readerExited && !descriptorReleased
        if release { descriptorReleased = true }
        condition.unlock()
        if release { releaseDescriptor() }
    }

    /// Closes the descriptor after any queued write has finished (they fail fast after shutdown).
    private func releaseDescriptor() {
        writeQueue.async { [fd] in _ = Glibc.close(fd) }
    }

    deinit {
        if !descriptorReleased { Glibc.close(fd) }
    }
}
