/// The resources of a schema: for each `ResourceKind`, its producers, destroyer, query and
/// consumers, inferred from command and member names, member types and doc text first, then
/// completed from the reviewed `ResourceTable`. Every link records how it was found.
///
/// Pipeline position: `Schema` + `ResourceTable` → `ResourceModel` → `StatefulSequenceGenerator`
/// and `qmp-conform cases resources`. Deterministic; it does not talk to an endpoint.
public struct ResourceModel: Sendable {
    /// Member names that hold a producer's new name, most specific first.
    static let nameMembers = ["id", "job-id", "fdset-id", "node-name", "name"]
    /// Member names too generic to mean one kind by themselves.
    static let genericMembers: Set<String> = ["id", "name"]

    /// The resources, in `ResourceKind` order.
    public var resources: [Resource]
    /// Per command, the members naming one thing of which a call takes exactly one (the
    /// table's `exactly-one`; the first is used when a case has none).
    public var exactlyOne: [String: [String]]
    /// Per command, what undoes a valid case's success (the table's `undo`).
    public var undo: [String: ResourceTable.Undo]
    /// Per command, what clears the way before a valid case (the table's `clear`).
    public var clear: [String: ResourceTable.Undo]
    /// Per command, the words a valid case's own endpoint is launched with (the table's `launch`).
    public var launch: [String: [String]]
    /// The commands whose request carries a file descriptor (the table's `passes-fd`).
    public var passesDescriptor: Set<String>

    /// Infers the model.
    /// - Parameters:
    ///   - schema: the schema.
    ///   - table: the reviewed table.
    public init(schema: Schema, table: ResourceTable) {
        let inference = Inference(schema: schema, table: table)
        var resources = ResourceKind.allCases.map { inference.resource($0) }
        var claimed: [String: ResourceKind] = [:]
        for resource in resources {
            for link in resource.producers + [resource.destroyer].compactMap({ $0 }) {
                claimed["\(link.command).\(link.member)"] = resource.kind
            }
        }
        for link in inference.consumers(excluding: claimed) {
            resources[ResourceKind.allCases.firstIndex(of: link.kind)!].consumers.append(link.link)
        }
        // The table's recipes say what a command's member names; that beats inference.
        for (command, reach) in table.reach.sorted(by: { $0.key < $1.key }) {
            guard let definition = schema.command(named: command),
                schema.argumentMembers(of: definition).contains(where: { $0.name == reach.member })
            else { continue }
            let index = ResourceKind.allCases.firstIndex(of: reach.kind)!
            for other in resources.indices where other != index {
                resources[other].consumers.removeAll { $0.command == command && $0.member == reach.member }
            }
            if !resources[index].consumers.contains(where: { $0.command == command && $0.member == reach.member }) {
                resources[index].consumers.append(
                    Resource.Link(command: command, member: reach.member, evidence: .table))
            }
        }
        for index in resources.indices { resources[index].consumers.sort() }
        self.resources = resources
        exactlyOne = table.exactlyOne
        undo = table.undo
        clear = table.clear
        launch = table.launch
        passesDescriptor = table.passesDescriptor
    }

    /// The resource of a kind.
    /// - Parameter kind: the kind.
    /// - Returns: its resource.
    public func resource(_ kind: ResourceKind) -> Resource { resources.first { $0.kind == kind }! }

    /// The model as `qmp-conform cases resources` prints it: per kind its producers, destroyer,
    /// query and consumers, each with how it was found.
    public var text: String {
        var lines: [String] = []
        for resource in resources {
            lines.append("\(resource.kind.rawValue):")
            for producer in resource.producers { lines.append("  producer  \(Self.text(producer))") }
            lines.append("  destroyer " + (resource.destroyer.map(Self.text) ?? "none found"))
            if let query = resource.query {
                let within = query.within.map { "\($0)[*]." } ?? ""
                lines.append("  query     \(query.command) (\(within)\(query.nameMember))  by \(query.evidence)")
            } else {
                lines.append("  query     none found")
            }
            lines.append("  consumers \(resource.consumers.count)")
            for consumer in resource.consumers { lines.append("    \(Self.text(consumer))") }
        }
        let pairs = resources.filter { !$0.producers.isEmpty && $0.destroyer != nil }.count
        let consumers = resources.reduce(0) { $0 + $1.consumers.count }
        lines.append("TOTAL: \(resources.count) kinds, \(pairs) producer/destroyer pairs, \(consumers) consumers")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func text(_ link: Resource.Link) -> String { "\(link.command).\(link.member)  by \(link.evidence)" }
}

/// The inference rules of `ResourceModel`, one small function per link.
private struct Inference {
    let schema: Schema
    let table: ResourceTable

    func resource(_ kind: ResourceKind) -> Resource {
        let producers = producers(kind)
        return Resource(
            kind: kind, producers: producers, destroyer: destroyer(kind, producers: producers),
            query: query(kind, producers: producers), consumers: [])
    }

    /// The command's words with `_` read as `-`.
    private func normalized(_ name: String) -> String { name.replacingOccurrences(of: "_", with: "-") }

