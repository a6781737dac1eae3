/// What a protocol check works with: fresh connections to the endpoint under test, a per-step
/// timeout, and ways to fail or skip with a reason.
///
/// QMP monitors serve one client at a time, so opening a connection closes the previous one.
/// Every connection records a transcript; `finish()` closes them and merges the transcripts.
public actor ProtocolCheckContext {
    /// Opens a connection: greeting read, not negotiated, transcript recording on.
    public typealias Connector = @Sendable () async throws(QMPProtocolError) -> QMPClient

    /// The check does not hold: the endpoint breaks the rule.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What was wrong.
        public var description: String
        /// Creates a failure.
        /// - Parameter description: what was wrong.
        public init(_ description: String) { self.description = description }
    }

    /// The check does not apply to this endpoint.
    public struct Skip: Error, Sendable, CustomStringConvertible {
        /// Why.
        public var description: String
        /// Creates a skip.
        /// - Parameter description: why.
        public init(_ description: String) { self.description = description }
    }

    /// Opens connections.
    public nonisolated let connector: Connector
    /// The timeout for each step (greeting, reply, event).
    public nonisolated let timeout: Duration
    /// The endpoint's dialect: what `negotiated()` does and which command `probeCommand` is.
    public nonisolated let dialect: QMPSession.Dialect
    /// Seconds since the Unix epoch, now (event timestamps are compared with it).
    public nonisolated let wallClock: @Sendable () -> Double
    private var clients: [QMPClient] = []
    private var current: QMPClient?

    /// Creates a context.
    /// - Parameters:
    ///   - connector: opens a connection.
    ///   - timeout: per-step timeout.
    ///   - dialect: the endpoint's dialect.
    ///   - wallClock: the wall clock (default: the host's).
    public init(
        connector: @escaping Connector, timeout: Duration, dialect: QMPSession.Dialect = .qmp,
        wallClock: @escaping @Sendable () -> Double = Host.wallClock
    ) {
        self.connector = connector
        self.timeout = timeout
        self.dialect = dialect
        self.wallClock = wallClock
    }

    /// A new connection, greeted but not negotiated (the previous one is closed first).
    /// - Returns: the client.
    /// - Throws: `QMPProtocolError` when the endpoint cannot be reached.
    public func fresh() async throws(QMPProtocolError) -> QMPClient {
        if let current { await current.close() }
        let client = try await connector()
        clients.append(client)
        current = client
        return client
    }

    /// A harmless command every endpoint of the dialect has: `query-version`, or the guest
    /// agent's `guest-ping`.
    public nonisolated var probeCommand: String {
        switch dialect {
        case .qmp: "query-version"
        case .guestAgent: "guest-ping"
        }
    }

    /// A new connection in command mode: negotiated (QMP), or resynchronised with
    /// `guest-sync-delimited` (the guest agent).
    /// - Parameter enable: capabilities to enable; `nil` for `oob` when offered (QMP only).
    /// - Returns: the client.
    /// - Throws: `Failure` when negotiation fails, `QMPProtocolError` when the exchange does.
    public func negotiated(enable: [String]? = nil) async throws -> QMPClient {
        let client = try await fresh()
        switch dialect {
        case .qmp:
            let reply = try await client.negotiate(enable: enable, timeout: timeout)
            if let error = reply.error { throw Failure("qmp_capabilities failed: \(error)") }
        case .guestAgent:
            try await client.resynchronize(timeout: timeout)
        }
        return client
    }

    /// Closes every connection and merges their transcripts in time order.
    /// - Returns: the merged transcript.
    public func finish() async -> QMPTranscript {
        var merged = QMPTranscript()
        for client in clients {
            await client.close()
            merged.merge(await client.transcript)
        }
        clients = []
        current = nil
        return merged
    }
}
