extension Runner {
    /// One unit of work: a generated case, a protocol check or a scenario. Its id, suite,
    /// summary and kind are what `cases list`, filters and reports name it by.
    public enum Item: Sendable {
        /// A generated (valid, invalid or doc) case.
        case testCase(TestCase)
        /// A built-in QMP protocol check.
        case protocolCheck(ProtocolCheck)
        /// A hand-written scenario from `cases/`.
        case scenario(Scenario)

        /// The stable case id: `<command>/<kind>/<hash>`.
        public var id: String {
            switch self {
            case .testCase(let testCase): testCase.id
            case .protocolCheck(let check): TestCase.id(command: check.name, kind: .protocol, identity: [check.section])
            case .scenario(let scenario): scenario.caseID
            }
        }

        /// The report suite: the command, `protocol`, or the scenario's path.
        public var suite: String {
            switch self {
            case .testCase(let testCase): testCase.command
            case .protocolCheck: "protocol"
            case .scenario(let scenario): scenario.relativePath
            }
        }

        /// The one-line summary reports print.
        public var summary: String {
            switch self {
            case .testCase(let testCase): testCase.summary
            case .protocolCheck(let check): "\(check.summary) (QMP spec \(check.section))"
            case .scenario(let scenario): scenario.description
            }
        }

        /// The kind, for filters and per-kind totals.
        public var kind: TestCase.Kind {
            switch self {
            case .testCase(let testCase): testCase.kind
            case .protocolCheck: .protocol
            case .scenario(let scenario): scenario.kind
            }
        }

        /// Whether the item has effects beyond the endpoint (the safety policy's `destructive`
        /// tag): it runs on a disposable launched endpoint, or with `allowUnsafe`.
        var isDestructive: Bool {
            if case .testCase(let testCase) = self { return testCase.effects.needsDisposableEndpoint }
            return false
        }
    }
}
