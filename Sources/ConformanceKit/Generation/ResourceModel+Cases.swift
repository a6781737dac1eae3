extension ResourceModel {
    /// A generated case made ready for a stateful endpoint: a valid case of a producer (or of a
    /// job-starting command) creates a name of its own, `qcn-<its hash>`, instead of the one the
    /// value table gives (which the fixture endpoint already holds, for the consumers), so that
    /// no producer case fails for a name an earlier one took. Nothing is removed afterwards:
    /// removing is what the stateful sequences test, judged. Cases that leave the name out (an
    /// optional `node-name`) or give a non-string (`fdset-id`) and other cases are returned as
    /// they are.
    /// - Parameter testCase: a generated case.
    /// - Returns: the case to run.
    public func preparing(_ testCase: TestCase) -> TestCase {
        guard testCase.kind == .valid, var arguments = testCase.arguments?.objectValue,
            let producer = resources.lazy.flatMap(\.producers).first(where: { $0.command == testCase.command }),
            arguments[producer.member]?.stringValue != nil
        else { return testCase }
        arguments[producer.member] = .string("qcn-" + (testCase.id.split(separator: "/").last ?? ""))
        return TestCase(
            command: testCase.command, kind: testCase.kind, summary: testCase.summary, arguments: .object(arguments),
            expectation: testCase.expectation, tags: testCase.tags, origin: testCase.origin)
    }
}
