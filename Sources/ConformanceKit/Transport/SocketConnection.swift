import Dispatch
import Foundation
import Glibc

/// A connected stream socket: the system calls behind `UnixSocketTransport` and `TCPTransport`.
///
/// Blocking reads run on a private serial `DispatchQueue`, never on the cooperative pool; a write
/// is first tried without blocking (`MSG_DONTWAIT`) and, when the socket buffer is full, finished
/// on a second serial queue, keeping the order of writes. Every call retries on `EINTR`;
/// `MSG_NOSIGNAL` keeps a broken connection from raising `SIGPIPE`. `close()` shuts the socket
/// down (waking a blocked read) and releases the descriptor on the read queue, so it is never
/// reused under a pending call.
final class SocketConnection: @unchecked Sendable {
    let fd: Int32
    let address: String
    /// Consulted on end of stream or a reset: turns it into a richer error (endpoint died).
    let diagnoseEnd: (@Sendable () async -> TransportError?)?
    private let readQueue: DispatchQueue
    private let writeQueue: DispatchQueue
    private let lock = NSLock()
    private var isClosed = false
    private var queuedWrites = 0
    private var readBuffer = [UInt8](repeating: 0, count: 65536)

    init(fd: Int32, address: String, diagnoseEnd: (@Sendable () async -> TransportError?)? = nil) {
        self.fd = fd
        self.address = address
        self.diagnoseEnd = diagnoseEnd
        readQueue = DispatchQueue(label: "qmp-conform.socket.read")
        writeQueue = DispatchQueue(label: "qmp-conform.socket.write")
    }

    deinit {
        if !isClosed { Glibc.close(fd) }
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
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(.socketFailed(operation: "socket", errno: errno)) }
        var storage = storage
        var status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        if status != 0, errno == EINPROGRESS || errno == EINTR {
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            var ready: Int32
            repeat { ready = poll(&pfd, 1, milliseconds) } while ready < 0 && errno == EINTR
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
        // Back to blocking mode: reads block on the read queue; writes pass MSG_DONTWAIT.
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        return .success(fd)
    }

    nonisolated(nonsending) func send(_ bytes: [UInt8]) async throws(TransportError) {
        let result: Result<Void, TransportError> = await withUnsafeContinuation { continuation in
            lock.lock()
            defer { lock.unlock() }
            if isClosed {
                continuation.resume(returning: .failure(.closed))
                return
            }
            var rest = bytes[...]
            if queuedWrites == 0 {
                // Fast path: the kernel takes the whole write without blocking.
                switch writeSome(rest, blocking: false) {
                case .failure(let error):
                    continuation.resume(returning: .failure(error))
                    return
                case .success(let count):
                    if count == rest.count {
                        continuation.resume(returning: .success(()))
                        return
                    }
                    rest = rest.dropFirst(count)
                }
            }
            // Slow path, queued under the lock so writes keep their order.
            queuedWrites += 1
            let pending = rest
            writeQueue.async { [self] in
                var rest = pending
                var outcome: Result<Void, TransportError> = .success(())
                while !rest.isEmpty {
                    switch writeSome(rest, blocking: true) {
                    case .success(let count): rest = rest.dropFirst(count)
                    case .failure(let error):
                        outcome = .failure(error)
                        rest = []
                    }
                }
                lock.withLock { queuedWrites -= 1 }
                continuation.resume(returning: outcome)
            }
        }
        try result.get()
    }

    private func writeSome(_ bytes: ArraySlice<UInt8>, blocking: Bool) -> Result<Int, TransportError> {
        let flags = Int32(MSG_NOSIGNAL) | (blocking ? 0 : Int32(MSG_DONTWAIT))
        while true {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, flags) }
            if count >= 0 { return .success(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN where !blocking: return .success(0)
            case let code: return .failure(.sendFailed(errno: code))
            }
        }
    }

    nonisolated(nonsending) func receive() async throws(TransportError) -> [UInt8]? {
        let result: Result<[UInt8]?, TransportError> = await withUnsafeContinuation { continuation in
            readQueue.async { [self] in
                continuation.resume(returning: receiveBlocking())
            }
        }
        switch result {
        case .success(let bytes?): return bytes
        case .success(nil):
            if lock.withLock({ isClosed }) { return nil }
            if let diagnosis = await diagnoseEnd?() { throw diagnosis }
            return nil
        case .failure(let error):
            if case .receiveFailed(ECONNRESET) = error, let diagnosis = await diagnoseEnd?() { throw diagnosis }
            throw error
        }
    }

    private func receiveBlocking() -> Result<[UInt8]?, TransportError> {
        if lock.withLock({ isClosed }) { return .success(nil) }
        while true {
            // Only the read queue touches `readBuffer`.
            let count = readBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .success(Array(readBuffer[0..<count])) }
            if count == 0 { return .success(nil) }
            if errno == EINTR { continue }
            return .failure(.receiveFailed(errno: errno))
        }
    }

    func close() async {
        let first = lock.withLock {
            defer { isClosed = true }
            return !isClosed
        }
        guard first else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            readQueue.async { [self] in
                writeQueue.sync { Glibc.close(fd) }
                continuation.resume()
            }
        }
    }
}
