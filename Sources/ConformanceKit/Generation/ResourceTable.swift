/// The reviewed part of the resource model, read from `cases/resources.json`: per kind, the
/// words that find its commands and members, its query, known-good producer arguments for
/// stateful sequences, and the links inference cannot see.
///
/// Pipeline position: loaded by `CaseDirectory` beside the value table; `ResourceModel` infers
/// from the schema first and takes from here what the schema does not show.
public struct ResourceTable: Sendable, Hashable {
    /// An event a step promises, with the data it must carry (`${name}` is the sequence's name).
    public struct PromisedEvent: Sendable, Hashable {
        /// The event name.
        public var name: String
        /// A subset of its data.
        public var data: JSONValue?
    }

    /// What a consumer member needs created instead of the kind's `create`: other producer
    /// arguments, maybe another producer (a job that keeps running, for the job verbs), and
    /// what removes it then.
    public struct Template: Sendable, Hashable {
        /// The producer, when not the kind's.
        public var command: String?
        /// The producer arguments (`${name}`, `${scratch}` substituted).
        public var arguments: JSONObject
        /// What removes it, when not the kind's destroyer.
        public var remove: Resource.Link?
        /// Events the producer step waits for: the state the resource must reach (a mirror job
        /// `BLOCK_JOB_READY`) before the next step.
        public var events: [EventExpectation] = []

        /// The variables a table's steps, events and templates may use: the sequence's resource
        /// and the one it lives in (`${scratch}` is the run's).
        static let variables: Set<String> = ["name", "parent"]

        /// Reads a template: `arguments`, maybe `command`, `remove` and `events`.
        /// - Parameters:
        ///   - value: the template's JSON.
        ///   - document: the table, for locations.
        ///   - path: where the template is.
        /// - Returns: the template.
        /// - Throws: `DiagnosticError` located at the fault.
        static func read(_ value: JSONValue, in document: CaseFile, at path: JSONPath) throws(DiagnosticError)
            -> Template
        {
            guard let arguments = value["arguments"]?.objectValue else {
                throw document.error(
                    "a template needs 'arguments' (and may name 'command', 'remove' and 'events')", at: path)
            }
            var remove: Resource.Link?
            if let removal = value["remove"] {
                guard let command = removal["command"]?.stringValue, let member = removal["member"]?.stringValue else {
                    throw document.error("'remove' needs 'command' and 'member'", at: path.appending("remove"))
                }
                remove = Resource.Link(command: command, member: member, evidence: .table)
            }
            var template = Template(command: value["command"]?.stringValue, arguments: arguments, remove: remove)
            if let events = value["events"] {
                template.events = try ScenarioLoader.events(
                    events, in: document, at: path.appending("events"), variables: variables)
            }
            return template
        }
    }

    /// The member naming the resource another one lives in, and that one's kind.
    public struct Scope: Sendable, Hashable {
        /// The member (a bitmap's `node`).
        public var member: String
        /// The kind it names.
        public var kind: ResourceKind
    }

    /// What undoes a valid case's success when the next case would trip over what it left (a
    /// second `nbd-server-start` fails while the first server runs), or clears the way before
    /// one: a command with fixed `arguments` (which may name `${scratch}`), given the case's own
    /// value of `member` under the same name, if it names one.
    public struct Undo: Sendable, Hashable {
        /// The command that undoes it (`nbd-server-stop`, `block-export-del`).
        public var command: String
        /// The member whose value the case sent and the undoing command takes (`id`), if any.
        public var member: String?
        /// The arguments it always takes.
        public var arguments: JSONObject = [:]
    }

    /// What the table says about one kind.
    public struct Entry: Sendable, Hashable {
        /// Producer command stems: `blockdev` finds `blockdev-add` and `blockdev-del`.
        public var nouns: [String] = []
        /// Member names that always name this kind (for schemas without docs).
        public var members: [String] = []
        /// Doc phrases that mark a member naming this kind.
        public var words: [String] = []
        /// A member naming the kind this one lives in (a bitmap's `node`).
        public var scope: Scope?
        /// The query listing this kind.
        public var query: Resource.Query?
        /// The producer used by sequences, when several start one (jobs).
        public var createCommand: String?
        /// Known-good producer arguments; `${name}`, `${parent}`, `${scratch}` are substituted.
        public var create: JSONObject?
        /// Consumer member → producer arguments making what that member needs (an `iothread`
        /// object rather than a memory backend).
        public var createFor: [String: Template] = [:]
        /// Create argument → the query member that must show its value.
        public var shows: [String: String] = [:]
        /// An event the producer promises.
        public var createdEvent: PromisedEvent?
        /// An event the destroyer promises.
        public var destroyedEvent: PromisedEvent?
        /// A destroyer inference misses.
        public var destroyer: Resource.Link?
        /// Why no sequence is generated, if none is.
        public var unsupported: String?
        /// Steps before one is created (an NBD server started for an export), judged.
        public var setup: [Scenario.Step] = []
        /// Steps after it is removed (the NBD server stopped), judged in a lifecycle, and run
        /// again at clean-up.
        public var teardown: [Scenario.Step] = []
    }

