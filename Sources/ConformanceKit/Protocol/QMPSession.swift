/// The QMP conversation as a state machine: greeting, capabilities negotiation, command mode,
/// request ids and reply matching.
///
/// Pipeline position: `QMPFramer` lines go in through `receive(_:at:)`, which parses and
/// classifies them (`QMPMessage`) and returns what happened as `Action`s; requests come out of
/// `command(...)`/`request(...)` as compact bytes with a fresh short id. It performs no I/O and
/// keeps no timers: `QMPClient` does both. The `.guestAgent` dialect (qemu-ga) starts in command
/// mode, with no greeting and no negotiation; its handshake is the resynchronisation of QMP spec
/// §2.7 (`resynchronization(id:)`): input up to the 0xFF delimiter the agent sends back is
/// discarded.
public struct QMPSession: Sendable {
    /// Which flavour of QMP the server speaks.
    public enum Dialect: String, Sendable, Hashable, CaseIterable {
        /// QEMU's system emulator and storage daemon: greeting, negotiation, CRLF.
        case qmp
        /// The guest agent (qemu-ga): no greeting, no negotiation, bare LF line ends, and
        /// `guest-sync-delimited` to resynchronise (QMP spec §2.7).
        case guestAgent = "guest-agent"
    }

    /// The byte the guest agent's resynchronisation uses: sent to reset the agent's parser, and
    /// sent back by the agent just before the reply to `guest-sync-delimited`.
    public static let delimiter: UInt8 = 0xFF

    /// Where the conversation is.
    public enum State: Sendable, Hashable {
        /// Connected; the greeting has not arrived yet.
        case awaitingGreeting
        /// Greeted; only `qmp_capabilities` runs (QMP spec §4).
        case negotiating
        /// Negotiated (or no negotiation in this dialect): all commands run, events flow.
        case commandMode
        /// A fatal error ended the conversation.
        case failed(QMPProtocolError)
    }

    /// What a received line meant.
    public enum Action: Sendable, Hashable {
        /// The greeting arrived; the session is now negotiating.
        case greeted(QMPGreeting)
        /// A reply to the in-flight request with this id (`nil`: an id-less request, oldest first).
        case reply(QMPReply, requestID: JSONValue?)
        /// An id-less reply with no id-less request waiting (e.g. a parse error for raw input).
        case unsolicitedReply(QMPReply)
        /// A reply to a request the client had given up on (timed out).
        case lateReply(QMPReply)
        /// An event.
        case event(QMPEvent)
        /// A survivable departure from the spec.
        case finding(QMPProtocolError)
        /// A reply that breaks id matching (unknown id, duplicate): requests in flight can no
        /// longer be trusted to be answered and should fail with this error.
        case violation(QMPProtocolError)
        /// The conversation cannot go on (bad greeting, bytes that are not a JSON object).
        case fatal(QMPProtocolError)
    }

    /// A request ready to send.
    public struct Request: Sendable, Hashable {
        /// Its id, or `nil` when it has none (matched to id-less replies in order).
        public var id: JSONValue?
        /// The exact bytes to write.
        public var bytes: [UInt8]
    }

    /// The dialect.
    public let dialect: Dialect
    /// The current state.
    public private(set) var state: State
    /// The greeting, once received.
    public private(set) var greeting: QMPGreeting?
    /// Whether `oob` was successfully enabled.
    public private(set) var oobEnabled = false
    /// Messages received so far (the next message's `sequence`).
    public private(set) var messageCount = 0

    private var nextID: Int64 = 1
    private var inFlight: [JSONValue: [String]?] = [:]
    private var idlessInFlight = 0
    private var answered: Set<JSONValue> = []
    private var answeredOrder: [JSONValue] = []
    private var abandoned: Set<JSONValue> = []
    private var awaitingDelimiter = false
    /// `guest-sync-delimited` requests sent whose 0xFF has not come yet.
    private var delimitersExpected = 0

    /// Creates a session in its initial state.
    /// - Parameter dialect: `.qmp` unless talking to the guest agent.
    public init(dialect: Dialect = .qmp) {
        self.dialect = dialect
        state = dialect == .qmp ? .awaitingGreeting : .commandMode
    }

    /// Whether input is being discarded until the agent's 0xFF delimiter (after
    /// `resynchronization(id:)`, guest-agent dialect).
    public var isAwaitingDelimiter: Bool { awaitingDelimiter }

