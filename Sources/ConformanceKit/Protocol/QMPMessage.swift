/// One message from a QMP server, classified by its shape (QMP spec §2.2, §2.4, §2.5).
///
/// Sits between framing (`QMPFramer` gives lines, the JSON parser objects) and the session
/// (`QMPSession` decides what a message means in the current state). Classification is pure and
/// total: an object of no known shape is `.unrecognized` with the reason, a finding rather than
/// a crash.
public enum QMPMessage: Sendable, Hashable {
    /// `{"QMP": {"version": ..., "capabilities": [...]}}`.
    case greeting(QMPGreeting)
    /// `{"return": ...}` or `{"error": {...}}`, with an optional `id`.
    case reply(QMPReply)
    /// `{"event": ..., "data"?: {...}, "timestamp": {...}}`.
    case event(QMPEvent)
    /// An object that none of the spec's shapes describe, and why.
    case unrecognized(JSONObject, reason: String)

    /// Classifies a server message.
    /// - Parameters:
    ///   - object: the parsed message.
    ///   - receivedAt: our monotonic receive time, kept on events and replies.
    ///   - sequence: the message's position in the connection's arrival order.
    public init(classifying object: JSONObject, receivedAt: ContinuousClock.Instant, sequence: Int = 0) {
        if let qmp = object["QMP"] {
            guard let inner = qmp.objectValue else {
                self = .unrecognized(object, reason: "greeting member 'QMP' is not an object")
                return
            }
            guard let version = inner["version"]?.objectValue else {
                self = .unrecognized(object, reason: "greeting lacks an object 'version'")
                return
            }
            guard let capabilities = inner["capabilities"]?.arrayValue else {
                self = .unrecognized(object, reason: "greeting lacks an array 'capabilities'")
                return
            }
            let names = capabilities.compactMap(\.stringValue)
            guard names.count == capabilities.count else {
                self = .unrecognized(object, reason: "greeting capabilities are not all strings")
                return
            }
            self = .greeting(QMPGreeting(version: version, capabilities: names, raw: object))
            return
        }
        if object["return"] != nil || object["error"] != nil {
            if let reply = QMPReply(object, receivedAt: receivedAt, sequence: sequence) {
                self = .reply(reply)
            } else if object["return"] != nil, object["error"] != nil {
                self = .unrecognized(object, reason: "reply has both 'return' and 'error'")
            } else {
                self = .unrecognized(object, reason: "'error' is not an object with string 'class' and 'desc'")
            }
            return
        }
        if let name = object["event"] {
            guard let name = name.stringValue else {
                self = .unrecognized(object, reason: "event name is not a string")
                return
            }
            var data: JSONObject?
            if let value = object["data"] {
                guard let value = value.objectValue else {
                    self = .unrecognized(object, reason: "event '\(name)' has non-object 'data'")
                    return
                }
                data = value
            }
            guard let timestamp = object["timestamp"].flatMap(QMPTimestamp.init(_:)) else {
                self = .unrecognized(object, reason: "event '\(name)' has a missing or malformed 'timestamp'")
                return
            }
            self = .event(
                QMPEvent(name: name, data: data, timestamp: timestamp, receivedAt: receivedAt, sequence: sequence)
            )
            return
        }
        self = .unrecognized(object, reason: "object is not a greeting, reply or event")
    }
}
