/// One kind of named thing in an endpoint's schema and the commands around it: what creates it
/// (and under which member its name goes), what destroys it, which members of other commands
/// name it, and which query lists it; each link says how it was found.
///
/// Pipeline position: built by `ResourceModel` from the `Schema` and the `ResourceTable`;
/// `StatefulSequenceGenerator` turns it into sequences. It does not talk to an endpoint.
public struct Resource: Sendable, Hashable {
    /// How a link was found.
    public enum Evidence: Sendable, Hashable, CustomStringConvertible {
        /// The command's name: `blockdev-add` is `<noun>-add` for the noun `blockdev`.
        case commandName(String)
        /// The member's name: `node-name`, or a name the table lists for introspection.
        case memberName(String)
        /// The member's doc text contains a phrase of the kind.
        case docText(String)
        /// The query returns a list of objects with the naming member.
        case returnsType(String)
        /// The reviewed table, `cases/resources.json`.
        case table

        public var description: String {
            switch self {
            case .commandName(let why): "command name (\(why))"
            case .memberName(let name): "member name '\(name)'"
            case .docText(let phrase): "doc text \"\(phrase)\""
            case .returnsType(let why): "returns type (\(why))"
            case .table: "cases/resources.json"
            }
        }
    }

    /// A command and the member of it that holds the resource's name.
    public struct Link: Sendable, Hashable, Comparable {
        /// The command.
        public var command: String
        /// The member holding the name.
        public var member: String
        /// How the link was found.
        public var evidence: Evidence

        /// Creates a link.
        /// - Parameters:
        ///   - command: the command.
        ///   - member: the member holding the name.
        ///   - evidence: how it was found.
        public init(command: String, member: String, evidence: Evidence) {
            self.command = command
            self.member = member
            self.evidence = evidence
        }

        public static func < (lhs: Link, rhs: Link) -> Bool { (lhs.command, lhs.member) < (rhs.command, rhs.member) }
    }

    /// The query that lists the resource.
    public struct Query: Sendable, Hashable {
        /// The query command.
        public var command: String
        /// Its arguments, if any.
        public var arguments: JSONObject?
        /// The member of each listed entry holding a name.
        public var nameMember: String
        /// For names nested in another kind's entries (a node's `dirty-bitmaps`): the list member.
        public var within: String?
        /// For nested names: the member of the outer entry naming its owner (`node-name`).
        public var owner: String?
        /// How it was found.
        public var evidence: Evidence

        /// The names a reply of this query lists (`node/bitmap` for names within an entry).
        /// - Parameter reply: the query's `return` value.
        /// - Returns: the names.
        public func names(in reply: JSONValue) -> Set<String> {
            let entries = reply.arrayValue ?? []
            guard let within else { return Set(entries.compactMap { $0[nameMember]?.stringValue }) }
            return Set(
                entries.flatMap { entry in
                    let owner = owner.flatMap { entry[$0]?.stringValue } ?? ""
                    return (entry[within]?.arrayValue ?? []).compactMap { $0[nameMember]?.stringValue }.map {
                        "\(owner)/\($0)"
                    }
                })
        }
    }

    /// The kind.
    public var kind: ResourceKind
    /// The commands that create one (for a job: every command starting one).
    public var producers: [Link]
    /// The command that destroys one.
    public var destroyer: Link?
    /// The query that lists them.
    public var query: Query?
    /// Members of other commands that name one.
    public var consumers: [Link]
}
