import Foundation

/// One endpoint of a run and the negotiated client talking to it: connects (launching first when
/// the run owns the endpoint), answers whether it is still alive, and brings it back after a
/// crash or hang (relaunch when launched, reconnect otherwise).
///
/// The runner drives cases through `client`; protocol checks and scenarios borrow the endpoint
/// between `disconnect()` and `connect()`, since a QMP monitor serves one client at a time.
public actor Endpoint {
    /// Opens a client to an endpoint someone else serves (negotiated or not); tests pass one
    /// over a scripted transport.
    public typealias Opener = @Sendable (_ negotiate: Bool) async throws(QMPProtocolError) -> QMPClient

    /// The target.
    public let target: EndpointTarget
    private let launched: LaunchedEndpoint?
    private let opener: Opener?
    private let clientOptions: QMPClient.Options
    private var current: QMPClient?
    private var localScratch: String?
    private let timeout: Duration

    /// Creates an endpoint; nothing happens until `connect()`.
    /// - Parameters:
    ///   - target: what to talk to.
    ///   - timeout: for launching, connecting and negotiating.
    ///   - opener: opens clients instead of the target's socket (a scripted endpoint); the
    ///     endpoint is then not launched and "restarting" it opens a new client.
    ///   - clientOptions: the limits of every client it opens (message size, events kept,
    ///     transcript bytes); the transcript is always recorded.
    public init(
        target: EndpointTarget, timeout: Duration = .seconds(10), opener: Opener? = nil,
        clientOptions: QMPClient.Options = QMPClient.Options()
    ) {
        self.target = target
        self.timeout = timeout
        self.opener = opener
        var options = clientOptions
        options.recordsTranscript = true
        self.clientOptions = options
        if opener == nil, case .launch(let command) = target {
            launched = LaunchedEndpoint(configuration: .init(command: command))
        } else {
            launched = nil
        }
    }

    /// The connected client, if any.
    public var client: QMPClient? { current }

    /// The scratch directory generated values may use: the launched endpoint's own, or a private
    /// local directory for endpoints someone else serves.
    public var scratchDirectory: String {
        get async {
            if let launched, let directory = await launched.scratchDirectory { return directory }
            if let localScratch { return localScratch }
            // Without a directory of its own, `${scratch}` names one that does not exist, so the
            // paths generated still stay out of the rest of the host.
            let directory = (try? ScratchDirectory.make()) ?? "/nonexistent/qmp-conform-scratch"
            localScratch = directory
            return directory
        }
    }

    /// Makes the named empty files in the scratch directory where none exist yet.
    /// - Parameter names: plain file names.
    public func provideScratchFiles(_ names: [String]) async {
        guard !names.isEmpty else { return }
        ScratchDirectory.provideFiles(names, in: await scratchDirectory)
    }

    /// The last bytes the launched process wrote to stderr (empty for other targets).
    public var stderrTail: String {
        get async { await launched?.stderrTail ?? "" }
    }

    /// How the launched process ended, if it has.
    public var exitStatus: EndpointExit? {
        get async { await launched?.exitStatus }
    }

    /// Connects and negotiates, launching first if needed.
    /// - Returns: the client.
    /// - Throws: `QMPProtocolError` when the endpoint cannot be reached or negotiated.
    @discardableResult
    public func connect() async throws(QMPProtocolError) -> QMPClient {
        if let current { return current }
        let client = try await openClient(negotiate: true)
        // The handshake is not part of any case's transcript.
        _ = await client.takeTranscript()
        current = client
        return client
    }

    /// Opens a new client (greeted; negotiated when asked), launching first if needed; the
    /// caller owns it. Used by protocol checks, which need fresh, unnegotiated connections.
    /// - Parameter negotiate: send `qmp_capabilities`.
    /// - Returns: the client.
    /// - Throws: `QMPProtocolError`.
    public func openClient(negotiate: Bool) async throws(QMPProtocolError) -> QMPClient {
        if let opener { return try await opener(negotiate) }
        let options = clientOptions
        if let launched {
            do throws(TransportError) { try await launched.launch() } catch { throw .transport(error) }
            return try await launched.connect(options: options, negotiate: negotiate, timeout: timeout)
        }
        let transport: any Transport
        do throws(TransportError) {
            switch target {
            case .unixSocket(let path): transport = try await UnixSocketTransport.connect(path: path, timeout: timeout)
            case .tcp(let address): transport = try await TCPTransport.connect(address, timeout: timeout)
            case .launch: throw TransportError.closed
            }
        } catch { throw .transport(error) }
        return try await QMPClient.connect(over: transport, options: options, negotiate: negotiate, timeout: timeout)
    }

    /// Closes the run's client, leaving the endpoint running.
    public func disconnect() async {
        await current?.close()
        current = nil
    }

    /// Brings the endpoint back: relaunches a launched endpoint (or reconnects to a socket).
    /// - Throws: `QMPProtocolError` when it cannot be reached again.
    public func restart() async throws(QMPProtocolError) {
        await current?.close()
        current = nil
        if let launched {
            await launched.stop()
        }
        try await connect()
    }

    /// Stops a launched endpoint (quit, then signals) and removes scratch directories.
    public func shutDown() async {
        if let launched {
            await launched.stop(using: current)
        }
        await current?.close()
        current = nil
        if let localScratch { ScratchDirectory.remove(localScratch) }
        localScratch = nil
    }

    /// How long `--dialect auto` listens for a greeting: QEMU greets as soon as it accepts.
    public static let greetingWindow = Duration.seconds(1)

    /// Finds out which dialect a target speaks (`--dialect auto`): connects without sending
    /// anything; any bytes within `window` (a greeting) mean QMP; silence means the guest agent,
    /// confirmed by a `guest-sync-delimited` resynchronisation. A launched target is launched for
    /// this and stopped again.
    /// - Parameters:
    ///   - target: the endpoint.
    ///   - window: how long to listen for a greeting.
    ///   - timeout: for launching, connecting and the resynchronisation.
    /// - Returns: the dialect.
    /// - Throws: `QMPProtocolError` when the endpoint cannot be reached, or is silent and does not
    ///   resynchronise either.
    public static func detectDialect(
        of target: EndpointTarget, window: Duration = greetingWindow, timeout: Duration
    ) async throws(QMPProtocolError) -> QMPSession.Dialect {
        let endpoint = Endpoint(
            target: target, timeout: timeout, clientOptions: QMPClient.Options(dialect: .guestAgent))
        let dialect: Result<QMPSession.Dialect, QMPProtocolError>
        do throws(QMPProtocolError) {
            let client = try await endpoint.openClient(negotiate: false)
            try? await Task.sleep(for: window)
            if await !client.transcript.received.isEmpty {
                dialect = .success(.qmp)
            } else {
                try await client.resynchronize(timeout: timeout)
                dialect = .success(.guestAgent)
            }
            await client.close()
        } catch {
            dialect = .failure(error)
        }
        await endpoint.shutDown()
        return try dialect.get()
    }

    /// A protocol-check connector for this endpoint.
    public nonisolated var checkConnector: ProtocolCheckContext.Connector {
        { () async throws(QMPProtocolError) -> QMPClient in try await self.openClient(negotiate: false) }
    }
}
