/// The named rules a downstream build must keep to be certified against its upstream reference
/// (`qmp-conform certify`): each is one JUnit test case, and a broken one counts once in the
/// verdict line `NOT CERTIFIED (n rules broken)`.
public enum CertificationRule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Every upstream command is present.
    case upstreamCommands = "upstream-commands"
    /// Every upstream event is present.
    case upstreamEvents = "upstream-events"
    /// Every upstream member is present with a compatible type (QMP spec section 5).
    case upstreamMembers = "upstream-members"
    /// Every upstream enum value is present.
    case upstreamEnumValues = "upstream-enum-values"
    /// Every addition carries a downstream name, `__RFQDN_` (QMP spec section 6).
    case downstreamNames = "downstream-names"
    /// The greeting is upstream's: only `version` (in `query-version`'s format) and
    /// `capabilities` (QMP spec sections 2.2 and 6).
    case greetingShape = "greeting-shape"
    /// The greeting offers upstream capabilities, and any other under a downstream name (QMP spec
    /// section 6: the greeting changes only by added capabilities).
    case greetingCapabilities = "greeting-capabilities"
    /// The full conformance run passes (waived deviations allowed).
    case conformanceRun = "conformance-run"

    public var description: String { rawValue }

    /// What the rule asks, as the test case's one-line summary.
    public var summary: String {
        switch self {
        case .upstreamCommands: "every upstream command is present"
        case .upstreamEvents: "every upstream event is present"
        case .upstreamMembers: "every upstream member is present with a compatible type"
        case .upstreamEnumValues: "every upstream enum value is present"
        case .downstreamNames: "every addition has a downstream name '__RFQDN_' (QMP spec section 6)"
        case .greetingShape: "the greeting has upstream's members and version format (QMP spec 2.2, 6)"
        case .greetingCapabilities: "the greeting adds only capabilities, under downstream names (QMP spec 6)"
        case .conformanceRun: "the full conformance run passes (waived deviations allowed)"
        }
    }
}
