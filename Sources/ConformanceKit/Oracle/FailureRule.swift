/// The rules a verdict can find broken: one typed set for every kind of item, named in reports
/// by `description` (`valid-rejected`, `returns-wrong-type`, `qmp-spec-2.4.1`, ...).
public enum FailureRule: Sendable, Hashable, CustomStringConvertible {
    /// An invalid case got a success reply.
    case invalidAccepted
    /// An invalid case got an error that is not an argument-validation error.
    case notAValidationError
    /// An error of the wrong class.
    case errorClass
    /// A validation error that names another member than the broken one.
    case errorNamesWrongMember
    /// A valid case was rejected by argument validation.
    case validRejected
    /// A doc example's request was rejected by argument validation.
    case docExampleRejected
    /// A doc example's reply is not of the documented JSON kind.
    case docReplyShape
    /// A documented error did not happen.
    case documentedErrorMissing
    /// A command that returns nothing returned members.
    case returnsConformance
    /// A success reply breaks the command's `returns` type.
    case returns(ValidationRule)
    /// An event the schema does not define.
    case eventUnknown
    /// An event's data breaks its schema type.
    case event(ValidationRule)
    /// An event's timestamp is earlier than the previous event's.
    case eventTimestampOrder
    /// A scenario step's reply does not match its `return`.
    case returnMismatch
    /// A scenario step's reply does not match its `error`.
    case errorMismatch
    /// A scenario capture found nothing at its path.
    case captureMissing
    /// An expected event did not arrive.
    case eventMissing
    /// An expected event arrived after its window.
    case eventLate
    /// An expected event arrived on the wrong side of the reply.
    case eventOrder
    /// A forbidden event arrived within its window.
    case eventUnexpected
    /// An invalid call changed what a query lists (QMP spec section 5: it must change nothing).
    case invalidChangedState
    /// A valid call answered with an error changed what a query lists: an error reply means the
    /// command did nothing, so the state must be as it was (a failed `chardev-change` must not
    /// remove the chardev it was to change).
    case failedCallChangedState
    /// A valid call of a stateful sequence did not find the resource the sequence created.
    case consumerTargetMissing
    /// A protocol check found the endpoint breaking a section of the QMP spec.
    case qmpSpec(section: String)
    /// The client recorded a protocol fault (framing, message shape, ids, timestamps) while the
    /// item ran.
    case protocolFault
    /// An errored case that a waiver turned into a waived failure.
    case errored
    /// The waiver that matches a failing case has expired: the case fails again, with the
    /// waiver's reason.
    case waiverExpired
    /// A downstream build breaks a rule of certification against its upstream reference.
    case certification(CertificationRule)
    /// A case that passed in the baseline fails now (`run --baseline`).
    case baselineRegression
    /// A case whose outcome differs from the baseline's.
    case baselineChanged
    /// A round trip or event latency past the baseline's tolerance.
    case timingRegression
    /// A case whose normalized outcome differs from the reference endpoint's, which ran the same
    /// case (`run --compare-with`).
    case differsFromReference

    /// The rules without a parameter, to read names back.
    private static let plain: [FailureRule] = [
        .invalidAccepted, .notAValidationError, .errorClass, .errorNamesWrongMember, .validRejected,
        .docExampleRejected, .docReplyShape, .documentedErrorMissing, .returnsConformance, .eventUnknown,
        .eventTimestampOrder, .returnMismatch, .errorMismatch, .captureMissing, .eventMissing, .eventLate, .eventOrder,
        .eventUnexpected, .invalidChangedState, .failedCallChangedState, .consumerTargetMissing, .protocolFault,
        .errored, .waiverExpired,
        .baselineRegression,
        .baselineChanged, .timingRegression, .differsFromReference,
    ]

    /// Reads a rule's name as `description` writes it (from a JSON report).
    /// - Parameter name: the name, e.g. `returns-missing-member` or `qmp-spec-2.4.1`.
    /// - Returns: nil when no rule has that name.
    public init?(name: String) {
        if let rule = Self.plain.first(where: { $0.description == name }) {
            self = rule
        } else if name.hasPrefix("returns-"), let rule = ValidationRule(rawValue: String(name.dropFirst(8))) {
            self = .returns(rule)
        } else if name.hasPrefix("event-"), let rule = ValidationRule(rawValue: String(name.dropFirst(6))) {
            self = .event(rule)
        } else if name.hasPrefix("qmp-spec-"), name.count > 9 {
            self = .qmpSpec(section: String(name.dropFirst(9)))
        } else if let rule = CertificationRule(rawValue: name) {
            self = .certification(rule)
        } else {
            return nil
        }
    }

    /// The rule's name in reports.
    public var description: String {
        switch self {
        case .invalidAccepted: "invalid-accepted"
        case .notAValidationError: "not-a-validation-error"
        case .errorClass: "error-class"
        case .errorNamesWrongMember: "error-names-wrong-member"
        case .validRejected: "valid-rejected"
        case .docExampleRejected: "doc-example-rejected"
        case .docReplyShape: "doc-reply-shape"
        case .documentedErrorMissing: "documented-error-missing"
        case .returnsConformance: "returns-conformance"
        case .returns(let rule): "returns-\(rule.rawValue)"
        case .eventUnknown: "event-unknown"
        case .event(let rule): "event-\(rule.rawValue)"
        case .eventTimestampOrder: "event-timestamp-order"
        case .returnMismatch: "return-mismatch"
        case .errorMismatch: "error-mismatch"
        case .captureMissing: "capture-missing"
        case .eventMissing: "event-missing"
        case .eventLate: "event-late"
        case .eventOrder: "event-order"
        case .eventUnexpected: "event-unexpected"
        case .consumerTargetMissing: "consumer-target-missing"
        case .invalidChangedState: "invalid-changed-state"
        case .failedCallChangedState: "failed-call-changed-state"
        case .qmpSpec(let section): "qmp-spec-\(section)"
        case .protocolFault: "protocol-fault"
        case .errored: "errored"
        case .waiverExpired: "waiver-expired"
        case .baselineRegression: "baseline-regression"
        case .baselineChanged: "baseline-changed"
        case .timingRegression: "timing-regression"
        case .differsFromReference: "differs-from-reference"
        case .certification(let rule): rule.rawValue
        }
    }
}
