import Foundation
import Glibc
import Synchronization

/// Hands out free loopback TCP ports for scenarios (`${port:NAME}`): binds port 0 on 127.0.0.1,
/// reads the port the kernel chose, and closes the socket.
///
/// A port is never handed out twice by one pool, so two names in one run never collide with
/// each other; another process may still take a port between allocation and use (rare with the
/// kernel's ephemeral range). Thread-safe. It opens no connections.
public final class FreePortPool: Sendable {
    private let handedOut = Mutex<Set<UInt16>>([])

    /// Creates a pool.
    public init() {}

    /// A free loopback TCP port not handed out before by this pool.
    /// - Returns: the port.
    /// - Throws: `TransportError.socketFailed` with the errno of `socket`, `bind` or `getsockname`.
    public func allocate() throws(TransportError) -> UInt16 {
        for _ in 0..<64 {
            let port = try Self.bindEphemeral()
            let fresh = handedOut.withLock { $0.insert(port).inserted }
            if fresh { return port }
        }
        throw .socketFailed(operation: "bind 127.0.0.1:0 (no fresh port)", errno: EADDRINUSE)
    }

    private static func bindEphemeral() throws(TransportError) -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .socketFailed(operation: "socket", errno: errno) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw .socketFailed(operation: "bind 127.0.0.1:0", errno: errno) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw .socketFailed(operation: "getsockname", errno: errno) }
        return UInt16(bigEndian: address.sin_port)
    }
}
