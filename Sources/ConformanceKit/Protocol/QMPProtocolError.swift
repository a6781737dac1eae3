/// Why a QMP exchange failed: the protocol layer's error, wrapping the transport's.
///
/// Every way a server can misbehave maps to one case here, so the runner can report it and carry
/// on; the client never traps on what a server sends. Raw excerpts are capped at
/// `QMPProtocolError.excerptLimit` bytes and decoded lossily, so the error stays small, and the
/// rendering (`description`) escapes every control character through `TextEscaping.terminal`, so
/// endpoint bytes quoted in it cannot act on a terminal.
public enum QMPProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The transport failed (connect refused, endpoint died, ...); carries the errno where known.
    case transport(TransportError)
    /// No reply (or event, or greeting) within the time allowed.
    case timeout(waitingFor: String, after: Duration)
    /// The connection produced no greeting within the time allowed (QMP spec §2.2).
    case greetingMissing(after: Duration)
    /// The first message was not a well-formed greeting.
    case greetingMalformed(reason: String, raw: String)
    /// The endpoint closed the connection cleanly (at a message boundary).
    case endOfStream
    /// The endpoint closed the connection in the middle of a message.
    case endOfStreamMidMessage(pendingBytes: Int)
    /// A message was not valid UTF-8 (let alone ASCII, QMP spec §2).
    case invalidUTF8(raw: String)
    /// A message was not valid JSON.
    case invalidJSON(JSONParseError, raw: String)
    /// A message was valid JSON but not an object (QMP spec §2.1.1).
    case notAnObject(raw: String)
    /// A message exceeded the configured maximum size; it was discarded without being buffered.
    case messageTooLarge(limit: Int)
    /// A reply carried an id no request of ours used (QMP spec §2.4).
    case unknownReplyID(JSONValue, raw: String)
    /// A second reply arrived for a request already answered.
    case duplicateReply(JSONValue, raw: String)
    /// A message had a recognised key but the wrong shape (e.g. an event's `timestamp`).
    case malformedMessage(reason: String, raw: String)
    /// `qmp_capabilities` was refused during `connect`.
    case negotiationFailed(QMPErrorInfo)
    /// The request asked for an id that a request still in flight already uses.
    case duplicateRequestID(JSONValue)
    /// The client was closed (by `close()` or an earlier fatal error) before this call.
    case closed
    /// An event came before the greeting (QMP spec §2.2: the greeting is the first message);
    /// the event is kept and judged like any other, and the greeting that follows is accepted.
    case eventBeforeGreeting(name: String, raw: String)
    /// More events arrived than the client keeps (`QMPClient.Options.maximumBufferedEvents`):
    /// this many of the oldest were dropped since the events were last read.
    case eventsDropped(count: Int, limit: Int)
    /// The waiting task was cancelled (the run was interrupted) before the reply came.
    case cancelled(waitingFor: String)
    /// The guest agent's reply to `guest-sync-delimited` did not return the id sent (QMP spec
    /// §2.7).
    case resynchronizationFailed(expected: Int64, raw: String)

    /// The most bytes of a raw message kept in an error.
    public static let excerptLimit = 512

    /// A short, lossy, printable excerpt of raw message bytes.
    /// - Parameter bytes: the raw bytes.
    /// - Returns: at most `excerptLimit` bytes, decoded with replacement characters.
    public static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        let head = bytes.prefix(excerptLimit)
        let text = String(decoding: head, as: UTF8.self)
        return head.count < bytes.count ? text + "..." : text
    }

    /// The QMP spec section a departure breaks, when it breaks one (`2.2` for the greeting).
    public var specSection: String? {
        switch self {
        case .greetingMissing, .greetingMalformed, .eventBeforeGreeting: "2.2"
        case .invalidUTF8, .invalidJSON, .notAnObject: "2.1"
        case .unknownReplyID, .duplicateReply: "2.4"
        case .resynchronizationFailed: "2.7"
        default: nil
        }
    }

    /// A one-line human-readable rendering, with control characters escaped (safe to print).
    public var description: String { TextEscaping.terminal(text) }

    private var text: String {
        switch self {
        case .transport(let error): "transport: \(error)"
        case .timeout(let what, let after): "timed out after \(after) waiting for \(what)"
        case .greetingMissing(let after): "no QMP greeting within \(after)"
        case .greetingMalformed(let reason, let raw): "malformed greeting (\(reason)): \(raw)"
        case .endOfStream: "the endpoint closed the connection"
        case .endOfStreamMidMessage(let count):
            "the endpoint closed the connection mid-message (\(count) bytes pending)"
        case .invalidUTF8(let raw): "message is not valid UTF-8: \(raw)"
        case .invalidJSON(let error, let raw): "message is not valid JSON (\(error)): \(raw)"
        case .notAnObject(let raw): "message is not a JSON object: \(raw)"
        case .messageTooLarge(let limit): "message larger than the limit of \(limit) bytes"
        case .unknownReplyID(let id, let raw): "reply with unknown id \(id): \(raw)"
        case .duplicateReply(let id, let raw): "second reply for id \(id): \(raw)"
        case .malformedMessage(let reason, let raw): "malformed message (\(reason)): \(raw)"
        case .negotiationFailed(let error): "qmp_capabilities failed: \(error)"
        case .duplicateRequestID(let id): "id \(id) is already in flight"
        case .closed: "the client is closed"
        case .eventBeforeGreeting(let name, let raw):
            "event \(name) before the greeting (QMP spec §2.2: the greeting is the first message): \(raw)"
        case .eventsDropped(let count, let limit):
            "\(count) events dropped: more than the \(limit) kept arrived (the newest are kept)"
        case .cancelled(let what): "cancelled while waiting for \(what)"
        case .resynchronizationFailed(let expected, let raw):
            "guest-sync-delimited did not return \(expected) after the 0xFF delimiter: \(raw)"
        }
    }
}