    private func members(_ command: Command) -> [Member] { schema.argumentMembers(of: command) }

    private func nameMember(of command: Command) -> String? {
        let names = Set(members(command).map(\.name))
        return ResourceModel.nameMembers.first { names.contains($0) }
    }

    /// `<noun>-add` or `add-<noun>` with a naming member; for jobs, every command with a
    /// `job-id` (its doc says the job is new when there is a doc).
    func producers(_ kind: ResourceKind) -> [Resource.Link] {
        if kind == .job {
            return schema.commands.compactMap { command in
                guard let member = members(command).first(where: { $0.name == "job-id" }) else { return nil }
                let documentation = member.documentation?.lowercased() ?? ""
                let evidence: Resource.Evidence =
                    documentation.contains("newly") ? .docText("newly") : .memberName("job-id")
                return Resource.Link(command: command.name, member: "job-id", evidence: evidence)
            }
        }
        return schema.commands.compactMap { command in
            let name = normalized(command.name)
            guard let noun = table.entry(kind).nouns.first(where: { name == "\($0)-add" || name == "add-\($0)" }),
                let member = nameMember(of: command)
            else { return nil }
            return Resource.Link(
                command: command.name, member: member, evidence: .commandName("\(noun) + add"))
        }
    }

    /// `<noun>-del`, `<noun>-remove` or `remove-<noun>`, naming with the producer's member (or
    /// `id`); else the table's.
    func destroyer(_ kind: ResourceKind, producers: [Resource.Link]) -> Resource.Link? {
        if let listed = table.entry(kind).destroyer { return listed }
        for command in schema.commands {
            let name = normalized(command.name)
            guard
                let noun = table.entry(kind).nouns.first(where: {
                    name == "\($0)-del" || name == "\($0)-remove" || name == "remove-\($0)"
                })
            else { continue }
            let names = Set(members(command).map(\.name))
            guard let member = (producers.map(\.member) + ["id"]).first(where: names.contains) else { continue }
            return Resource.Link(command: command.name, member: member, evidence: .commandName("\(noun) + del/remove"))
        }
        return nil
    }

    /// The table's query, else a `query-*` command without required arguments, named after a
    /// noun, returning a list of objects with the producer's naming member.
    func query(_ kind: ResourceKind, producers: [Resource.Link]) -> Resource.Query? {
        if let listed = table.entry(kind).query { return listed }
        guard let member = producers.first?.member else { return nil }
        for command in schema.commands where command.name.hasPrefix("query-") {
            guard table.entry(kind).nouns.contains(where: { command.name.contains($0) }),
                !members(command).contains(where: { !$0.isOptional }),
                case .array(let element)? = command.returns,
                schema.object(element)?.members.contains(where: { $0.name == member }) == true
            else { continue }
            return Resource.Query(
                command: command.name, arguments: nil, nameMember: member, within: nil, owner: nil,
                evidence: .returnsType("a list of objects with '\(member)'"))
        }
        return nil
    }

    /// Every string member of every command that names a kind, by its name, its command's
    /// name, or its doc text; members already producing or destroying are left out.
    func consumers(excluding claimed: [String: ResourceKind]) -> [(kind: ResourceKind, link: Resource.Link)] {
        var found: [(ResourceKind, Resource.Link)] = []
        for command in schema.commands {
            for member in members(command) where claimed["\(command.name).\(member.name)"] == nil {
                guard isString(member.type), let match = kind(of: member, in: command) else { continue }
                found.append(
                    (match.kind, Resource.Link(command: command.name, member: member.name, evidence: match.evidence)))
            }
        }
        return found
    }

    private func isString(_ type: TypeRef) -> Bool {
        guard case .named(let name) = type, let named = schema.type(named: name) else { return false }
        if named.builtin == .str { return true }
        return named.alternate?.branches.contains { isString($0.type) } ?? false
    }

    /// The kind whose noun starts the command's name and whose destroyer names it by this
    /// member (`job-cancel`'s `id`, as `job-dismiss`'s).
    private func kindByCommandName(of member: Member, in command: Command) -> ResourceKind? {
        let name = normalized(command.name)
        return ResourceKind.allCases.first { kind in
            table.entry(kind).nouns.contains { name.hasPrefix("\($0)-") }
                && destroyer(kind, producers: producers(kind))?.member == member.name
        }
    }

    private func kind(of member: Member, in command: Command) -> (kind: ResourceKind, evidence: Resource.Evidence)? {
        let generic = ResourceModel.genericMembers.contains(member.name)
        if !generic, let kind = ResourceKind.allCases.first(where: { table.entry($0).members.contains(member.name) }) {
            return (kind, .memberName(member.name))
        }
        if let kind = kindByCommandName(of: member, in: command) {
            return (kind, .commandName("a \(kind.rawValue) command's '\(member.name)', as its destroyer names one"))
        }
        guard let documentation = member.documentation?.lowercased() else { return nil }
        for kind in ResourceKind.allCases {
            if let word = table.entry(kind).words.first(where: { documentation.contains($0.lowercased()) }) {
                return (kind, .docText(word))
            }
        }
        return nil
    }
}