    /// Builds the guest agent's resynchronisation (QMP spec §2.7): a 0xFF byte that resets the
    /// agent's parser, then `guest-sync-delimited` with `id`. Until a line with the agent's own
    /// 0xFF arrives, every line received is discarded (it answers input of an earlier client or
    /// the 0xFF itself); the reply after the delimiter must return `id`.
    /// - Parameter id: the number the agent must return (random, so a stale reply cannot match).
    /// - Returns: the request to send.
    /// - Throws: `QMPProtocolError.duplicateRequestID` (not with fresh ids).
    public mutating func resynchronization(id: Int64) throws(QMPProtocolError) -> Request {
        var request = try command("guest-sync-delimited", arguments: ["id": .int(id)])
        request.bytes.insert(Self.delimiter, at: 0)
        awaitingDelimiter = true
        return request
    }

    /// The requests sent and not yet answered or abandoned.
    public var inFlightCount: Int { inFlight.count + idlessInFlight }

    /// Builds a command request with an id (a fresh small integer unless given).
    /// - Parameters:
    ///   - command: the command name.
    ///   - arguments: the `arguments` object, omitted when `nil`.
    ///   - oob: use `exec-oob` instead of `execute`.
    ///   - id: an explicit id of any JSON type; `nil` picks the next integer.
    /// - Returns: the request to send.
    /// - Throws: `QMPProtocolError.duplicateRequestID` when `id` is already in flight.
    public mutating func command(
        _ command: String,
        arguments: JSONObject? = nil,
        oob: Bool = false,
        id: JSONValue? = nil
    ) throws(QMPProtocolError) -> Request {
        var object = JSONObject()
        object[oob ? "exec-oob" : "execute"] = .string(command)
        if let arguments { object["arguments"] = .object(arguments) }
        object["id"] = id ?? freshID()
        return try request(object)
    }

    /// The command that moves a QMP session from capabilities negotiation to command mode.
    public static let negotiationCommand = "qmp_capabilities"

    /// Builds the `qmp_capabilities` request: exactly `enable` when given, else `oob` when the
    /// greeting offered it and `wantsOOB`, else no arguments.
    /// - Parameters:
    ///   - enable: the capabilities to enable, or `nil` for the default choice.
    ///   - wantsOOB: whether out-of-band execution is wanted.
    /// - Returns: the request to send; its success reply moves the session to command mode.
    /// - Throws: `QMPProtocolError.duplicateRequestID` (not with fresh ids).
    public mutating func negotiation(enable: [String]? = nil, wantsOOB: Bool = true) throws(QMPProtocolError)
        -> Request
    {
        let wanted = enable ?? ((wantsOOB && greeting?.offersOOB == true) ? ["oob"] : [])
        let arguments: JSONObject? = wanted.isEmpty ? nil : ["enable": .array(wanted.map { .string($0) })]
        return try command(Self.negotiationCommand, arguments: arguments)
    }

    /// Registers an arbitrary request object (its `id`, if any, is matched to the reply).
    /// - Parameter object: the whole request; written compactly in member order.
    /// - Returns: the request to send.
    /// - Throws: `QMPProtocolError.duplicateRequestID` when its id is already in flight.
    public mutating func request(_ object: JSONObject) throws(QMPProtocolError) -> Request {
        try raw(JSONWriter.compact.bytes(.object(object)), id: object["id"], object: object)
    }

    /// Registers raw bytes that will draw one reply (with `id`, or id-less when `nil`).
    /// - Parameters:
    ///   - bytes: the bytes to send, as they are.
    ///   - id: the id the reply will carry, or `nil` for an id-less reply.
    /// - Returns: the request to send.
    /// - Throws: `QMPProtocolError.duplicateRequestID` when the id is already in flight.
    public mutating func raw(_ bytes: [UInt8], id: JSONValue?) throws(QMPProtocolError) -> Request {
        try raw(bytes, id: id, object: nil)
    }

