import Foundation

/// An in-memory transport for tests: the test plays the server.
///
/// Queue what the "server" says with `deliver(_:)`, end the stream with `finish()`, and read what
/// the client wrote with `sentMessages`. A `responder` can answer each send automatically. No
/// sockets, no timers.
public final class ScriptedTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[UInt8]] = []
    private var finished: TransportError?? = nil
    private var waiter: CheckedContinuation<Result<[UInt8]?, TransportError>, Never>?
    private var sent: [[UInt8]] = []
    private var passed: [Int: [PassedFile]] = [:]
    private let responder: (@Sendable ([UInt8]) -> [[UInt8]])?

    /// `scripted:`.
    public var address: String { "scripted:" }

    /// Creates a transport.
    /// - Parameters:
    ///   - initial: chunks available to read right away (e.g. a greeting).
    ///   - responder: called with each sent buffer; the chunks it returns are delivered.
    public init(initial: [[UInt8]] = [], responder: (@Sendable ([UInt8]) -> [[UInt8]])? = nil) {
        chunks = initial
        self.responder = responder
    }

    /// Makes bytes available to the client.
    /// - Parameter bytes: the next chunk the "server" sends (ignored when empty).
    public func deliver(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: .success(bytes))
            return
        }
        chunks.append(bytes)
        lock.unlock()
    }

    /// Makes a string's UTF-8 bytes available to the client.
    /// - Parameter text: the text.
    public func deliver(_ text: String) { deliver(Array(text.utf8)) }

    /// Ends the stream after the queued chunks, cleanly or with an error.
    /// - Parameter error: the error `receive` throws, or `nil` for a clean end.
    public func finish(throwing error: TransportError? = nil) {
        lock.lock()
        finished = .some(error)
        let waiter = chunks.isEmpty ? self.waiter : nil
        if waiter != nil { self.waiter = nil }
        lock.unlock()
        waiter?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    /// Everything the client sent, one element per `send`.
    public var sentMessages: [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return sent
    }

    /// The files passed with sends, by the index of their send in `sentMessages`.
    public var passedFiles: [Int: [PassedFile]] {
        lock.lock()
        defer { lock.unlock() }
        return passed
    }

    /// Records the bytes with the files (opening nothing) and delivers the responder's answer.
    /// - Parameters:
    ///   - bytes: the bytes.
    ///   - files: the files the write would pass.
    ///   - deadline: unused: an in-memory write cannot block.
    /// - Throws: `TransportError.closed` once finished.
    public nonisolated(nonsending) func send(
        _ bytes: [UInt8], passing files: [PassedFile], deadline: ContinuousClock.Instant
    ) async throws(TransportError) {
        try record(bytes, passing: files)
    }

    /// Records the bytes and delivers the responder's answer; it never waits, so the deadline
    /// is not needed.
    /// - Parameters:
    ///   - bytes: the bytes.
    ///   - deadline: unused: an in-memory write cannot block.
    /// - Throws: `TransportError.closed` once finished.
    public nonisolated(nonsending) func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant)
        async throws(TransportError)
    {
        try record(bytes, passing: [])
    }

    private func record(_ bytes: [UInt8], passing files: [PassedFile]) throws(TransportError) {
        let open = lock.withLock {
            if case .some = finished { return false }
            if !files.isEmpty { passed[sent.count] = files }
            sent.append(bytes)
            return true
        }
        guard open else { throw .closed }
        for chunk in responder?(bytes) ?? [] { deliver(chunk) }
    }

    /// Waits for the next bytes from the server.
    /// - Returns: at least one byte, or `nil` at a clean end of stream.
    /// - Throws: `TransportError` (`.endpointDied` for a launched endpoint that exited).
    public nonisolated(nonsending) func receive() async throws(TransportError) -> [UInt8]? {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<[UInt8]?, TransportError>, Never>) in
            lock.lock()
            if !chunks.isEmpty {
                let chunk = chunks.removeFirst()
                lock.unlock()
                continuation.resume(returning: .success(chunk))
            } else if case .some(let error) = finished {
                lock.unlock()
                continuation.resume(returning: error.map { .failure($0) } ?? .success(nil))
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
        return try result.get()
    }

    /// Closes the connection; a pending `receive` returns `nil`.
    public func close() async { finish() }
}
