/// A command's response (QMP spec §2.4): success or error, with the echoed `id` if any.
///
/// An error reply is a value, not a thrown error: a conformance suite expects many of them.
public struct QMPReply: Sendable, Hashable {
    /// Success with the `return` value, or failure with the `error` member.
    public enum Outcome: Sendable, Hashable {
        /// `{"return": value}`.
        case success(JSONValue)
        /// `{"error": {"class": ..., "desc": ...}}`.
        case error(QMPErrorInfo)
    }

    /// The echoed id: `nil` when the member is absent, `.null` when it is `null`.
    public var id: JSONValue?
    /// Success or error.
    public var outcome: Outcome
    /// The whole reply as received.
    public var raw: JSONObject
    /// Our monotonic receive time.
    public var receivedAt: ContinuousClock.Instant
    /// The position of this message in the connection's arrival order.
    public var sequence: Int

    /// Reads a reply, or returns `nil` when the object is not a well-formed reply.
    /// - Parameters:
    ///   - object: the message.
    ///   - receivedAt: our receive time.
    ///   - sequence: arrival position.
    public init?(_ object: JSONObject, receivedAt: ContinuousClock.Instant, sequence: Int = 0) {
        switch (object["return"], object["error"]) {
        case (let value?, nil):
            outcome = .success(value)
        case (nil, let error?):
            guard let errorClass = error["class"]?.stringValue, let desc = error["desc"]?.stringValue else {
                return nil
            }
            outcome = .error(QMPErrorInfo(errorClass: QMPErrorClass(rawValue: errorClass), desc: desc))
        default:
            return nil
        }
        id = object["id"]
        raw = object
        self.receivedAt = receivedAt
        self.sequence = sequence
    }

    /// The `return` value, when this is a success.
    public var returnValue: JSONValue? { if case .success(let value) = outcome { value } else { nil } }
    /// The error, when this is an error reply.
    public var error: QMPErrorInfo? { if case .error(let error) = outcome { error } else { nil } }
    /// Whether this is a success.
    public var isSuccess: Bool { returnValue != nil }
}