    /// The entries by kind.
    public var entries: [ResourceKind: Entry]
    /// Per command, members that name one thing in different ways (a block backend's name or
    /// its device's id), of which a call takes exactly one though the schema makes each
    /// optional; the first is the one a valid case uses when it has none.
    public var exactlyOne: [String: [String]] = [:]
    /// Per command, what undoes a valid case's success (the table's `undo`); jobs are ended by
    /// the runner without it.
    public var undo: [String: Undo] = [:]
    /// Per command, what clears the way before a valid case (the table's `clear`): a running NBD
    /// server stopped before `nbd-server-start`, so that the last one started stays for the
    /// exports after it; with a member, what makes the thing the case names under the case's
    /// value of it (`getfd` before `closefd`, `add-fd` before `remove-fd`).
    public var clear: [String: Undo] = [:]
    /// Per consumer command, the recipe that puts what it names in the state it needs, so that
    /// its sequence expects success (the table's `reach`).
    public var reach: [String: Reach] = [:]
    /// Per command, the words a valid case's own endpoint is launched with, appended to the
    /// target's command (the table's `launch`): for commands that work only in a state no shared
    /// endpoint is in (`set-numa-node` before the machine exists, `-preconfig`).
    public var launch: [String: [String]] = [:]
    /// The commands whose request carries a file descriptor passed over the socket
    /// (`SCM_RIGHTS`), which introspection does not show (the table's `passes-fd`).
    public var passesDescriptor: Set<String> = []

    /// The entry of a kind (empty when the table has none).
    /// - Parameter kind: the kind.
    /// - Returns: its entry.
    public func entry(_ kind: ResourceKind) -> Entry { entries[kind] ?? Entry() }

