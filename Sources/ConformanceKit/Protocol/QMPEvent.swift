/// An asynchronous event (QMP spec §2.5), with the endpoint's timestamp and our receive time.
public struct QMPEvent: Sendable, Hashable {
    /// The event name, e.g. `STOP`.
    public var name: String
    /// The optional `data` member.
    public var data: JSONObject?
    /// When the endpoint says the event happened.
    public var timestamp: QMPTimestamp
    /// Our monotonic receive time.
    public var receivedAt: ContinuousClock.Instant
    /// The position of this message in the connection's arrival order.
    public var sequence: Int

    /// Creates an event.
    /// - Parameters:
    ///   - name: event name.
    ///   - data: event data.
    ///   - timestamp: endpoint timestamp.
    ///   - receivedAt: our receive time.
    ///   - sequence: arrival position.
    public init(
        name: String,
        data: JSONObject?,
        timestamp: QMPTimestamp,
        receivedAt: ContinuousClock.Instant,
        sequence: Int = 0
    ) {
        self.name = name
        self.data = data
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.sequence = sequence
    }
}

/// An event's `timestamp`: seconds and microseconds since the Unix epoch, or both -1 when the
/// server could not read the clock (QMP spec §2.5).
public struct QMPTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds.
    public var seconds: Int64
    /// Microseconds, 0...999_999 (or -1 with `seconds == -1`).
    public var microseconds: Int64

    /// Creates a timestamp.
    /// - Parameters:
    ///   - seconds: whole seconds.
    ///   - microseconds: microseconds.
    public init(seconds: Int64, microseconds: Int64) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// Reads a timestamp object; `nil` unless it has exactly integer `seconds` and `microseconds`
    /// with microseconds in 0...999_999, or both -1.
    /// - Parameter value: the `timestamp` member.
    public init?(_ value: JSONValue) {
        guard let object = value.objectValue, object.count == 2,
            let seconds = object["seconds"]?.int64Value,
            let microseconds = object["microseconds"]?.int64Value
        else { return nil }
        let unknown = seconds == -1 && microseconds == -1
        guard unknown || (seconds >= 0 && (0...999_999).contains(microseconds)) else { return nil }
        self.init(seconds: seconds, microseconds: microseconds)
    }

    /// Whether the server reported that it could not read its clock.
    public var isUnknown: Bool { seconds == -1 && microseconds == -1 }

    /// `1700000000.000042`, or `unknown` for the -1/-1 timestamp.
    public var description: String {
        guard !isUnknown else { return "unknown" }
        let micros = String(microseconds)
        return "\(seconds)." + String(repeating: "0", count: max(0, 6 - micros.count)) + micros
    }

    /// Orders by seconds, then microseconds.
    public static func < (lhs: QMPTimestamp, rhs: QMPTimestamp) -> Bool {
        (lhs.seconds, lhs.microseconds) < (rhs.seconds, rhs.microseconds)
    }
}
