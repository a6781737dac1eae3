import Glibc

/// A client connection to a QMP server's Unix stream socket.
///
/// Only local sockets, by path. The system calls live in `SocketConnection`.
public struct UnixSocketTransport: Transport {
    private let connection: SocketConnection
    /// The socket path.
    public let path: String

    /// `unix:PATH`.
    public var address: String { "unix:\(path)" }

    private init(connection: SocketConnection, path: String) {
        self.connection = connection
        self.path = path
    }

    /// Connects to a Unix socket.
    /// - Parameters:
    ///   - path: the socket file.
    ///   - timeout: how long the connect may take.
    /// - Returns: the transport.
    /// - Throws: `TransportError.connectFailed` with the errno (`ENOENT`, `ECONNREFUSED`, ...),
    ///   or `.invalidAddress` when the path does not fit `sun_path`.
    public static func connect(path: String, timeout: Duration = .seconds(5)) async throws(TransportError)
        -> UnixSocketTransport
    {
        try await connect(path: path, timeout: timeout, diagnoseEnd: nil)
    }

    static func connect(
        path: String,
        timeout: Duration,
        diagnoseEnd: (@Sendable () async -> TransportError?)?
    ) async throws(TransportError) -> UnixSocketTransport {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else { throw .invalidAddress(path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: address) { source in target.copyMemory(from: source) }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        let connection = try await SocketConnection.connect(
            family: AF_UNIX, address: storage, length: length, name: "unix:\(path)", timeout: timeout,
            diagnoseEnd: diagnoseEnd)
        return UnixSocketTransport(connection: connection, path: path)
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
    /// Writes all the bytes by a deadline, passing the files' descriptors with the first byte
    /// (`sendmsg` with an `SCM_RIGHTS` control message).
    /// - Parameters:
    ///   - bytes: the bytes.
    ///   - files: the files to pass.
    ///   - deadline: when the write gives up.
    /// - Throws: `.passedFileUnavailable` when a file cannot be opened, or as `send(_:deadline:)`.
    public nonisolated(nonsending) func send(
        _ bytes: [UInt8], passing files: [PassedFile], deadline: ContinuousClock.Instant
    ) async throws(TransportError) {
        try await connection.send(bytes, passing: files, deadline: deadline)
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
