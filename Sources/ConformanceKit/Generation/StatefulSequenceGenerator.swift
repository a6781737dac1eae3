/// Generates the stateful sequences of a schema from its `ResourceModel`: for every kind with a
/// producer and destroyer, a lifecycle (create, the query lists it as created, a second create
/// fails, destroy, the query no longer lists it, a second destroy fails with the documented
/// class, promised events within their windows); for every consumer, a valid call naming a
/// resource the sequence created first, then the query, then clean-up.
///
/// Pipeline position: `ResourceModel` + `CaseDirectory` → [`Scenario`] of kind `.stateful` →
/// `RunPlan` → `Runner` (as scenarios: `ScenarioRunner` observes, the `Oracle` judges). It does
/// not talk to an endpoint.
public struct StatefulSequenceGenerator: Sendable {
    /// Effects a consumer call may not have on the shared endpoint a sequence runs on.
    static let excludedEffects: Set<String> = [
        "stops-endpoint", "resets-guest", "spawns-processes", "needs-privileges", "arbitrary-monitor-text",
    ]
    /// How long a promised event may take.
    static let eventWindowMilliseconds = 5000.0

    let schema: Schema
    let model: ResourceModel
    let table: ResourceTable
    let policy: SafetyPolicy
    let synthesizer: ValueSynthesizer

    /// Creates a generator.
    /// - Parameters:
    ///   - schema: the schema.
    ///   - model: its resource model.
    ///   - directory: the cases directory (value table, safety policy, resource table).
    ///   - seed: the generation seed.
    public init(schema: Schema, model: ResourceModel, directory: CaseDirectory, seed: UInt64 = 0) {
        self.schema = schema
        self.model = model
        table = directory.resources
        policy = directory.policy
        synthesizer = ValueSynthesizer(schema: schema, table: directory.values, seed: seed)
    }

    /// The sequences: per kind, its lifecycle, then one per consumer.
    /// - Returns: the sequences, in `ResourceKind` order.
    public func generate() -> [Scenario] {
        var sequences: [Scenario] = []
        for resource in model.resources {
            guard let creation = creation(of: resource.kind, number: sequences.count) else { continue }
            if let lifecycle = lifecycle(resource, creation) { sequences.append(lifecycle) }
            for consumer in resource.consumers where usable(consumer) {
                guard let creation = self.creation(of: resource.kind, number: sequences.count, for: consumer.member)
                else { continue }
                sequences.append(consumerSequence(consumer, of: resource, creation))
            }
        }
        return sequences
    }

    // MARK: Creation

    /// The steps that create a resource (its parent first) and those that remove them again.
    struct Creation {
        var name: String
        var parent: String?
        var steps: [Scenario.Step]
        var create: Scenario.Step
        var cleanup: [Scenario.Step]
    }

    private func creation(
        of kind: ResourceKind, number: Int, for member: String? = nil, name: String? = nil, parent: String? = nil
    ) -> Creation? {
        let entry = table.entry(kind)
        let template = member.flatMap { entry.createFor[$0] }
        let name = name ?? "qcs\(number)"
        guard entry.unsupported == nil,
            let step = createStep(kind, name: name, parent: parent ?? "\(name)p", template: template)
        else { return nil }
        var creation = Creation(name: name, steps: [], create: step, cleanup: [])
        if let parent {
            creation.parent = parent
        } else if let scope = entry.scope {
            guard let parent = createStep(scope.kind, name: "\(name)p", parent: nil) else {
                return nil
            }
            creation.parent = "\(name)p"
            creation.steps.append(parent)
            creation.cleanup = destroyStep(scope.kind, name: "\(name)p", parent: nil).map { [$0] } ?? []
        }
        creation.steps.append(step)
        let destroy = destroyStep(kind, name: creation.name, parent: creation.parent, by: template?.remove)
        creation.cleanup.insert(contentsOf: destroy.map { [$0] } ?? [], at: 0)
        return creation
    }

    /// The step creating one: with the table's `create`, or a consumer member's template (which
    /// may name its own producer, and then promises no event).
    private func createStep(
        _ kind: ResourceKind, name: String, parent: String?, template: ResourceTable.Template? = nil
    ) -> Scenario.Step? {
        let entry = table.entry(kind)
        guard let arguments = template?.arguments ?? entry.create,
            let command = template?.command ?? entry.createCommand ?? model.resource(kind).producers.first?.command,
            schema.command(named: command) != nil
        else { return nil }
        let events = template?.command == nil ? entry.createdEvent.map { [expectation($0, name: name)] } ?? [] : []
        return step(command, arguments: fill(.object(arguments), name: name, parent: parent), events: events)
    }

