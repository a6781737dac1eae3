extension ResourceModel {
    /// A generated case made ready for a stateful endpoint: a valid case of a producer (or of a
    /// job-starting command) names what it creates `qcn-<its hash>`, a name of its own, instead
    /// of the one the value table gives (which the fixture endpoint already holds, for the
    /// consumers) or none (QEMU requires `node-name` at the top of `blockdev-add`; a job without
    /// `job-id` takes its device's name), so that no producer case fails for a name an earlier
    /// one took or left out. Nothing is removed afterwards: removing is what the stateful
    /// sequences test, judged. An invalid case of a command that creates, destroys or uses a
    /// resource gets the state queries to snapshot. Other cases are returned as they are.
    /// - Parameters:
    ///   - testCase: a generated case.
    ///   - schema: the schema it was generated from.
    /// - Returns: the case to run.
    public func preparing(_ testCase: TestCase, schema: Schema) -> TestCase {
        if testCase.kind == .invalid { return withStateQueries(testCase) }
        guard testCase.kind == .valid, var arguments = testCase.arguments?.objectValue,
            let producer = resources.lazy.flatMap(\.producers).first(where: { $0.command == testCase.command }),
            let command = schema.command(named: testCase.command),
            let member = schema.argumentMembers(of: command).first(where: { $0.name == producer.member }),
            case .named(let typeName) = member.type, schema.type(named: typeName)?.builtin == .str
        else { return testCase }
        arguments[producer.member] = .string("qcn-" + (testCase.id.split(separator: "/").last ?? ""))
        return TestCase(
            command: testCase.command, kind: testCase.kind, summary: testCase.summary, arguments: .object(arguments),
            expectation: testCase.expectation, tags: testCase.labels, effects: testCase.effects, origin: testCase.origin
        )
    }

    /// An invalid case of a command that creates, destroys or uses a resource, with the queries
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
