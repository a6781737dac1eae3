extension LaunchedEndpoint {
    /// Connects a QMP client (greeting read, negotiated unless told otherwise).
    /// - Parameters:
    ///   - options: client options.
    ///   - negotiate: send `qmp_capabilities`.
    ///   - timeout: connect, greeting and negotiation deadline (each).
    /// - Returns: the client.
    /// - Throws: `QMPProtocolError` (`.transport(.endpointDied)` when the process is gone).
    public func connect(
        options: QMPClient.Options = QMPClient.Options(),
        negotiate: Bool = true,
        timeout: Duration = .seconds(5)
    ) async throws(QMPProtocolError) -> QMPClient {
        let transport: UnixSocketTransport
        do { transport = try await connectTransport(timeout: timeout) } catch { throw .transport(error) }
        return try await QMPClient.connect(over: transport, options: options, negotiate: negotiate, timeout: timeout)
    }

    /// Stops the process: `quit` over `client` (or a fresh connection), then SIGTERM, then
    /// SIGKILL; always reaped; the scratch directory is removed. The guest agent has no `quit`:
    /// over a guest-agent client it goes straight to SIGTERM.
    /// - Parameter client: a negotiated client to send `quit` on; others must be closed first,
    ///   since the monitor serves one client at a time.
    /// - Returns: how it ended (`nil` if never launched).
    @discardableResult
    public func stop(using client: QMPClient? = nil) async -> EndpointExit? {
        await stop(sendingQuit: { [self] timeout in
            if let client {
                guard client.options.dialect == .qmp else { return false }
                return (try? await client.execute("quit", timeout: timeout)) != nil
            }
            guard let fresh = try? await connect(timeout: .milliseconds(500)) else { return false }
            let sent = (try? await fresh.execute("quit", timeout: timeout)) != nil
            await fresh.close()
            return sent
        })
    }
}