    private func destroyStep(
        _ kind: ResourceKind, name: String, parent: String?, by remover: Resource.Link? = nil,
        reply: Scenario.Step.ReplyExpectation = .success(nil), events: [EventExpectation] = []
    ) -> Scenario.Step? {
        guard let destroyer = remover ?? model.resource(kind).destroyer else { return nil }
        var overrides: [String: String] = [destroyer.member: name]
        if let scope = table.entry(kind).scope, let parent { overrides[scope.member] = parent }
        guard let arguments = call(destroyer.command, overrides: overrides) else { return nil }
        return step(destroyer.command, arguments: arguments, reply: reply, events: events)
    }

    // MARK: Sequences

    private func lifecycle(_ resource: Resource, _ creation: Creation) -> Scenario? {
        let kind = resource.kind
        let entry = table.entry(kind)
        let destroyedEvents = entry.destroyedEvent.map { [expectation($0, name: creation.name)] } ?? []
        guard let destroyer = resource.destroyer,
            let destroy = destroyStep(kind, name: creation.name, parent: creation.parent, events: destroyedEvents),
            let destroyAgain = destroyStep(
                kind, name: creation.name, parent: creation.parent,
                reply: .error(ErrorExpectation(errorClass: documentedMissingClass(destroyer))))
        else { return nil }
        var steps = creation.steps
        var again = creation.create
        again.reply = .error(ErrorExpectation())
        again.events = []
        again.description = "a second create with the same name fails"
        let listed = listing(kind, creation)
        if let listed { steps.append(queryStep(kind, .subset(.array([listed.entry])))) }
        steps += [again, destroy]
        if let listed { steps.append(queryStep(kind, .lacks(listed.match))) }
        steps.append(destroyAgain)
        return scenario(
            kind, "lifecycle",
            "\(kind.rawValue): \(creation.create.command) creates one"
                + (listed == nil ? "" : ", \(entry.query!.command) lists it as created")
                + ", a second create fails, \(destroyer.command) removes it, a second \(destroyer.command) fails",
            steps: steps, cleanup: creation.cleanup)
    }

    /// A consumer call in a sequence that first creates what it names: the resource under test,
    /// and what its other members name too (so that the call never acts on the fixture's
    /// things). Then everything is removed, newest first, and every query involved must still
    /// answer: damage the removal leaves (a freed thing still in use) shows in this sequence.
    private func consumerSequence(_ consumer: Resource.Link, of resource: Resource, _ creation: Creation) -> Scenario {
        var overrides = [consumer.member: creation.name]
        if let scope = table.entry(resource.kind).scope, let parent = creation.parent {
            overrides[scope.member] = parent
        }
        var creations = [creation]
        var kinds = [resource.kind] + (table.entry(resource.kind).scope.map { [$0.kind] } ?? [])
        for (index, other) in otherConsumers(of: consumer).enumerated() where overrides[other.link.member] == nil {
            // A thing living in the resource under test (a bitmap of the node) is made there, after it.
            let inside = table.entry(other.kind).scope.map { overrides[$0.member] == creation.name } ?? false
            guard
                let extra = self.creation(
                    of: other.kind, number: 0, for: other.link.member, name: "\(creation.name)o\(index)",
                    parent: inside ? creation.name : nil)
            else { continue }
            overrides[other.link.member] = extra.name
            creations.insert(extra, at: inside ? creations.count : 0)
            kinds.append(other.kind)
        }
        var steps = creations.flatMap(\.steps)
        if let arguments = call(consumer.command, overrides: overrides) {
            steps.append(step(consumer.command, arguments: arguments, reply: .accepted(name: creation.name)))
        }
        let removal = creations.reversed().flatMap(\.cleanup)
        steps += removal.map {
            var removing = $0
            removing.reply = .any
            return removing
        }
        var queried: Set<String> = []
        for kind in kinds {
            guard let query = table.entry(kind).query,
                queried.insert(query.command + "\(query.arguments ?? [:])").inserted
            else { continue }
            steps.append(queryStep(kind, nil))
        }
        return scenario(
            resource.kind, "\(consumer.command).\(consumer.member)",
            "\(resource.kind.rawValue): \(consumer.command) finds by '\(consumer.member)' the one \(creation.create.command) created",
            steps: steps, cleanup: removal)
    }

