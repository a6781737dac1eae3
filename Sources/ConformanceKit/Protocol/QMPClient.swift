/// A QMP client: one connection to one server, over any `Transport`.
///
/// Owns the transport, the `QMPFramer`, the `QMPSession`, the requests in flight (at most
/// `Options.maximumInFlight`; more wait for a slot), buffered events, findings and an optional
/// transcript (`Options.maximumTranscriptBytes`). Every wait has a deadline fixed when it starts,
/// which incoming traffic cannot extend (the read loop itself expires overdue waits between
/// chunks), and ends at once with `.cancelled` when the waiting task is cancelled; a write has
/// the deadline of its request (an endpoint that stops reading ends the connection with
/// `TransportError.sendTimedOut`). Events are
/// kept in a bounded `QMPEventBuffer` (newest kept; an overflow is an `.eventsDropped` finding).
/// Every server fault becomes a `QMPProtocolError` (thrown
/// to the callers it affects) or a `QMPFinding` (recorded). An error *reply* is a `QMPReply`
/// value, never a thrown error. It does not launch endpoints or judge replies.
public actor QMPClient {
    /// How the client behaves.
    public struct Options: Sendable {
        /// The server's dialect.
        public var dialect: QMPSession.Dialect
        /// Ask for `oob` when the greeting offers it.
        public var wantsOOB: Bool
        /// The largest message accepted.
        public var maximumMessageSize: Int
        /// The most requests in flight; more wait for a slot.
        public var maximumInFlight: Int
        /// The most events (and findings, and unsolicited replies) kept: the newest events are
        /// kept (see `QMPEventBuffer`) and each overflow is recorded as one `.eventsDropped`
        /// finding with the count; later findings beyond it are not recorded. Default 10,000.
        public var maximumBufferedEvents: Int
        /// Keep a transcript of every exchange.
        public var recordsTranscript: Bool
        /// The most transcript bytes kept between two `takeTranscript()` calls (one case): the
        /// rest is summarised with its byte count and digest (see `QMPTranscript`).
        public var maximumTranscriptBytes: Int
        /// The monotonic clock stamped on received messages (injectable for tests).
        public var clock: @Sendable () -> ContinuousClock.Instant

        /// Creates options.
        /// - Parameters:
        ///   - dialect: `.qmp` unless talking to the guest agent.
        ///   - wantsOOB: ask for `oob` when offered.
        ///   - maximumMessageSize: the largest message accepted, in bytes.
        ///   - maximumInFlight: the most requests in flight.
        ///   - maximumBufferedEvents: the most events, findings and unsolicited replies kept.
        ///   - recordsTranscript: keep a transcript.
        ///   - maximumTranscriptBytes: the most transcript bytes kept per `takeTranscript()`.
        ///   - clock: the receive-time clock.
        public init(
            dialect: QMPSession.Dialect = .qmp,
            wantsOOB: Bool = true,
            maximumMessageSize: Int = QMPFramer.defaultMaximumMessageSize,
            maximumInFlight: Int = 8,
            maximumBufferedEvents: Int = 10_000,
            recordsTranscript: Bool = false,
            maximumTranscriptBytes: Int = QMPTranscript.defaultByteLimit,
            clock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
        ) {
            self.dialect = dialect
            self.wantsOOB = wantsOOB
            self.maximumMessageSize = maximumMessageSize
            self.maximumInFlight = max(1, maximumInFlight)
            self.maximumBufferedEvents = max(1, maximumBufferedEvents)
            self.recordsTranscript = recordsTranscript
            self.maximumTranscriptBytes = maximumTranscriptBytes
            self.clock = clock
        }
    }

    private typealias ReplyContinuation = UnsafeContinuation<Result<QMPReply, QMPProtocolError>, Never>

    private enum WaitKey: Hashable {
        case id(JSONValue)
        case idless(Int)
    }

    private enum Entry {
        case registered
        case waiting(ReplyContinuation)
        case done(Result<QMPReply, QMPProtocolError>)
    }

    private struct Deadline {
        var instant: ContinuousClock.Instant
        var what: String
        var timeout: Duration
    }

    private struct EventWaiter {
        var mark: Int
        var predicate: @Sendable (QMPEvent) -> Bool
        var deadline: ContinuousClock.Instant
        var timeout: Duration
        var continuation: CheckedContinuation<Result<QMPEvent, QMPProtocolError>, Never>
        var timer: Task<Void, Never>
    }

    /// The transport this client talks over.
    public nonisolated let transport: any Transport
    /// The options it was created with.
    public nonisolated let options: Options

    private var session: QMPSession
    private var framer: QMPFramer
    private var reader: Task<Void, Never>?
    private var entries: [WaitKey: Entry] = [:]
    private var deadlines: [WaitKey: Deadline] = [:]
    private var watchdog: Task<Void, Never>?
    private var watchdogTarget: ContinuousClock.Instant?
    private var idlessOrder: [Int] = []
    private var nextToken = 0
    private var usedSlots = 0
    private var slotWaiters: [CheckedContinuation<Void, Never>] = []
    private var greetingWaiter: (CheckedContinuation<Result<QMPGreeting?, QMPProtocolError>, Never>, Task<Void, Never>)?
    private var greetingDeadline: (instant: ContinuousClock.Instant, timeout: Duration)?
    private var eventWaiters: [Int: EventWaiter] = [:]
    private var buffer: QMPEventBuffer
    /// The index in `recordedFindings` of the `.eventsDropped` finding of the current overflow.
    private var overflowFinding: Int?
    private var recordedFindings: [QMPFinding] = []
    private var unsolicited: [QMPReply] = []
    private var recorded: QMPTranscript
    private var failure: QMPProtocolError?

    /// Creates a client; call `start()` (or use `connect`) before anything else.
    /// - Parameters:
    ///   - transport: the connection.
    ///   - options: behaviour.
    public init(transport: any Transport, options: Options = Options()) {
        self.transport = transport
        self.options = options
        session = QMPSession(dialect: options.dialect)
        framer = QMPFramer(maximumMessageSize: options.maximumMessageSize)
        recorded = QMPTranscript(byteLimit: options.maximumTranscriptBytes)
        buffer = QMPEventBuffer(limit: options.maximumBufferedEvents)
    }

    /// Connects: starts reading, waits for the greeting and (unless told not to) negotiates.
    /// - Parameters:
    ///   - transport: the connection.
    ///   - options: behaviour.
    ///   - negotiate: send `qmp_capabilities`; `false` leaves the session negotiating.
    ///   - timeout: for the greeting and for the negotiation each.
    /// - Returns: the client, in command mode when `negotiate` is true.
    /// - Throws: `QMPProtocolError` (`.greetingMissing`, `.negotiationFailed`, ...); the
    ///   transport is closed on failure.
    public static func connect(
        over transport: any Transport,
        options: Options = Options(),
        negotiate: Bool = true,
        timeout: Duration = .seconds(5)
    ) async throws(QMPProtocolError) -> QMPClient {
        let client = QMPClient(transport: transport, options: options)
        await client.start()
        do throws(QMPProtocolError) {
            _ = try await client.awaitGreeting(timeout: timeout)
            if negotiate {
                switch options.dialect {
                case .qmp:
                    let reply = try await client.negotiate(timeout: timeout)
                    if let error = reply.error { throw QMPProtocolError.negotiationFailed(error) }
                case .guestAgent:
                    try await client.resynchronize(timeout: timeout)
                }
            }
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    /// Connects, runs `body`, and always closes the connection, whether `body` returns or throws.
    /// - Parameters:
    ///   - transport: the connection.
    ///   - options: behaviour.
    ///   - negotiate: send `qmp_capabilities`.
    ///   - timeout: for the greeting and for the negotiation each.
    ///   - body: what to do with the client.
    /// - Returns: what `body` returns.
    /// - Throws: a `QMPProtocolError` from connecting, or whatever `body` throws.
    public static func withConnection<Result: Sendable>(
        over transport: any Transport,
        options: Options = Options(),
        negotiate: Bool = true,
        timeout: Duration = .seconds(5),
        _ body: (QMPClient) async throws -> Result
    ) async throws -> Result {
        let client = try await connect(over: transport, options: options, negotiate: negotiate, timeout: timeout)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Starts the reader (idempotent).
    public func start() {
        guard reader == nil else { return }
        reader = Task { await self.readLoop() }
    }

    /// Closes the connection; calls in flight fail with `.closed`.
    public func close() async {
        if failure == nil { fail(.closed) }
        reader?.cancel()
        await transport.close()
    }

    // MARK: - Handshake

    /// Waits for the greeting.
    /// - Parameter timeout: how long to wait.
    /// - Returns: the greeting, or `nil` in the `.guestAgent` dialect.
    /// - Throws: `.greetingMissing` after the timeout, or the error that ended the connection.
    public func awaitGreeting(timeout: Duration) async throws(QMPProtocolError) -> QMPGreeting? {
        if options.dialect == .guestAgent { return nil }
        if let greeting = session.greeting { return greeting }
        if let failure { throw failure }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let timer = Task { [weak self] in
                    do { try await Task.sleep(for: timeout) } catch { return }
                    await self?.expireGreeting(with: .greetingMissing(after: timeout))
                }
                greetingWaiter = (continuation, timer)
                greetingDeadline = (.now + timeout, timeout)
                if Task.isCancelled { expireGreeting(with: .cancelled(waitingFor: "the greeting")) }
            }
        } onCancel: {
            Task { await self.expireGreeting(with: .cancelled(waitingFor: "the greeting")) }
        }
        return try result.get()
    }

    /// Sends `qmp_capabilities`, enabling `oob` when offered and wanted unless `enable` is given.
    /// - Parameters:
    ///   - enable: the capabilities to enable; `nil` for the default choice.
    ///   - timeout: how long to wait for the reply.
    /// - Returns: the reply (an error reply leaves the session negotiating).
    /// - Throws: `QMPProtocolError` when no reply arrives.
    public func negotiate(enable: [String]? = nil, timeout: Duration = .seconds(5)) async throws(QMPProtocolError)
        -> QMPReply
    {
        if let failure { throw failure }
        await acquireSlot()
        defer { releaseSlot() }
        let request = try session.negotiation(enable: enable, wantsOOB: options.wantsOOB)
        return try await perform(request, waitingFor: "reply to qmp_capabilities", timeout: timeout)
    }

    /// Resynchronises with the guest agent (QMP spec §2.7): sends 0xFF and `guest-sync-delimited`
    /// with a random id, discards what comes before the agent's 0xFF, and checks that the reply
    /// returns the id.
    /// - Parameters:
    ///   - id: the number the agent must return; random unless given.
    ///   - timeout: how long to wait for the reply.
    /// - Returns: the reply.
    /// - Throws: `.resynchronizationFailed` when the reply is not the id, `.timeout` when none
    ///   comes, or the error that ended the connection.
    @discardableResult
    public func resynchronize(id: Int64 = .random(in: 1...Int64(Int32.max)), timeout: Duration = .seconds(5))
        async throws(QMPProtocolError) -> QMPReply
    {
        if let failure { throw failure }
        await acquireSlot()
        defer { releaseSlot() }
        let request = try session.resynchronization(id: id)
        let reply = try await perform(request, waitingFor: "reply to guest-sync-delimited", timeout: timeout)
        guard reply.returnValue == .int(id) else {
            throw .resynchronizationFailed(expected: id, raw: JSONWriter.compact.string(.object(reply.raw)))
        }
        return reply
    }

    // MARK: - Commands

    /// Sends a command and waits for its reply.
    /// - Parameters:
    ///   - command: the command name.
    ///   - arguments: the `arguments` object, omitted when `nil`.
    ///   - oob: send with `exec-oob`.
    ///   - id: an explicit id of any JSON type; `nil` picks a fresh small integer.
    ///   - files: files whose descriptors go with the request (`SCM_RIGHTS`: `getfd`, `add-fd`);
    ///     the transcript marks the write `(+N fd)`.
    ///   - timeout: how long to wait for the reply.
    /// - Returns: the reply, success or error.
    /// - Throws: `.timeout`, a transport error (`.descriptorPassingNeedsUnixSocket` when files
    ///   are given over TCP), or the protocol fault that broke the exchange.
    public func execute(
        _ command: String,
        arguments: JSONObject? = nil,
        oob: Bool = false,
        id: JSONValue? = nil,
        passing files: [PassedFile] = [],
        timeout: Duration = .seconds(10)
    ) async throws(QMPProtocolError) -> QMPReply {
        if let failure { throw failure }
        await acquireSlot()
        defer { releaseSlot() }
        let request = try session.command(command, arguments: arguments, oob: oob, id: id)
        return try await perform(request, passing: files, waitingFor: "reply to \(command)", timeout: timeout)
    }

    /// Sends a whole request object as is (written compactly) and waits for its reply, matched
    /// by its `id` or, without one, to the next id-less reply.
    /// - Parameters:
    ///   - object: the request.
    ///   - timeout: how long to wait.
    /// - Returns: the reply.
    /// - Throws: `.timeout`, a transport error, or a protocol fault.
    public func send(request object: JSONObject, timeout: Duration = .seconds(10)) async throws(QMPProtocolError)
        -> QMPReply
    {
        if let failure { throw failure }
        await acquireSlot()
        defer { releaseSlot() }
        let request = try session.request(object)
        return try await perform(request, waitingFor: "reply to a request", timeout: timeout)
    }

    /// Sends raw bytes (malformed input cases) and waits for the reply they provoke.
    /// - Parameters:
    ///   - bytes: the bytes, sent as they are.
    ///   - id: the id the reply will carry, or `nil` for an id-less reply (e.g. a parse error).
    ///   - timeout: how long to wait.
    /// - Returns: the reply.
    /// - Throws: `.timeout`, a transport error, or a protocol fault.
    public func sendRaw(_ bytes: [UInt8], expectingReplyID id: JSONValue?, timeout: Duration = .seconds(10))
        async throws(QMPProtocolError) -> QMPReply
    {
        if let failure { throw failure }
        await acquireSlot()
        defer { releaseSlot() }
        let request = try session.raw(bytes, id: id)
        return try await perform(request, waitingFor: "reply to raw input", timeout: timeout)
    }

    /// Sends several request objects in one write (pipelined) and waits for all their replies.
    ///
    /// They do not wait for in-flight slots: send at most `Options.maximumInFlight` at once.
    /// - Parameters:
    ///   - objects: the requests, each with a distinct `id` (or none, for id-less replies).
    ///   - timeout: how long to wait for each reply.
    /// - Returns: the replies, in request order; their `sequence` shows the arrival order.
    /// - Throws: `.timeout`, a transport error, or a protocol fault.
    public func send(pipelined objects: [JSONObject], timeout: Duration = .seconds(10)) async throws(QMPProtocolError)
        -> [QMPReply]
    {
        var replies: [QMPReply] = []
        for outcome in try await outcomes(pipelined: objects, timeout: timeout) { replies.append(try outcome.get()) }
        return replies
    }

    /// Sends several request objects in one write and returns each one's own outcome, so that a
    /// reply that arrived is kept even when a later request of the batch fails (the runner sends
    /// a case and its liveness check this way).
    /// - Parameters:
    ///   - objects: the requests, each with a distinct `id`.
    ///   - timeout: how long to wait for each reply.
    /// - Returns: one outcome per request, in request order.
    /// - Throws: `QMPProtocolError` when nothing could be sent (a closed client, a duplicate id).
    public func outcomes(pipelined objects: [JSONObject], timeout: Duration = .seconds(10))
        async throws(QMPProtocolError)
        -> [Result<QMPReply, QMPProtocolError>]
    {
        try await outcomes(pipelined: objects, timeouts: objects.map { _ in timeout })
    }

    /// Sends several request objects in one write, each with a timeout of its own (a case, then
    /// the liveness check that may take a little longer), and returns each one's outcome.
    /// - Parameters:
    ///   - objects: the requests, each with a distinct `id`.
    ///   - timeouts: how long to wait for each reply, one per request.
    ///   - files: files whose descriptors go with the write (`SCM_RIGHTS`): the endpoint takes
    ///     them for the first request that asks for one (a case of `getfd`, with its liveness
    ///     check behind it).
    /// - Returns: one outcome per request, in request order.
    /// - Throws: `QMPProtocolError` when nothing could be sent (a closed client, a duplicate id).
    public func outcomes(pipelined objects: [JSONObject], timeouts: [Duration], passing files: [PassedFile] = [])
        async throws(QMPProtocolError)
        -> [Result<QMPReply, QMPProtocolError>]
    {
        if let failure { throw failure }
        var keys: [WaitKey] = []
        var bytes: [UInt8] = []
        for (object, timeout) in zip(objects, timeouts) {
            let request: QMPSession.Request
            do {
                request = try session.request(object)
            } catch {
                for key in keys { abandon(key) }
                throw error
            }
            let command = object["execute"]?.stringValue.map { "reply to \($0)" } ?? "reply to a pipelined request"
            keys.append(register(request, waitingFor: command, timeout: timeout))
            bytes += request.bytes
        }
        // One write: it may take until the first request's deadline, which it cannot outlive.
        let deadline = keys.compactMap { deadlines[$0]?.instant }.min() ?? .now
        do {
            try await write(bytes, passing: files, deadline: deadline)
        } catch {
            sendFailed(keys, error)
        }
        var outcomes: [Result<QMPReply, QMPProtocolError>] = []
        for key in keys { outcomes.append(await awaitReply(key)) }
        return outcomes
    }

    /// Sends raw bytes without waiting for a reply.
    /// - Parameters:
    ///   - bytes: the bytes.
    ///   - timeout: how long the write may take (an endpoint that stops reading holds it).
    /// - Throws: a transport error (`.sendTimedOut` ends the connection), or the error that
    ///   ended the connection.
    public func sendRaw(_ bytes: [UInt8], timeout: Duration = .seconds(10)) async throws(QMPProtocolError) {
        if let failure { throw failure }
        record(.sent, bytes)
        do {
            try await transport.send(bytes, deadline: .now + timeout)
        } catch {
            sendFailed([], error)
            throw .transport(error)
        }
    }

    // MARK: - Events and observations

    /// A mark for `events(since:)` and `waitForEvent(after:...)`: the number of events so far.
    public var eventMark: Int { buffer.mark }

    /// The events received since a mark and still kept, in arrival order. Reading ends the
    /// current overflow: events dropped from now on are counted in a new `.eventsDropped` finding.
    /// - Parameter mark: from `eventMark`; 0 for all.
    /// - Returns: the events (at most `Options.maximumBufferedEvents`).
    public func events(since mark: Int = 0) -> [QMPEvent] {
        buffer.markRead()
        overflowFinding = nil
        return Array(buffer.events(since: mark))
    }

    /// Waits for an event matching a predicate, received after a mark.
    /// - Parameters:
    ///   - mark: from `eventMark`; `nil` means events from now on.
    ///   - timeout: how long to wait.
    ///   - predicate: which event.
    /// - Returns: the first matching event.
    /// - Throws: `.timeout`, or the error that ended the connection.
    public func waitForEvent(
        after mark: Int? = nil,
        timeout: Duration,
        matching predicate: @escaping @Sendable (QMPEvent) -> Bool
    ) async throws(QMPProtocolError) -> QMPEvent {
        let start = mark ?? eventMark
        if let event = buffer.events(since: start).first(where: predicate) { return event }
        if let failure { throw failure }
        let token = nextToken
        nextToken += 1
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let timer = Task { [weak self] in
                    do { try await Task.sleep(for: timeout) } catch { return }
                    await self?.expireEventWaiter(token, with: .timeout(waitingFor: "an event", after: timeout))
                }
                eventWaiters[token] = EventWaiter(
                    mark: start, predicate: predicate, deadline: .now + timeout, timeout: timeout,
                    continuation: continuation, timer: timer)
                if Task.isCancelled { expireEventWaiter(token, with: .cancelled(waitingFor: "an event")) }
            }
        } onCancel: {
            Task { await self.expireEventWaiter(token, with: .cancelled(waitingFor: "an event")) }
        }
        return try result.get()
    }

    /// Waits for an event by name.
    /// - Parameters:
    ///   - name: the event name.
    ///   - mark: from `eventMark`; `nil` means from now on.
    ///   - timeout: how long to wait.
    /// - Returns: the event.
    /// - Throws: `.timeout`, or the error that ended the connection.
    public func waitForEvent(named name: String, after mark: Int? = nil, timeout: Duration)
        async throws(QMPProtocolError) -> QMPEvent
    {
        try await waitForEvent(after: mark, timeout: timeout) { $0.name == name }
    }

    /// The greeting, once received.
    public var greeting: QMPGreeting? { session.greeting }
    /// The session state.
    public var state: QMPSession.State { session.state }
    /// Whether `oob` is enabled.
    public var oobEnabled: Bool { session.oobEnabled }
    /// Survivable departures from the spec seen so far.
    public var findings: [QMPFinding] { recordedFindings }
    /// Id-less replies nobody waited for (e.g. parse errors for raw input sent without waiting).
    public var unsolicitedReplies: [QMPReply] { unsolicited }
    /// The transcript (empty unless `Options.recordsTranscript`).
    public var transcript: QMPTranscript { recorded }

    /// Returns the transcript recorded so far and starts a new one (one per case in a long run,
    /// so memory stays bounded and no case copies the whole history).
    /// - Returns: the entries since the last call.
    public func takeTranscript() -> QMPTranscript {
        defer { recorded = QMPTranscript(byteLimit: options.maximumTranscriptBytes) }
        return recorded
    }
    /// The error that ended the connection, if one did.
    public var terminalError: QMPProtocolError? { failure }

    // MARK: - Internals

    private func perform(
        _ request: QMPSession.Request, passing files: [PassedFile] = [], waitingFor what: String, timeout: Duration
    ) async throws(QMPProtocolError) -> QMPReply {
        let key = register(request, waitingFor: what, timeout: timeout)
        do {
            try await write(request.bytes, passing: files, deadline: deadlines[key]?.instant ?? .now)
        } catch {
            sendFailed([key], error)
        }
        return try await awaitReply(key).get()
    }

    /// Records a write in the transcript (marked with the descriptors it passes) and makes it.
    private func write(_ bytes: [UInt8], passing files: [PassedFile], deadline: ContinuousClock.Instant)
        async throws(TransportError)
    {
        if options.recordsTranscript {
            recorded.append(.sent, bytes, passedDescriptors: files.count, at: options.clock())
        }
        if files.isEmpty {
            try await transport.send(bytes, deadline: deadline)
        } else {
            try await transport.send(bytes, passing: files, deadline: deadline)
        }
    }

    /// The requests of a write that failed. A broken pipe or reset means the endpoint closed:
    /// leave the requests to the reader, which is about to see the end of stream and knows more
    /// (e.g. the endpoint's exit status). A write that ran out of time left part of a message on
    /// the wire, so the connection ends with that error, and it is the requests' outcome even
    /// when their deadline (the same instant) was seen first: it says why no reply came.
    private func sendFailed(_ keys: [WaitKey], _ error: TransportError) {
        switch error {
        case .sendFailed(errno: 32), .sendFailed(errno: 104):  // EPIPE, ECONNRESET
            if let failure { for key in keys { complete(key, .failure(failure)) } }
        case .sendTimedOut:
            for key in keys {
                if case .done = entries[key] { entries[key] = .done(.failure(.transport(error))) }
            }
            fail(.transport(error))
        default:
            for key in keys { complete(key, .failure(.transport(error))) }
        }
    }

    private func register(_ request: QMPSession.Request, waitingFor what: String, timeout: Duration) -> WaitKey {
        let key: WaitKey
        if let id = request.id {
            key = .id(id)
        } else {
            key = .idless(nextToken)
            idlessOrder.append(nextToken)
            nextToken += 1
        }
        entries[key] = .registered
        schedule(key, Deadline(instant: .now + timeout, what: what, timeout: timeout))
        return key
    }

    private func abandon(_ key: WaitKey) {
        if case .id(let id) = key { session.abandon(id) } else { session.abandon(nil) }
        complete(key, .failure(.closed))
        entries[key] = nil
    }

    private func awaitReply(_ key: WaitKey) async -> Result<QMPReply, QMPProtocolError> {
        if case .done(let result)? = entries[key] {
            entries[key] = nil
            return result
        }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: ReplyContinuation) in
                if Task.isCancelled { cancelWait(key) }
                if case .registered? = entries[key] {
                    entries[key] = .waiting(continuation)
                } else if case .done(let result)? = entries[key] {
                    entries[key] = nil
                    continuation.resume(returning: result)
                } else {
                    continuation.resume(returning: .failure(failure ?? .closed))
                }
            }
        } onCancel: {
            Task { await self.cancelWait(key) }
        }
    }

    /// The waiting task was cancelled: its wait ends now with `.cancelled`, and a reply that
    /// still comes is a late one.
    private func cancelWait(_ key: WaitKey) {
        guard let deadline = deadlines[key] else { return }
        if case .id(let id) = key { session.abandon(id) } else { session.abandon(nil) }
        complete(key, .failure(.cancelled(waitingFor: deadline.what)))
    }

    private func complete(_ key: WaitKey, _ result: Result<QMPReply, QMPProtocolError>) {
        if case .idless(let token) = key { idlessOrder.removeAll { $0 == token } }
        deadlines[key] = nil
        switch entries[key] {
        case .registered:
            entries[key] = .done(result)
        case .waiting(let continuation):
            entries[key] = nil
            continuation.resume(returning: result)
        case .done, nil:
            break
        }
    }

    /// One watchdog task serves every request deadline: it sleeps until the earliest one and is
    /// restarted only when a new deadline comes earlier (rare: timeouts are usually equal).
    private func schedule(_ key: WaitKey, _ deadline: Deadline) {
        deadlines[key] = deadline
        if let target = watchdogTarget, target <= deadline.instant { return }
        startWatchdog(at: deadline.instant)
    }

    private func startWatchdog(at target: ContinuousClock.Instant) {
        watchdog?.cancel()
        watchdogTarget = target
        watchdog = Task { [weak self] in
            do { try await Task.sleep(until: target, clock: .continuous) } catch { return }
            await self?.watchdogFired()
        }
    }

    private func watchdogFired() {
        watchdogTarget = nil
        watchdog = nil
        expireOverdue()
        if let next = deadlines.values.map(\.instant).min() { startWatchdog(at: next) }
    }

    /// Ends every wait whose deadline has passed. The timers call it, and so does the read loop
    /// after every chunk: a flood that keeps this actor busy cannot postpone a deadline.
    private func expireOverdue() {
        let now = ContinuousClock.now
        for (token, waiter) in eventWaiters where waiter.deadline <= now {
            expireEventWaiter(token, with: .timeout(waitingFor: "an event", after: waiter.timeout))
        }
        if let greetingDeadline, greetingDeadline.instant <= now {
            expireGreeting(with: .greetingMissing(after: greetingDeadline.timeout))
        }
        for (key, deadline) in deadlines where deadline.instant <= now {
            switch entries[key] {
            case .registered, .waiting:
                if case .id(let id) = key { session.abandon(id) } else { session.abandon(nil) }
                complete(key, .failure(.timeout(waitingFor: deadline.what, after: deadline.timeout)))
            default:
                deadlines[key] = nil
            }
        }
    }

    private func expireGreeting(with problem: QMPProtocolError) {
        guard let (continuation, timer) = greetingWaiter else { return }
        greetingWaiter = nil
        greetingDeadline = nil
        timer.cancel()
        continuation.resume(returning: .failure(problem))
    }

    private func expireEventWaiter(_ token: Int, with problem: QMPProtocolError) {
        guard let waiter = eventWaiters.removeValue(forKey: token) else { return }
        waiter.timer.cancel()
        waiter.continuation.resume(returning: .failure(problem))
    }

    private func acquireSlot() async {
        if usedSlots < options.maximumInFlight {
            usedSlots += 1
            return
        }
        await withCheckedContinuation { slotWaiters.append($0) }
    }

    private func releaseSlot() {
        if slotWaiters.isEmpty {
            usedSlots -= 1
        } else {
            slotWaiters.removeFirst().resume()
        }
    }

    private func record(_ direction: QMPTranscript.Direction, _ bytes: [UInt8]) {
        guard options.recordsTranscript else { return }
        recorded.append(direction, bytes, at: options.clock())
    }

    private func readLoop() async {
        var lastYield = ContinuousClock.now
        while failure == nil {
            let chunk: [UInt8]?
            do {
                chunk = try await transport.receive()
            } catch {
                fail(.transport(error))
                return
            }
            guard failure == nil else { return }
            guard let chunk else {
                fail(
                    framer.isMidMessage
                        ? .endOfStreamMidMessage(pendingBytes: framer.bufferedByteCount) : .endOfStream)
                return
            }
            framer.append(chunk)
            while failure == nil {
                let line: QMPFramer.Line?
                do {
                    line = try framer.nextLine()
                } catch {
                    violate(error)
                    continue
                }
                guard let line else { break }
                handle(line)
            }
            // Between chunks: deadlines first; then, while a flood keeps chunks coming, let
            // callers (close, events, ...) in every few milliseconds.
            expireOverdue()
            if ContinuousClock.now - lastYield > .milliseconds(5) {
                await Task.yield()
                lastYield = ContinuousClock.now
            }
        }
    }

    private func handle(_ line: QMPFramer.Line) {
        let now = options.clock()
        if options.recordsTranscript {
            recorded.append(.received, line.rawBytes, at: now)
        }
        for action in session.receive(line, at: now) {
            switch action {
            case .greeted(let greeting):
                if let (continuation, timer) = greetingWaiter {
                    greetingWaiter = nil
                    greetingDeadline = nil
                    timer.cancel()
                    continuation.resume(returning: .success(greeting))
                }
            case .reply(let reply, let id):
                if let id {
                    complete(.id(id), .success(reply))
                } else if let token = idlessOrder.first {
                    complete(.idless(token), .success(reply))
                }
            case .unsolicitedReply(let reply):
                // No request waits for it (no id, none in flight without one): QMP spec 2.4
                // says a reply carries its request's id, so it is a fault as well as kept.
                if unsolicited.count < options.maximumBufferedEvents { unsolicited.append(reply) }
                addFinding(
                    QMPFinding(
                        .malformedMessage(
                            reason: "a reply without the id of any request in flight",
                            raw: JSONWriter.compact.string(.object(reply.raw))),
                        receivedAt: now))
            case .lateReply:
                addFinding(
                    QMPFinding(
                        .malformedMessage(
                            reason: "reply after its request timed out", raw: QMPProtocolError.excerpt(line.bytes)),
                        receivedAt: now))
            case .event(let event):
                buffer.append(event)
                if buffer.droppedSinceRead > 0 { recordOverflow(at: now) }
                deliver(event)
            case .finding(let problem):
                addFinding(QMPFinding(problem, receivedAt: now))
            case .violation(let problem):
                violate(problem)
            case .fatal(let problem):
                fail(problem)
            }
        }
    }

    private func addFinding(_ finding: QMPFinding) {
        if recordedFindings.count < options.maximumBufferedEvents { recordedFindings.append(finding) }
    }

    /// Records (or updates) the one `.eventsDropped` finding of the current overflow.
    private func recordOverflow(at now: ContinuousClock.Instant) {
        let finding = QMPFinding(
            .eventsDropped(count: buffer.droppedSinceRead, limit: buffer.limit), receivedAt: now)
        if let index = overflowFinding {
            recordedFindings[index].problem = finding.problem
        } else if recordedFindings.count < options.maximumBufferedEvents {
            overflowFinding = recordedFindings.count
            recordedFindings.append(finding)
        }
    }

    private func deliver(_ event: QMPEvent) {
        let index = eventMark - 1
        for (token, waiter) in eventWaiters where index >= waiter.mark && waiter.predicate(event) {
            eventWaiters[token] = nil
            waiter.timer.cancel()
            waiter.continuation.resume(returning: .success(event))
        }
    }

    /// A fault that breaks id matching: fail what is in flight, record it, keep the connection.
    private func violate(_ problem: QMPProtocolError) {
        addFinding(QMPFinding(problem, receivedAt: options.clock()))
        for key in entries.keys {
            if case .id(let id) = key { session.abandon(id) } else { session.abandon(nil) }
            complete(key, .failure(problem))
        }
    }

    /// A fault that ends the connection: fail every waiter now and every call from now on.
    private func fail(_ problem: QMPProtocolError) {
        guard failure == nil else { return }
        failure = problem
        for key in entries.keys { complete(key, .failure(problem)) }
        watchdog?.cancel()
        watchdog = nil
        watchdogTarget = nil
        if let (continuation, timer) = greetingWaiter {
            greetingWaiter = nil
            greetingDeadline = nil
            timer.cancel()
            continuation.resume(returning: .failure(problem))
        }
        for waiter in eventWaiters.values {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: .failure(problem))
        }
        eventWaiters = [:]
        if problem != .closed {
            let transport = transport
            Task { await transport.close() }
        }
    }
}
