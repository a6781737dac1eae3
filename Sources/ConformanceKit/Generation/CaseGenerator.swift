import Foundation

/// Enumerates the test cases of every command of a `Schema`: valid argument combinations, invalid
/// ones that each break one rule, and cases mined from the doc comments.
///
/// Pipeline position: `Schema` (+ `ValueTable`, `SafetyPolicy`) in, `[TestCase]` out; the runner
/// takes it from there. Deterministic: the same schema, tables and seed give the same cases with
/// the same ids, in the same order.
public struct CaseGenerator: Sendable {
    /// Limits and choices of a generation.
    public struct Options: Sendable, Hashable {
        /// Seeds the choices that are not forced by the schema (which branch values fill lists of
        /// several); the same seed gives the same cases.
        public var seed: UInt64
        /// At most this many valid cases per command; the rest are cut and reported.
        public var validBudget: Int
        /// At most this many invalid cases per command; the rest are cut and reported.
        public var invalidBudget: Int

        /// Creates options.
        public init(seed: UInt64 = 0, validBudget: Int = 96, invalidBudget: Int = 160) {
            self.seed = seed
            self.validBudget = validBudget
            self.invalidBudget = invalidBudget
        }
    }

    /// What a generation produced.
    public struct Output: Sendable {
        /// The cases, grouped by command in schema order, each group valid, invalid, then doc.
        public var cases: [TestCase]
        /// Notes, such as a budget that cut cases of a command.
        public var notes: [Diagnostic]
    }

    let schema: Schema
    let synthesizer: ValueSynthesizer
    let policy: SafetyPolicy
    let options: Options

    /// Creates a generator.
    /// - Parameters:
    ///   - schema: the schema to cover.
    ///   - values: the value-synthesis table (`cases/values.json`).
    ///   - policy: the safety policy (`cases/policy.json`).
    ///   - options: budgets and seed.
    public init(schema: Schema, values: ValueTable, policy: SafetyPolicy, options: Options = Options()) {
        self.schema = schema
        synthesizer = ValueSynthesizer(schema: schema, table: values, seed: options.seed)
        self.policy = policy
        self.options = options
    }

    /// Generates the cases of every command.
    /// - Returns: the cases and notes.
    public func generate() -> Output {
        var output = Output(cases: [], notes: [])
        for command in schema.commands {
            output.cases += cases(for: command, notes: &output.notes)
        }
        return output
    }

    /// Generates the cases of one command.
    /// - Parameters:
    ///   - command: the command.
    ///   - notes: where budget cuts are reported.
    /// - Returns: valid, invalid and doc cases, in that order.
    func cases(for command: Command, notes: inout [Diagnostic]) -> [TestCase] {
        var seen: Set<String> = []
        func unique(_ cases: [TestCase]) -> [TestCase] { cases.filter { seen.insert($0.id).inserted } }
        let valid = unique(validCases(command))
        let invalid = unique(invalidCases(command))
        let doc = unique(DocCaseGenerator(generator: self).cases(for: command))
        for (kind, list, budget) in [
            ("valid", valid, options.validBudget), ("invalid", invalid, options.invalidBudget),
        ] where list.count > budget {
            notes.append(
                Diagnostic(
                    .warning,
                    "\(command.name): \(list.count - budget) of \(list.count) \(kind) cases cut by the budget of \(budget)",
                    hint: "raise it with --\(kind)-budget to cover them all"))
        }
        return Array(valid.prefix(options.validBudget)) + Array(invalid.prefix(options.invalidBudget)) + doc
    }

    // MARK: Valid cases