    /// The other members of a consumer's command that name a resource a sequence can create.
    private func otherConsumers(of consumer: Resource.Link) -> [(kind: ResourceKind, link: Resource.Link)] {
        model.resources.flatMap { resource in
            resource.consumers.filter { $0.command == consumer.command && $0.member != consumer.member }.map {
                (resource.kind, $0)
            }
        }
    }

    /// Whether a consumer gets a sequence: it exists, is not the producer or destroyer, and has
    /// no effect that would harm the shared endpoint or reach the host.
    private func usable(_ consumer: Resource.Link) -> Bool {
        guard let command = schema.command(named: consumer.command), policy.validatesArguments(of: command) else {
            return false
        }
        return !policy.effects(of: consumer.command, arguments: nil).contains(where: Self.excludedEffects.contains)
    }

    // MARK: Pieces

    /// What the query must list for the created resource, and what it must no longer list.
    private func listing(_ kind: ResourceKind, _ creation: Creation) -> (entry: JSONValue, match: JSONValue)? {
        let entry = table.entry(kind)
        guard let query = entry.query, case .execute(_, let arguments?) = creation.create.action else { return nil }
        var listed: JSONObject = [query.nameMember: .string(creation.name)]
        for (argument, member) in entry.shows.sorted(by: { $0.key < $1.key }) {
            if let value = arguments[argument] { listed[member] = value }
        }
        guard let within = query.within, let scope = entry.scope, let parent = creation.parent,
            let parentName = table.entry(scope.kind).query?.nameMember
        else { return (.object(listed), [query.nameMember: .string(creation.name)]) }
        let nested: JSONValue = [parentName: .string(parent), within: .array([.object(listed)])]
        return (nested, nested)
    }

    private func queryStep(_ kind: ResourceKind, _ matcher: ValueMatcher?) -> Scenario.Step {
        let query = table.entry(kind).query!
        return step(query.command, arguments: query.arguments.map { .object($0) }, reply: .success(matcher))
    }

    /// Minimal valid arguments of a command with some string members set.
    private func call(_ command: String, overrides: [String: String]) -> JSONValue? {
        guard let definition = schema.command(named: command), let object = schema.object(definition.arguments) else {
            return nil
        }
        var arguments = synthesizer.minimalObject(object, branch: nil, depth: 0)
        for (member, value) in overrides where object.member(named: member) != nil {
            arguments[member] = .string(value)
        }
        return .object(arguments)
    }

    /// The class the destroyer's doc names for a missing resource (nil: any error).
    private func documentedMissingClass(_ destroyer: Resource.Link) -> QMPErrorClass? {
        schema.command(named: destroyer.command)?.doc?.errorClasses.first.map(QMPErrorClass.init(rawValue:))
    }

    private func expectation(_ event: ResourceTable.PromisedEvent, name: String) -> EventExpectation {
        EventExpectation(
            name: event.name, data: event.data.map { fill($0, name: name, parent: nil) },
            windowMilliseconds: Self.eventWindowMilliseconds, order: .any)
    }

    /// A template with `${name}` and `${parent}` filled in; `${scratch}` stays for the run.
    private func fill(_ template: JSONValue, name: String, parent: String?) -> JSONValue {
        var captured: [String: JSONValue] = ["name": .string(name)]
        if let parent { captured["parent"] = .string(parent) }
        let variables = CaseVariables(scratch: "${scratch}", captured: captured)
        return (try? variables.substitute(template)) ?? template
    }

    private func step(
        _ command: String, arguments: JSONValue?, reply: Scenario.Step.ReplyExpectation = .success(nil),
        events: [EventExpectation] = []
    ) -> Scenario.Step {
        Scenario.Step(
            action: .execute(command: command, arguments: arguments), reply: reply, events: events,
            location: SourceLocation(file: "cases/resources.json", line: 1, column: 1))
    }

    private func scenario(
        _ kind: ResourceKind, _ name: String, _ description: String, steps: [Scenario.Step],
        cleanup: [Scenario.Step]
    ) -> Scenario {
        var scenario = Scenario(
            name: "stateful.\(kind.rawValue).\(name)", relativePath: "stateful/\(kind.rawValue)",
            file: "cases/resources.json", description: description, steps: steps, cleanup: cleanup)
        scenario.kind = .stateful
        return scenario
    }
}