    /// Reads the table from the JSON text of `resources.json`.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the table.
    /// - Throws: `DiagnosticError` located at the fault (unknown kind or key, wrong shape).
    public static func load(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> ResourceTable {
        let document = try CaseFile(bytes: bytes, file: file)
        var entries: [ResourceKind: Entry] = [:]
        for member in document.value["kinds"]?.objectValue ?? [:] {
            let (name, value) = (member.key, member.value)
            let path = JSONPath.root.appending("kinds").appending(name)
            guard let kind = ResourceKind(rawValue: name) else {
                throw document.keyError(
                    "unknown resource kind '\(name)'", at: path,
                    hint: "known kinds: " + ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            entries[kind] = try EntryReader(document: document, path: path).read(value)
        }
        var table = ResourceTable(entries: entries)
        for member in document.value["exactly-one"]?.objectValue ?? [:] {
            let path = JSONPath.root.appending("exactly-one").appending(member.key)
            guard let list = member.value.stringList, Set(list).count >= 2, Set(list).count == list.count else {
                throw document.error(
                    "expected a list of at least two different member names", at: path,
                    hint: "the first is the one a valid case uses when it has none")
            }
            table.exactlyOne[member.key] = list
        }
        for member in document.value["launch"]?.objectValue ?? [:] {
            guard let words = member.value.stringList, !words.isEmpty else {
                throw document.error(
                    "expected a non-empty list of command-line words",
                    at: JSONPath.root.appending("launch").appending(member.key),
                    hint: "the words are appended to the launched target's command, e.g. [\"-preconfig\"]")
            }
            table.launch[member.key] = words
        }
        if let listed = document.value["passes-fd"] {
            guard let names = listed.stringList else {
                throw document.error(
                    "expected a list of command names", at: JSONPath.root.appending("passes-fd"),
                    hint: "the commands whose request carries a file descriptor (SCM_RIGHTS)")
            }
            table.passesDescriptor = Set(names)
        }
        for (section, keys) in [
            ("undo", ["command", "member", "arguments"]), ("clear", ["command", "member", "arguments"]),
        ] {
            for member in document.value[section]?.objectValue ?? [:] {
                let path = JSONPath.root.appending(section).appending(member.key)
                let name = member.value["member"]
                let arguments = member.value["arguments"]
                guard let command = member.value["command"]?.stringValue, name == nil || name?.stringValue != nil,
                    arguments == nil || arguments?.objectValue != nil,
                    member.value.objectValue?.keys.allSatisfy(keys.contains) == true
                else {
                    throw document.error(
                        "expected an object with " + keys.map { "'\($0)'" }.joined(separator: " and maybe "), at: path,
                        hint: "'member' is the case's member whose value the command takes under the same name; "
                            + "'arguments' an object of the arguments it always takes")
                }
                let undo = Undo(
                    command: command, member: name?.stringValue, arguments: arguments?.objectValue ?? [:])
                if section == "undo" { table.undo[member.key] = undo } else { table.clear[member.key] = undo }
            }
        }
        for member in document.value["reach"]?.objectValue ?? [:] {
            table.reach[member.key] = try Reach.read(
                member.value, in: document, at: JSONPath.root.appending("reach").appending(member.key))
        }
        return table
    }
}

/// Reads one kind's entry of `resources.json`, locating every fault.
private struct EntryReader {
    let document: CaseFile
    let path: JSONPath
    static let keys: Set<String> = [
        "nouns", "members", "words", "scope", "query", "create-command", "create", "create-for", "shows",
        "created-event",
        "destroyed-event", "destroyer", "unsupported", "setup", "teardown",
    ]

    func read(_ value: JSONValue) throws(DiagnosticError) -> ResourceTable.Entry {
        guard let object = value.objectValue else { throw document.error("expected an object", at: path) }
        for key in object.keys where !Self.keys.contains(key) {
            let hint = Suggestion.closest(to: key, among: Self.keys.sorted()).map { "did you mean '\($0)'?" }
            throw document.keyError("unknown key '\(key)'", at: path.appending(key), hint: hint)
        }
        var entry = ResourceTable.Entry()
        entry.nouns = try strings(object["nouns"], "nouns")
        entry.members = try strings(object["members"], "members")
        entry.words = try strings(object["words"], "words")
        entry.create = object["create"]?.objectValue
        entry.createCommand = object["create-command"]?.stringValue
        for template in object["create-for"]?.objectValue ?? [:] {
            entry.createFor[template.key] = try ResourceTable.Template.read(
                template.value, in: document, at: path.appending("create-for").appending(template.key))
        }
        entry.unsupported = object["unsupported"]?.stringValue
        for shown in object["shows"]?.objectValue ?? [:] {
            let (argument, member) = (shown.key, shown.value)
            entry.shows[argument] = member.stringValue
        }
        if let scope = object["scope"] {
            guard let member = scope["member"]?.stringValue,
                let kind = scope["kind"]?.stringValue.flatMap(ResourceKind.init(rawValue:))
            else { throw document.error("a scope needs 'member' and a known 'kind'", at: path.appending("scope")) }
            entry.scope = ResourceTable.Scope(member: member, kind: kind)
        }
        entry.query = try query(object["query"])
        entry.createdEvent = try event(object["created-event"], "created-event")
        entry.destroyedEvent = try event(object["destroyed-event"], "destroyed-event")
        for (key, value) in [("setup", object["setup"]), ("teardown", object["teardown"])] {
            guard let value else { continue }
            let steps = try ScenarioLoader.steps(
                value, in: document, at: path.appending(key), variables: ResourceTable.Template.variables)
            if key == "setup" { entry.setup = steps } else { entry.teardown = steps }
        }
        if let destroyer = object["destroyer"] {
            guard let command = destroyer["command"]?.stringValue, let member = destroyer["member"]?.stringValue else {
                throw document.error("a destroyer needs 'command' and 'member'", at: path.appending("destroyer"))
            }
            entry.destroyer = Resource.Link(command: command, member: member, evidence: .table)
        }
        return entry
    }

    private func strings(_ value: JSONValue?, _ key: String) throws(DiagnosticError) -> [String] {
        guard let value else { return [] }
        guard let list = value.stringList else {
            throw document.error("expected a list of strings", at: path.appending(key))
        }
        return list
    }

    private func query(_ value: JSONValue?) throws(DiagnosticError) -> Resource.Query? {
        guard let value else { return nil }
        guard let command = value["command"]?.stringValue, let name = value["name"]?.stringValue else {
            throw document.error("a query needs 'command' and 'name'", at: path.appending("query"))
        }
        return Resource.Query(
            command: command, arguments: value["arguments"]?.objectValue, nameMember: name,
            within: value["within"]?.stringValue, owner: value["owner"]?.stringValue, evidence: .table)
    }

    private func event(_ value: JSONValue?, _ key: String) throws(DiagnosticError) -> ResourceTable.PromisedEvent? {
        guard let value else { return nil }
        guard let name = value["name"]?.stringValue else {
            throw document.error("an event needs 'name'", at: path.appending(key))
        }
        return ResourceTable.PromisedEvent(name: name, data: value["data"])
    }
}
