/// One conformance case: what to send, what must happen, and where the case came from.
///
/// Produced by `CaseGenerator` (schema-derived and doc-derived cases), the protocol checks and
/// the scenario loader; consumed by the runner and the oracle. The id is stable across runs and
/// machines (`<command>/<kind>/<hash of the request>`), so `qmp-conform run ID` reruns one case.
public struct TestCase: Sendable, Hashable, Comparable {
    /// Where the case comes from and what it tests.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Schema-valid arguments: must not be rejected by argument validation.
        case valid
        /// Arguments breaking exactly one rule: must be rejected, naming the member.
        case invalid
        /// An `Example:` exchange or a documented error class from the schema's doc comments.
        case doc
        /// A QMP spec rule about the protocol itself (greeting, negotiation, ids, framing).
        case `protocol`
        /// A hand-written scenario from `cases/`.
        case scenario
        /// A sequence generated from the resource model: create, use or check, destroy.
        case stateful
        /// A check of a `-compat` policy from the schema's features, or its control.
        case compat
    }

    /// What must happen for the case to pass.
    public enum Expectation: Sendable, Hashable {
        /// Not rejected by argument validation; a success reply must conform to `returns`.
        case accept
        /// Rejected with an error reply; the case breaks `rule` at `path` (relative to `arguments`).
        case reject(rule: ValidationRule, path: JSONPath)
        /// A doc example's reply: the actual reply must have this shape (values relaxed to types
        /// where they depend on state).
        case reply(JSONValue)
        /// A documented error: an error reply of this class.
        case errorClass(QMPErrorClass)
    }

    /// Stable id: `<command>/<kind>/<8 hex digits>`.
    public var id: String
    /// The command executed (or the protocol check / scenario name).
    public var command: String
    /// The kind.
    public var kind: Kind
    /// One line saying what the case does: `optional member 'up' alone`, `'name' is an integer`.
    public var summary: String
    /// The `arguments` value to send; nil sends no `arguments` member.
    public var arguments: JSONValue?
    /// What must happen.
    public var expectation: Expectation
    /// Labels for filtering and reporting: `valid`, `invalid`, `doc-example`, `unstable`, ...
    /// and, from `effects`, `effect:<name>`, `destructive`, `beyond-launch`; sorted.
    public var tags: [String] { (labels + effects.tags).sorted() }
    /// The labels that are not effects.
    public var labels: [String]
    /// What the case does beyond the endpoint, and so where it may run.
    public var effects: Effects
    /// Where the case came from: a generator rule, a doc comment location, a scenario file.
    public var origin: String
    /// For an invalid case of a state-changing command: the queries whose listed names must be
    /// the same after the case as before (QMP spec section 5: an invalid call changes nothing).
    /// Set by `ResourceModel.preparing(_:)`; the runner snapshots them, the oracle compares.
    public var stateQueries: [Resource.Query] = []
    /// For a valid case that starts something the next case would trip over (a job, an NBD
    /// server, an export): what the runner does after the case when it succeeded. Set by
    /// `ResourceModel.preparing(_:)`; not judged.
    public var cleanup: Cleanup?
    /// For a valid case that an earlier case's leftovers would fail (a second NBD server): what
    /// the runner does before the case, whatever it finds. Set by `ResourceModel.preparing(_:)`;
    /// not judged, not in the case's transcript.
    public var clearing: Cleanup?
    /// For a valid case that needs an endpoint of its own in a state no shared one is in (before
    /// the machine exists): the words appended to the launched target's command (`-preconfig`).
    /// Empty: the job's endpoint. Set by `ResourceModel.preparing(_:)`; the case is skipped when
    /// the run does not launch its endpoint.
    public var launch: [String] = []
    /// Whether the request carries a file descriptor (`SCM_RIGHTS`: `getfd`, `add-fd`): the
    /// runner passes a file of the endpoint's scratch directory with it, and the transcript marks
    /// the write `(+1 fd)`. Set by `ResourceModel.preparing(_:)` from the table's `passes-fd`.
    public var passesDescriptor = false

    /// Creates a case; the id is derived from the command, kind and request.
    public init(
        command: String, kind: Kind, summary: String, arguments: JSONValue?, expectation: Expectation,
        tags: [String] = [], effects: Effects = .none, origin: String
    ) {
        self.command = command
        self.kind = kind
        self.summary = summary
        self.arguments = arguments
        self.expectation = expectation
        labels = tags
        self.effects = effects
        self.origin = origin
        id = Self.id(command: command, kind: kind, identity: [JSONWriter.compact.string(arguments ?? .null), summary])
    }

    /// The stable id of a case: FNV-1a over the command, kind and identifying texts.
    /// - Parameters:
    ///   - command: the command or suite name.
    ///   - kind: the kind.
    ///   - identity: texts that tell this case apart from its siblings.
    /// - Returns: `<command>/<kind>/<8 hex digits>`.
    public static func id(command: String, kind: Kind, identity: [String]) -> String {
        var stable = StableHash()
        for text in [command, kind.rawValue] + identity {
            stable.combine(text.utf8)
            stable.combine(byte: 0xFF)
        }
        let hash = stable.value
        let hex = String(UInt32(truncatingIfNeeded: hash ^ (hash >> 32)), radix: 16)
        return "\(command)/\(kind.rawValue)/" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    public static func < (lhs: TestCase, rhs: TestCase) -> Bool { lhs.id < rhs.id }
}
