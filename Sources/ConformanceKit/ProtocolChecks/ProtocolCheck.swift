/// One rule of the QMP spec, checked against a live endpoint: a named, runnable test case.
///
/// The catalogue is `ProtocolChecks.all`; `ProtocolChecks.run` runs one and returns a
/// `ProtocolCheckResult`. A check's body returns what it observed when the rule holds, and throws
/// `ProtocolCheckContext.Failure` / `.Skip` (or a `QMPProtocolError`) when it does not or
/// cannot apply.
public struct ProtocolCheck: Sendable, Identifiable {
    /// The check's name, e.g. `greeting-shape`; unique in the catalogue.
    public var name: String
    /// The QMP spec section, e.g. `2.2`.
    public var section: String
    /// One sentence: the rule.
    public var summary: String
    /// Whether the check changes the endpoint's run state (e.g. `stop`/`cont`); a runner should
    /// run these only against a disposable (launched) endpoint.
    public var changesRunState: Bool
    /// The dialects the rule belongs to (the greeting and `qmp_capabilities` are QMP's only;
    /// `guest-sync-delimited` is the guest agent's).
    public var dialects: Set<QMPSession.Dialect>
    /// The check itself.
    public var body: @Sendable (ProtocolCheckContext) async throws -> String

    /// `name`.
    public var id: String { name }

    /// Creates a check.
    /// - Parameters:
    ///   - name: unique name.
    ///   - section: spec section.
    ///   - summary: the rule.
    ///   - changesRunState: whether it pauses/resumes the guest.
    ///   - dialects: the dialects the rule belongs to.
    ///   - body: returns what it observed; throws on failure or skip.
    public init(
        _ name: String,
        section: String,
        summary: String,
        changesRunState: Bool = false,
        dialects: Set<QMPSession.Dialect> = [.qmp],
        body: @escaping @Sendable (ProtocolCheckContext) async throws -> String
    ) {
        self.name = name
        self.section = section
        self.summary = summary
        self.changesRunState = changesRunState
        self.dialects = dialects
        self.body = body
    }
}
