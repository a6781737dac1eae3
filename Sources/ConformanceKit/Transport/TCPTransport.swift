import Glibc

/// A client connection to a QMP server on TCP, loopback only (127.0.0.0/8 or ::1).
///
/// Hosts are numeric addresses or `localhost`; anything else is refused before any packet is
/// sent. The system calls live in `SocketConnection`.
public struct TCPTransport: Transport {
    private let connection: SocketConnection
    /// `tcp:HOST:PORT`.
    public let address: String

    /// Connects to `host:port` on loopback.
    /// - Parameters:
    ///   - host: `127.0.0.1` (or any 127/8 address), `::1` or `localhost`.
    ///   - port: the TCP port.
    ///   - timeout: how long the connect may take.
    /// - Returns: the transport.
    /// - Throws: `.addressNotAllowed` for a non-loopback host, `.invalidAddress` for an
    ///   unreadable one, `.connectFailed` with the errno.
    public static func connect(host: String, port: UInt16, timeout: Duration = .seconds(5))
        async throws(TransportError) -> TCPTransport
    {
        let name = "tcp:\(host):\(port)"
        var storage = sockaddr_storage()
        let family: Int32
        let length: socklen_t
        var v4 = in_addr()
        var v6 = in6_addr()
        let literal = host == "localhost" ? "127.0.0.1" : host.trimmingBrackets
        if inet_pton(AF_INET, literal, &v4) == 1 {
            guard UInt32(bigEndian: v4.s_addr) >> 24 == 127 else { throw .addressNotAllowed(host) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = v4
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: address) { target.copyMemory(from: $0) }
            }
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            guard withUnsafeBytes(of: v6, { Array($0) }) == loopback else { throw .addressNotAllowed(host) }
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = v6
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: address) { target.copyMemory(from: $0) }
            }
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            throw .invalidAddress(host)
        }
        let connection = try await SocketConnection.connect(
            family: family, address: storage, length: length, name: name, timeout: timeout)
        return TCPTransport(connection: connection, address: name)
    }

    /// Parses `HOST:PORT` (IPv6 in brackets: `[::1]:4444`) and connects.
    /// - Parameters:
    ///   - hostAndPort: the address.
    ///   - timeout: how long the connect may take.
    /// - Returns: the transport.
    /// - Throws: as `connect(host:port:timeout:)`.
    public static func connect(_ hostAndPort: String, timeout: Duration = .seconds(5)) async throws(TransportError)
        -> TCPTransport
    {
        guard let colon = hostAndPort.lastIndex(of: ":"),
            let port = UInt16(hostAndPort[hostAndPort.index(after: colon)...])
        else { throw .invalidAddress(hostAndPort) }
        return try await connect(host: String(hostAndPort[..<colon]), port: port, timeout: timeout)
    }

    /// Writes all the bytes, in order with earlier sends, by a deadline.
    /// - Parameters:
    ///   - bytes: the bytes.
    ///   - deadline: when the write gives up.
    /// - Throws: `TransportError` when the connection is broken or closed, `.sendTimedOut` when
    ///   the endpoint stopped reading.
    public nonisolated(nonsending) func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant)
        async throws(TransportError)
    {
        try await connection.send(bytes, deadline: deadline)
    }
    /// Refuses: a TCP socket cannot carry file descriptors, so nothing is sent.
    /// - Parameters:
    ///   - bytes: the bytes (not sent).
    ///   - files: the files to pass.
    ///   - deadline: unused.
    /// - Throws: always `TransportError.descriptorPassingNeedsUnixSocket`.
    public nonisolated(nonsending) func send(
        _ bytes: [UInt8], passing files: [PassedFile], deadline: ContinuousClock.Instant
    ) async throws(TransportError) {
        throw .descriptorPassingNeedsUnixSocket(address: address)
    }
    /// Waits for the next bytes from the server.
    /// - Returns: at least one byte, or `nil` at a clean end of stream.
    /// - Throws: `TransportError` (`.endpointDied` for a launched endpoint that exited).
    public nonisolated(nonsending) func receive() async throws(TransportError) -> [UInt8]? {
        try await connection.receive()
    }
    /// Closes the connection; a pending `receive` returns `nil`.
    public func close() async { await connection.close() }
}

extension String {
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
