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

    /// Writes all the bytes as `send(_:deadline:)` does, with file descriptors attached to their
    /// first byte (`SCM_RIGHTS`): the transport opens each file, passes it, and closes its own
    /// descriptor once the write is over.
    /// - Parameters:
    ///   - bytes: the bytes (at least one: the descriptors ride on the first).
    ///   - files: the files to pass, each inside a scratch directory of the run.
    ///   - deadline: when the write gives up.
    /// - Throws: `TransportError.descriptorPassingNeedsUnixSocket` from a transport that cannot
    ///   pass descriptors, `.passedFileUnavailable` when a file cannot be opened (nothing is
    ///   sent then), or what `send(_:deadline:)` throws.
    nonisolated(nonsending) func send(_ bytes: [UInt8], passing files: [PassedFile], deadline: ContinuousClock.Instant)
        async throws(TransportError)

    /// Waits for the next bytes from the server.
    /// - Returns: at least one byte, or `nil` at a clean end of stream.
    /// - Throws: `TransportError` (e.g. `.endpointDied` when a launched endpoint exited).
    nonisolated(nonsending) func receive() async throws(TransportError) -> [UInt8]?

    /// Closes the connection; a pending `receive` returns `nil` or throws `.closed`.
    func close() async
}
