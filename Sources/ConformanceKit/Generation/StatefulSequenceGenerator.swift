/// Generates the stateful sequences of a schema from its `ResourceModel`: for every kind with a
/// producer and destroyer, a lifecycle (create, the query lists it as created, a second create
/// fails, destroy, the query no longer lists it, a second destroy fails with the documented
/// class, promised events within their windows; a kind's `setup` before and `teardown` after);
/// for every consumer, a valid call naming a resource the sequence created first, then the
/// query, then clean-up. Where the table has a `reach` recipe for the consumer, the sequence
/// first puts the resource in the state the call needs (waiting for the events that mark it,
/// within windows of seconds), and the call must then succeed, with its promised events and the
/// recipe's queries showing its effect.
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
                let reach = self.reach(consumer, of: resource.kind)
                guard
                    let creation = self.creation(
                        of: resource.kind, number: sequences.count, for: consumer.member, template: reach?.create)
                else { continue }
                sequences.append(consumerSequence(consumer, of: resource, creation, reach: reach))
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
        of kind: ResourceKind, number: Int, for member: String? = nil, name: String? = nil, parent: String? = nil,
        template override: ResourceTable.Template? = nil
    ) -> Creation? {
        let entry = table.entry(kind)
        let template = override ?? member.flatMap { entry.createFor[$0] }
        let name = name ?? "qcs\(number)"
        guard entry.unsupported == nil,
            let step = createStep(kind, name: name, parent: parent ?? "\(name)p", template: template)
        else { return nil }
        let parentName = parent ?? entry.scope.map { _ in "\(name)p" }
        var creation = Creation(
            name: name, steps: fill(entry.setup, name: name, parent: parentName), create: step,
            cleanup: fill(entry.teardown, name: name, parent: parentName))
        if let parent {
            creation.parent = parent
        } else if let scope = entry.scope {
            guard let parent = createStep(scope.kind, name: "\(name)p", parent: nil) else {
                return nil
            }
            creation.parent = "\(name)p"
            creation.steps.append(parent)
            creation.cleanup.insert(
                contentsOf: destroyStep(scope.kind, name: "\(name)p", parent: nil).map { [$0] } ?? [], at: 0)
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
        var events = template?.command == nil ? entry.createdEvent.map { [expectation($0, name: name)] } ?? [] : []
        events += fill(template?.events ?? [], name: name, parent: parent)
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
        steps += fill(entry.teardown, name: creation.name, parent: creation.parent)
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
    /// With a table recipe (`reach`), the sequence first puts the resource in the state the call
    /// needs, the call must succeed with the events it promises, and the recipe's queries after
    /// it must show its effect; the recipe's arguments name the call's other things.
    private func consumerSequence(
        _ consumer: Resource.Link, of resource: Resource, _ creation: Creation, reach: ResourceTable.Reach?
    ) -> Scenario {
        let (name, parent) = (creation.name, creation.parent)
        var overrides = [consumer.member: creation.name]
        if let scope = table.entry(resource.kind).scope, let parent = creation.parent {
            overrides[scope.member] = parent
        }
        var creations = [creation]
        var kinds = [resource.kind] + (table.entry(resource.kind).scope.map { [$0.kind] } ?? [])
        for (index, other) in otherConsumers(of: consumer).enumerated()
        where overrides[other.link.member] == nil && reach?.arguments[other.link.member] == nil {
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
        var steps = fill(reach?.setup ?? [], name: name, parent: parent) + creations.flatMap(\.steps)
        steps += fill(reach?.before ?? [], name: name, parent: parent)
        if var arguments = call(consumer.command, overrides: overrides)?.objectValue {
            if let reach {
                for member in fill(.object(reach.arguments), name: name, parent: parent).objectValue ?? [:] {
                    arguments[member.key] = member.value
                }
                steps.append(
                    step(
                        consumer.command, arguments: .object(arguments),
                        events: fill(reach.events, name: name, parent: parent)))
                steps += fill(reach.after, name: name, parent: parent)
            } else {
                steps.append(step(consumer.command, arguments: .object(arguments), reply: .accepted(name: name)))
            }
        }
        let removal =
            fill(reach?.cleanup ?? [], name: name, parent: parent) + creations.reversed().flatMap(\.cleanup)
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
        let description =
            reach.map {
                "\(resource.kind.rawValue): \(consumer.command) succeeds on \($0.state) (made by \(creation.create.command)), named by '\(consumer.member)'"
            }
            ?? "\(resource.kind.rawValue): \(consumer.command) finds by '\(consumer.member)' the one \(creation.create.command) created"
        return scenario(
            resource.kind, "\(consumer.command).\(consumer.member)", description, steps: steps, cleanup: removal)
    }

    /// The table's recipe for a consumer call, when it is for this kind and member.
    private func reach(_ consumer: Resource.Link, of kind: ResourceKind) -> ResourceTable.Reach? {
        guard let reach = table.reach[consumer.command], reach.kind == kind, reach.member == consumer.member else {
            return nil
        }
        return reach
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
        (try? variables(name: name, parent: parent).substitute(template)) ?? template
    }

    private func variables(name: String, parent: String?) -> CaseVariables {
        var captured: [String: JSONValue] = ["name": .string(name)]
        if let parent { captured["parent"] = .string(parent) }
        return CaseVariables(scratch: "${scratch}", captured: captured)
    }

    /// Table steps with `${name}` and `${parent}` filled in.
    private func fill(_ steps: [Scenario.Step], name: String, parent: String?) -> [Scenario.Step] {
        let variables = variables(name: name, parent: parent)
        return steps.map { (try? $0.substituting(variables)) ?? $0 }
    }

    /// Table events with `${name}` and `${parent}` filled in.
    private func fill(_ events: [EventExpectation], name: String, parent: String?) -> [EventExpectation] {
        events.map { event in
            var filled = event
            filled.data = event.data.map { fill($0, name: name, parent: parent) }
            return filled
        }
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
