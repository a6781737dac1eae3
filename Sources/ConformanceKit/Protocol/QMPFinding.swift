/// A departure from the QMP spec that the client noticed and survived, such as an unrecognised
/// message or a line without CR. Findings are reported, not thrown.
public struct QMPFinding: Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, as the error it would be if it were fatal.
    public var problem: QMPProtocolError
    /// Our monotonic receive time.
    public var receivedAt: ContinuousClock.Instant

    /// Creates a finding.
    /// - Parameters:
    ///   - problem: what was wrong.
    ///   - receivedAt: when it arrived.
    public init(_ problem: QMPProtocolError, receivedAt: ContinuousClock.Instant) {
        self.problem = problem
        self.receivedAt = receivedAt
    }

    /// A one-line human-readable rendering.
    public var description: String { problem.description }
}