    private mutating func raw(_ bytes: [UInt8], id: JSONValue?, object: JSONObject?) throws(QMPProtocolError) -> Request
    {
        var enable: [String]?
        if dialect == .guestAgent, object?["execute"]?.stringValue == "guest-sync-delimited" {
            delimitersExpected += 1
        }
        if object?["execute"]?.stringValue == Self.negotiationCommand {
            enable = object?["arguments"]?["enable"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        if let id {
            guard inFlight[id] == nil else { throw .duplicateRequestID(id) }
            inFlight[id] = .some(enable)
            abandoned.remove(id)
            forget(id)
        } else {
            idlessInFlight += 1
        }
        return Request(id: id, bytes: bytes)
    }

    /// Stops waiting for a request's reply (its timeout expired); a later reply is `.lateReply`.
    /// - Parameter id: the request's id, or `nil` for the oldest id-less request.
    public mutating func abandon(_ id: JSONValue?) {
        if let id {
            if inFlight.removeValue(forKey: id) != nil { abandoned.insert(id) }
        } else if idlessInFlight > 0 {
            idlessInFlight -= 1
        }
    }

    /// Handles one line from the server.
    /// - Parameters:
    ///   - line: the framed line.
    ///   - time: our monotonic receive time.
    /// - Returns: what it meant; findings (such as a missing CR) come before the main action.
    public mutating func receive(_ line: QMPFramer.Line, at time: ContinuousClock.Instant) -> [Action] {
        if case .failed = state { return [] }
        var actions: [Action] = []
        var line = line
        switch dialect {
        case .qmp:
            if line.terminator != .crlf {
                actions.append(
                    .finding(.malformedMessage(reason: "line ends with bare LF, not CRLF", raw: excerpt(line))))
            }
        case .guestAgent:
            if let delimiter = line.bytes.lastIndex(of: Self.delimiter) {
                if delimitersExpected == 0 {
                    actions.append(
                        .finding(
                            .malformedMessage(
                                reason: "0xFF delimiter without a guest-sync-delimited", raw: excerpt(line))))
                }
                awaitingDelimiter = false
                delimitersExpected = max(0, delimitersExpected - 1)
                line.bytes.removeSubrange(...delimiter)
            } else if awaitingDelimiter {
                return []
            }
        }
        let object: JSONObject
        switch parse(line) {
        case .success(let value): object = value
        case .failure(let error):
            state = .failed(error)
            return actions + [.fatal(error)]
        }
        let sequence = messageCount
        messageCount += 1
        let message = QMPMessage(classifying: object, receivedAt: time, sequence: sequence)
        if state == .awaitingGreeting {
            switch message {
            case .greeting(let greeting):
                self.greeting = greeting
                state = .negotiating
                return actions + [.greeted(greeting)]
            case .event(let event):
                // QEMU 7.2 may send an event (e.g. RESUME) before its greeting while the guest starts.
                let finding = QMPProtocolError.eventBeforeGreeting(name: event.name, raw: excerpt(line))
                return actions + [.finding(finding), .event(event)]
            case .unrecognized(_, let reason):
                let error = QMPProtocolError.greetingMalformed(reason: reason, raw: excerpt(line))
                state = .failed(error)
                return actions + [.fatal(error)]
            default:
                let error = QMPProtocolError.greetingMalformed(
                    reason: "first message is not a greeting", raw: excerpt(line))
                state = .failed(error)
                return actions + [.fatal(error)]
            }
        }
        switch message {
        case .greeting:
            actions.append(.finding(.malformedMessage(reason: "second greeting", raw: excerpt(line))))
        case .event(let event):
            actions.append(.event(event))
        case .unrecognized(_, let reason):
            actions.append(.finding(.malformedMessage(reason: reason, raw: excerpt(line))))
        case .reply(let reply):
            actions.append(match(reply, line: line))
        }
        return actions
    }

    private mutating func match(_ reply: QMPReply, line: QMPFramer.Line) -> Action {
        guard let id = reply.id else {
            guard idlessInFlight > 0 else { return .unsolicitedReply(reply) }
            idlessInFlight -= 1
            return .reply(reply, requestID: nil)
        }
        if let enable = inFlight.removeValue(forKey: id) {
            remember(id)
            if let enable, reply.isSuccess, state == .negotiating {
                state = .commandMode
                oobEnabled = enable.contains("oob")
            }
            return .reply(reply, requestID: id)
        }
        if abandoned.remove(id) != nil {
            remember(id)
            return .lateReply(reply)
        }
        if answered.contains(id) { return .violation(.duplicateReply(id, raw: excerpt(line))) }
        return .violation(.unknownReplyID(id, raw: excerpt(line)))
    }

    private mutating func remember(_ id: JSONValue) {
        if answered.insert(id).inserted { answeredOrder.append(id) }
        if answeredOrder.count > 4096 {
            for old in answeredOrder.prefix(2048) { answered.remove(old) }
            answeredOrder.removeFirst(2048)
        }
    }

    private mutating func forget(_ id: JSONValue) {
        if answered.remove(id) != nil { answeredOrder.removeAll { $0 == id } }
    }

    private mutating func freshID() -> JSONValue {
        while true {
            let id = JSONValue.int(nextID)
            nextID = nextID == Int64.max ? 1 : nextID + 1
            if inFlight[id] == nil { return id }
        }
    }

    private func excerpt(_ line: QMPFramer.Line) -> String { QMPProtocolError.excerpt(line.bytes) }

    private func parse(_ line: QMPFramer.Line) -> Result<JSONObject, QMPProtocolError> {
        let bytes = line.bytes
        if !bytes.allSatisfy({ $0 < 0x80 }), String(validating: bytes, as: UTF8.self) == nil {
            return .failure(.invalidUTF8(raw: excerpt(line)))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .failure(.invalidJSON(error, raw: excerpt(line)))
        }
        guard let object = value.objectValue else { return .failure(.notAnObject(raw: excerpt(line))) }
        return .success(object)
    }
}
