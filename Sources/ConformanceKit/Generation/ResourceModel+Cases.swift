extension ResourceModel {
    /// A generated case made ready for a stateful endpoint. A valid case of a command whose
    /// members name one thing in ways of which a call takes exactly one (`exactlyOne`) keeps
    /// only the first it has, or gets the first (valued from the table) when it has none. A
    /// valid case of a producer (or of a job-starting command) names what it creates
    /// `qcn-<its hash>`, a name of its own, instead of the one the value table gives (which the
    /// fixture endpoint already holds, for the consumers) or none (QEMU requires `node-name` at
    /// the top of `blockdev-add`; a job without `job-id` takes its device's name), so that no
    /// producer case fails for a name an earlier one took or left out; a job it starts is its
    /// `cleanup`, which the runner ends after it. A valid case of a command the table's `undo`
    /// lists gets that command (with the case's value of its member) as its `cleanup`, so that
    /// an export of the same name can start, and one of a command its `clear` lists gets that
    /// command as its `clearing`, so that a second NBD server can start while the last one
    /// started stays for the exports after it; a `clear` with a member gives the case what it
    /// names (`getfd` of its `fdname` before `closefd`), passing a descriptor when that command
    /// takes one; one of a command its `launch` lists runs on an endpoint of its own launched
    /// with those words. Every case of a command the table's `passes-fd` lists passes a
    /// descriptor with its request. Nothing else is removed
    /// afterwards: removing is what the stateful sequences test, judged. A valid or invalid case
    /// of a command that creates, destroys or uses a resource gets the state queries to snapshot
    /// (an invalid call, or a valid one answered with an error, must change nothing). Other
    /// cases are returned as they are.
    /// - Parameters:
    ///   - testCase: a generated case.
    ///   - schema: the schema it was generated from.
    ///   - values: the value table, for a member a case gets.
    /// - Returns: the case to run.
    public func preparing(_ testCase: TestCase, schema: Schema, values: ValueTable) -> TestCase {
        var testCase = testCase
        testCase.passesDescriptor = passesDescriptor.contains(testCase.command)
        if testCase.kind == .invalid { return withStateQueries(testCase) }
        guard testCase.kind == .valid else { return testCase }
        testCase.launch = launch[testCase.command] ?? []
        guard var arguments = testCase.arguments?.objectValue, let command = schema.command(named: testCase.command)
        else { return withStateQueries(testCase) }
        let members = schema.argumentMembers(of: command)
        if let group = exactlyOne[testCase.command]?.filter({ name in members.contains { $0.name == name } }),
            let kept = group.first(where: { arguments[$0] != nil }) ?? group.first
        {
            for name in group where name != kept { arguments[name] = nil }
            if arguments[kept] == nil, let member = members.first(where: { $0.name == kept }) {
                arguments[kept] = .string(values.value(member: kept, documentation: member.documentation))
            }
        }
        var job: String?
        if let (kind, producer) = producer(of: testCase.command),
            let member = members.first(where: { $0.name == producer.member }),
            case .named(let typeName) = member.type, schema.type(named: typeName)?.builtin == .str
        {
            let name = "qcn-" + (testCase.id.split(separator: "/").last ?? "")
            arguments[producer.member] = .string(name)
            if kind == .job { job = name }
        }
        let cleanup =
            job.map { TestCase.Cleanup.endJob(id: $0) } ?? undo[testCase.command].map { step($0, of: arguments) }
        let clearing = clear[testCase.command].map { step($0, of: arguments) }
        guard .object(arguments) != testCase.arguments || cleanup != nil || clearing != nil else {
            return withStateQueries(testCase)
        }
        var prepared = TestCase(
            command: testCase.command, kind: testCase.kind, summary: testCase.summary, arguments: .object(arguments),
            expectation: testCase.expectation, tags: testCase.labels, effects: testCase.effects, origin: testCase.origin
        )
        prepared.cleanup = cleanup
        prepared.clearing = clearing
        prepared.launch = testCase.launch
        prepared.passesDescriptor = testCase.passesDescriptor
        return withStateQueries(prepared)
    }

    /// A scenario or stateful sequence made ready to run: each step (cleanup steps included) of
    /// a command the table's `passes-fd` lists passes a descriptor with its request.
    /// - Parameter scenario: a loaded or generated scenario.
    /// - Returns: the scenario to run.
    public func preparing(_ scenario: Scenario) -> Scenario {
        var prepared = scenario
        for index in prepared.steps.indices {
            prepared.steps[index].passesDescriptor = passesDescriptor.contains(prepared.steps[index].command)
        }
        for index in prepared.cleanup.indices {
            prepared.cleanup[index].passesDescriptor = passesDescriptor.contains(prepared.cleanup[index].command)
        }
        return prepared
    }

    /// What the runner executes for an `undo` or `clear` entry around a case: the entry's
    /// command with its fixed arguments and the case's value of its member, passing a descriptor
    /// when the command takes one (`passes-fd`).
    private func step(_ entry: ResourceTable.Undo, of caseArguments: JSONObject) -> TestCase.Cleanup {
        var arguments = entry.arguments
        if let member = entry.member { arguments[member] = caseArguments[member] }
        return passesDescriptor.contains(entry.command)
            ? .executePassingDescriptor(command: entry.command, arguments: arguments)
            : .execute(command: entry.command, arguments: arguments)
    }

    /// The first producer link of a command, with its kind.
    private func producer(of command: String) -> (ResourceKind, Resource.Link)? {
        for resource in resources {
            if let link = resource.producers.first(where: { $0.command == command }) { return (resource.kind, link) }
        }
        return nil
    }

    /// A case of a command that creates, destroys or uses a resource, with the queries
    /// of those resources (and of the ones they live in) as its state queries.
    private func withStateQueries(_ testCase: TestCase) -> TestCase {
        var queries: [Resource.Query] = []
        for resource in resources {
            let links = resource.producers + resource.consumers + [resource.destroyer].compactMap { $0 }
            guard links.contains(where: { $0.command == testCase.command }), let query = resource.query,
                !queries.contains(query)
            else { continue }
            queries.append(query)
        }
        var prepared = testCase
        prepared.stateQueries = queries
        return prepared
    }
}
