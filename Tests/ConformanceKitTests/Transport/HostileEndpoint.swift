import Foundation
import Glibc

@testable import ConformanceKit

/// A misbehaving QMP server for tests: a Unix socket in a private scratch directory, one
/// connection, a scripted reply to each request, on its own thread.
final class HostileEndpoint: @unchecked Sendable {
    /// What the server does in answer to a request.
    enum Action: Sendable {
        case send(String)
        case sendBytes([UInt8])
        case sendAndClose(String)
        case flood(bytes: Int)
        /// A valid success reply to the request whose `return` is a string of `bytes` bytes.
        case hugeReply(id: JSONValue?, bytes: Int)
        /// Valid events back to back, `count` of them at most (until the client hangs up), and
        /// no reply: the event flood of a misbehaving endpoint.
        case floodEvents(count: Int)
        /// Sends this and then reads nothing more, holding the connection open until `stop()`:
        /// an endpoint that stopped reading, whose socket buffer fills up.
        case sendAndStopReading(String)
        case nothing
    }

    static let greeting =
        #"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}"#
        + "\r\n"

    let directory: String
    let path: String
    private let listener: Int32
    private let lock = NSLock()
    private var connection: Int32 = -1
    private var isStopped = false
    private var listenerOpen = true

    /// Starts listening; `greeting` is sent on connect (nil: silence); `script(n, request)` answers
    /// the n-th request (0-based).
    init(greeting: String? = HostileEndpoint.greeting, script: @escaping @Sendable (Int, JSONObject) -> Action) throws {
        var template = Array("/tmp/qmp-conform-test-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw TransportError.socketFailed(operation: "mkdtemp", errno: errno)
        }
        directory = String(cString: created)
        let socketPath = directory + "/hostile.sock"
        path = socketPath
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.listener = listener
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(listener, 1) == 0 else {
            throw TransportError.socketFailed(operation: "bind", errno: errno)
        }
        Thread.detachNewThread { [self] in
            // The thread owns both descriptors and closes them itself, so their numbers cannot be
            // reused (by another test's socket) while it might still use them.
            // Closing happens under the lock, and `stop()` only shuts down what is still open
            // under the same lock.
            let fd = accept(listener, nil, nil)
            let stopped = lock.withLock {
                close(listener)
                listenerOpen = false
                connection = fd
                return isStopped
            }
            guard fd >= 0 else { return }
            defer {
                lock.withLock {
                    close(fd)
                    connection = -1
                }
            }
            if stopped { shutdown(fd, Int32(SHUT_RDWR)) }
            if let greeting { write(fd, Array(greeting.utf8)) }
            var pending: [UInt8] = []
            var index = 0
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending += buffer[0..<count]
                while let end = Self.objectEnd(pending) {
                    let request = (try? JSONParser.parse(Array(pending[..<end])))?.objectValue ?? [:]
                    pending.removeFirst(end)
                    switch script(index, request) {
                    case .send(let text): write(fd, Array(text.utf8))
                    case .sendBytes(let bytes): write(fd, bytes)
                    case .sendAndClose(let text):
                        write(fd, Array(text.utf8))
                        shutdown(fd, Int32(SHUT_RDWR))
                    case .flood(let total):
                        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 65536)
                        var sent = 0
                        while sent < total, write(fd, chunk) { sent += chunk.count }
                    case .hugeReply(let id, let total):
                        let head = Array(#"{"return": ""#.utf8)
                        let tail = Array(#"", "id": \#(JSONWriter.compact.string(id ?? .null))}"#.utf8) + [13, 10]
                        write(fd, head + [UInt8](repeating: UInt8(ascii: "y"), count: max(0, total)) + tail)
                    case .floodEvents(let count):
                        let event = Array(
                            (#"{"event": "FLOOD", "data": {"n": 1}, "timestamp": {"seconds": 1, "microseconds": 0}}"#
                                + "\r\n").utf8)
                        let batch = Array([[UInt8]](repeating: event, count: 256).joined())
                        var sent = 0
                        while sent < count, write(fd, batch) { sent += 256 }
                    case .sendAndStopReading(let text):
                        write(fd, Array(text.utf8))
                        // No events asked for: `poll` wakes only at the hang-up `stop()` causes.
                        var idle = pollfd(fd: fd, events: 0, revents: 0)
                        while poll(&idle, 1, -1) == 0 || idle.revents == 0 {}
                        return
                    case .nothing: break
                    }
                    index += 1
                }
            }
        }
    }

    /// Ends the connection and removes the socket.
    func stop() {
        lock.withLock {
            isStopped = true
            if connection >= 0 { shutdown(connection, Int32(SHUT_RDWR)) }
            // Wakes a pending accept (which then fails); the server thread closes the descriptor.
            if listenerOpen { shutdown(listener, Int32(SHUT_RDWR)) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// The end of the first complete JSON object (brace matching outside strings), if any.
    static func objectEnd(_ bytes: [UInt8]) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
        }
        return nil
    }
}
