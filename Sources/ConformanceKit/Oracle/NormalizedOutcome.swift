/// What an endpoint did with one item, with everything that varies from run to run taken out:
/// how far the item got, each command's reply kind, error class and reply shape, and the names
/// of the events seen. Two runs of the same endpoint give equal outcomes; a different
/// endpoint (another version, another `-compat` policy) gives a different one where it behaves
/// differently. Baselines store it and `BaselineComparison` compares it; it is computed from an
/// `Observation` and judges nothing.
///
/// Masking rule for reply shapes: object keys stay (sorted); `true`, `false` and `null` stay;
/// every string becomes `"<string>"`, every integer `"<integer>"`, every other number
/// `"<number>"` (timestamps, ports, generated names, sizes and counters vary between runs); an
/// array becomes the distinct shapes of its elements, sorted, so a list's length does not count
/// but a new kind of element does. An error keeps its class and never its `desc`, free text the
/// QMP spec says clients must not parse. Events count by name, sorted and each once, and only
/// those that arrived while a command ran (after it was sent, before its reply): what the
/// command did. Events after a reply race with the item's end: a rerun of QEMU 7.2 sees a job's
/// `BLOCK_JOB_COMPLETED` in its own case one night and in the next case the other, and 2 or 5
/// `JOB_STATUS_CHANGE`s for one `blockdev-create` (`Observation.commandEvents`).
public struct NormalizedOutcome: Sendable, Hashable {
    /// How far the item got.
    public enum Ending: String, Sendable, Hashable, CaseIterable {
        /// Everything was sent.
        case completed
        /// Nothing was sent (safety policy, requirements, interruption).
        case notRun = "not-run"
        /// The item could not be carried through.
        case broken
        /// The endpoint could not be reached.
        case unreachable
        /// The endpoint did not survive the item.
        case endpointLost = "endpoint-lost"
    }

    /// What came back for one command.
    public enum ReplyKind: String, Sendable, Hashable, CaseIterable {
        /// A success reply.
        case `return`
        /// An error reply.
        case error
        /// No reply (timeout, closed connection, protocol fault).
        case none
    }

    /// One command and its normalized reply.
    public struct Reply: Sendable, Hashable {
        /// Where the command sits in its item: `$` for a generated case, `steps[i]` in a scenario.
        public var step: String
        /// The command name.
        public var command: String
        /// What came back.
        public var kind: ReplyKind
        /// The error class of an error reply.
        public var errorClass: QMPErrorClass?
        /// The masked `return` value of a success reply.
        public var shape: JSONValue?

        /// Creates a reply outcome.
        /// - Parameters:
        ///   - step: where the command sits.
        ///   - command: the command name.
        ///   - kind: what came back.
        ///   - errorClass: the error class, for an error.
        ///   - shape: the masked return value, for a success.
        public init(
            step: String, command: String, kind: ReplyKind, errorClass: QMPErrorClass? = nil, shape: JSONValue? = nil
        ) {
            self.step = step
            self.command = command
            self.kind = kind
            self.errorClass = errorClass
            self.shape = shape
        }
    }

    /// How far the item got.
    public var ending: Ending
    /// One entry per command sent, in order.
    public var replies: [Reply]
    /// The names of the events that arrived while a command ran, sorted, each once; at most
    /// `CaseTimings.maximumMeasures` (an endpoint may invent names).
    public var events: [String]
    /// A protocol check's outcome, for a protocol check.
    public var check: ProtocolCheckResult.Outcome?

    /// Creates an outcome.
    /// - Parameters:
    ///   - ending: how far the item got.
    ///   - replies: the commands and their replies.
    ///   - events: the event names (sorted and made unique here).
    ///   - check: a protocol check's outcome.
    public init(
        ending: Ending, replies: [Reply] = [], events: [String] = [], check: ProtocolCheckResult.Outcome? = nil
    ) {
        self.ending = ending
        self.replies = replies
        self.events = Array(Set(events).sorted().prefix(CaseTimings.maximumMeasures))
        self.check = check
    }

    /// The outcome of an observation.
    /// - Parameter observation: what the runner saw.
    public init(_ observation: Observation) {
        let ending: Ending
        switch observation.ending {
        case .completed: ending = observation.endpointLost == nil ? .completed : .endpointLost
        case .notRun: ending = .notRun
        case .broken: ending = observation.endpointLost == nil ? .broken : .endpointLost
        case .unreachable: ending = .unreachable
        }
        let replies = observation.exchanges.map { exchange in
            let command = exchange.request["execute"]?.stringValue ?? exchange.request["exec-oob"]?.stringValue ?? ""
            let step = exchange.path.description
            switch exchange.reply?.outcome {
            case .success(let value)?:
                return Reply(step: step, command: command, kind: .return, shape: Self.shape(of: value))
            case .error(let error)?:
                return Reply(step: step, command: command, kind: .error, errorClass: error.errorClass)
            case nil:
                return Reply(step: step, command: command, kind: .none)
            }
        }
        self.init(
            ending: ending, replies: replies, events: observation.commandEvents.map(\.event.name),
            check: observation.protocolCheck?.outcome)
    }

    /// A value with its volatile scalars masked (the rule is in the type's documentation).
    /// - Parameter value: a reply's `return` value.
    /// - Returns: its shape.
    public static func shape(of value: JSONValue) -> JSONValue {
        switch value {
        case .null, .bool: return value
        case .int, .uint: return "<integer>"
        case .double: return "<number>"
        case .string: return "<string>"
        case .array(let elements):
            var seen: [String: JSONValue] = [:]
            for element in elements {
                let shape = shape(of: element)
                seen[JSONWriter.compact.string(shape)] = shape
            }
            return .array(seen.sorted { $0.key < $1.key }.map(\.value))
        case .object(let object):
            return .object(JSONObject(object.sortedByKey.members.map { .init($0.key, shape(of: $0.value)) }))
        }
    }
}
