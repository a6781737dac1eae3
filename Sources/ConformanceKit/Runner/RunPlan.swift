/// The ordered items of a run: the built-in protocol checks, the scenarios of `cases/`, the
/// stateful sequences generated from the resource model, then the generated cases, each kept only when the selection keeps it. `run` fires exactly these items
/// and `cases list`/`cases show` print exactly these, so the two never disagree.
///
/// Pipeline position: `Schema` + `CaseDirectory` + `Selection` → `RunPlan` → `Runner`.
public struct RunPlan: Sendable {
    /// Which items a run keeps.
    public struct Selection: Sendable {
        /// Id globs, kinds and shard.
        public var filter: CaseFilter
        /// Whether the built-in protocol checks are part of the run.
        public var protocolChecks: Bool
        /// How cases are generated (seed, budgets).
        public var generator: CaseGenerator.Options
        /// The endpoint's dialect: which protocol checks apply.
        public var dialect: QMPSession.Dialect
        /// The `-compat` policy whose cases to add (`CompatScenarioGenerator`); nil adds none.
        public var compat: CompatPolicy?

        /// Creates a selection.
        /// - Parameters:
        ///   - filter: id globs, kinds and shard.
        ///   - protocolChecks: include the protocol checks.
        ///   - generator: seed and budgets.
        ///   - dialect: the endpoint's dialect.
        ///   - compat: the `-compat` policy whose cases to add, if any.
        public init(
            filter: CaseFilter = CaseFilter(), protocolChecks: Bool = true,
            generator: CaseGenerator.Options = CaseGenerator.Options(), dialect: QMPSession.Dialect = .qmp,
            compat: CompatPolicy? = nil
        ) {
            self.compat = compat
            self.filter = filter
            self.protocolChecks = protocolChecks
            self.generator = generator
            self.dialect = dialect
        }
    }

    /// The items, in run and report order.
    public var items: [Runner.Item]
    /// What generation noted (budget cuts and the like).
    public var notes: [Diagnostic]
    /// The resources of the schema, from which the stateful sequences are generated.
    public var resources: ResourceModel

    /// Plans a run.
    /// - Parameters:
    ///   - schema: the endpoint's schema.
    ///   - directory: the cases directory (value table, safety policy, scenarios).
    ///   - selection: which items to keep.
    public init(schema: Schema, directory: CaseDirectory, selection: Selection) {
        let generated = CaseGenerator(
            schema: schema, values: directory.values, policy: directory.policy, options: selection.generator
        ).generate()
        let resources = ResourceModel(schema: schema, table: directory.resources)
        let sequences = StatefulSequenceGenerator(
            schema: schema, model: resources, directory: directory, seed: selection.generator.seed
        ).generate()
        var all: [Runner.Item] = []
        if selection.protocolChecks { all += ProtocolChecks.all(for: selection.dialect).map { .protocolCheck($0) } }
        all += directory.scenarios.map { .scenario(resources.preparing($0)) }
        all += sequences.map { .scenario(resources.preparing($0)) }
        if let policy = selection.compat {
            all += CompatScenarioGenerator(schema: schema, policy: policy, values: directory.values).generate()
                .map { .scenario($0) }
        }
        all += generated.cases.map { .testCase(resources.preparing($0, schema: schema, values: directory.values)) }
        items = all.filter { selection.filter.matches(id: $0.id, kind: $0.kind) }
        notes = generated.notes
        self.resources = resources
    }
}
