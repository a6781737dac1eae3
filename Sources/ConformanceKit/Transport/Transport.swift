/// A byte stream to a QMP server: what `QMPClient` reads from and writes to.
///
/// Implementations: `UnixSocketTransport`, `TCPTransport` (system calls, on their own queues) and
/// `ScriptedTransport` (in memory, for tests). A transport knows nothing about QMP.
public protocol Transport: Sendable {
    /// A short human-readable address, e.g. `unix:/tmp/x/qmp.sock`.
    var address: String { get }

    /// Writes all the bytes, in order with earlier sends, by a deadline: a peer that stops reading
    /// cannot hold the write (or the caller) past it.
    /// - Parameters:
    ///   - bytes: the bytes.
    ///   - deadline: when the write gives up; the bytes it could not write by then are not sent.
    /// - Throws: `TransportError` when the connection is broken or closed, `.sendTimedOut` when
    ///   the deadline passed first (the stream then ends mid-message: close the transport).
    nonisolated(nonsending) func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws(TransportError)

    /// Waits for the next bytes from the server.
    /// - Returns: at least one byte, or `nil` at a clean end of stream.
    /// - Throws: `TransportError` (e.g. `.endpointDied` when a launched endpoint exited).
    nonisolated(nonsending) func receive() async throws(TransportError) -> [UInt8]?

    /// Closes the connection; a pending `receive` returns `nil` or throws `.closed`.
    func close() async
}