    /// Valid argument combinations, most important first (the budget cuts from the end).
    func validCases(_ command: Command) -> [TestCase] {
        guard let object = schema.object(command.arguments) else {
            return [makeCase(command, .valid, "no arguments", arguments: nil, .accept, origin: "valid: no arguments")]
        }
        var cases: [TestCase] = []
        func add(_ summary: String, _ arguments: JSONObject, rule: String) {
            cases.append(
                makeCase(command, .valid, summary, arguments: .object(arguments), .accept, origin: "valid: \(rule)"))
        }
        let base = synthesizer.minimalObject(object, branch: nil, depth: 0)
        add("required members only", base, rule: "required-only")
        let (members, tag) = synthesizer.shape(of: object, branch: nil)
        let optional = members.filter(\.isOptional)
        if !optional.isEmpty {
            add("all members", synthesizer.fullObject(object, branch: nil, depth: 0), rule: "all-members")
        }
        // With at most three optional members every subset is tried; with more, each alone: with
        // required-only and all-members that covers every pair's presence combinations.
        let subsets: [[Member]] =
            optional.count <= 3
            ? (1..<max(1, (1 << optional.count) - 1)).map { mask in
                optional.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            }
            : optional.map { [$0] }
        for subset in subsets where !subset.isEmpty {
            let names = Set(subset.map(\.name))
            let arguments = synthesizer.build(object, branch: nil, depth: 0) { names.contains($0.name) }
            add(
                "optional " + subset.map { "'\($0.name)'" }.joined(separator: ", ")
                    + (subset.count == 1 ? " alone" : ""), arguments, rule: "optional-combination")
        }
        if let variants = object.variants {
            for variant in variants.cases {
                add(
                    "branch '\(variant.name)', required members",
                    synthesizer.minimalObject(object, branch: variant.name, depth: 0), rule: "union-branch")
                add(
                    "branch '\(variant.name)', all members",
                    synthesizer.fullObject(object, branch: variant.name, depth: 0), rule: "union-branch")
            }
        }
        for member in members where member.name != tag?.name {
            let slot = ValueSynthesizer.Slot(name: member.name, documentation: member.documentation)
            for variation in synthesizer.variations(member.type, slot: slot) {
                var arguments = base
                arguments[member.name] = variation.value
                add("'\(member.name)' = \(variation.label)", arguments, rule: "member-value")
            }
        }
        return cases
    }

    // MARK: Invalid cases

    /// Argument values that each break exactly one rule.
    func invalidCases(_ command: Command) -> [TestCase] {
        let notObject = makeCase(
            command, .invalid, "arguments is an array, not an object", arguments: .array([]),
            .reject(rule: .argumentsNotObject, path: .root), origin: "invalid: arguments-not-object")
        guard let object = schema.object(command.arguments) else {
            let unknown = makeCase(
                command, .invalid, "argument '\(Mutation.unknownMember)' to a command that takes none",
                arguments: [Mutation.unknownMember: 1],
                .reject(rule: .unknownMember, path: JSONPath.root.appending(Mutation.unknownMember)),
                origin: "invalid: unknown-member")
            return [unknown, notObject]
        }
        // Without schema validation ('gen': false) only the shape of `arguments` itself is checked.
        guard policy.validatesArguments(of: command) else { return [notObject] }
        let base = synthesizer.minimalObject(object, branch: nil, depth: 0)
        let mutations = Mutation.all(of: base, object: object, synthesizer: synthesizer)
        return mutations.map { mutation in
            makeCase(
                command, .invalid, mutation.summary, arguments: mutation.value,
                .reject(rule: mutation.rule, path: mutation.path), origin: "invalid: \(mutation.rule.rawValue)")
        } + [notObject]
    }

    // MARK: Cases

    /// A location with the file named relative to the schema's top directory, so that origins do
    /// not depend on where the schema sits on this machine.
    func relative(_ location: SourceLocation) -> String {
        guard !schema.files.isEmpty else { return location.description }
        return "\(schema.relativePath(location.file)):\(location.line)"
    }

    /// A case with tags from its kind and the safety policy.
    func makeCase(
        _ command: Command, _ kind: TestCase.Kind, _ summary: String, arguments: JSONValue?,
        _ expectation: TestCase.Expectation,
        origin: String, extraTags: [String] = []
    ) -> TestCase {
        var tags = [kind == .doc ? "doc" : kind.rawValue] + extraTags
        let effects = policy.effects(of: command.name, arguments: arguments)
        tags += effects.map { "effect:\($0)" }
        if !effects.isEmpty && kind != .invalid { tags.append("destructive") }
        if effects.contains(where: policy.beyondLaunch.contains) && kind != .invalid { tags.append("beyond-launch") }
        if command.features.contains(where: { $0.name == "unstable" }) || command.name.hasPrefix("x-") {
            tags.append("unstable")
        }
        if command.features.contains(where: { $0.name == "deprecated" }) { tags.append("deprecated") }
        return TestCase(
            command: command.name, kind: kind, summary: summary, arguments: arguments, expectation: expectation,
            tags: tags,
            origin: origin)
    }
}
