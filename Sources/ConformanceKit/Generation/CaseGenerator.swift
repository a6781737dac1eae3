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
    private(set) var synthesizer: ValueSynthesizer
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

    /// A case not built yet: every candidate is counted, only those within the budget are built.
    /// It is handed the generator and the command rather than capturing them: a command has
    /// thousands of candidates, and each capture would copy dozens of references.
    typealias Candidate = (CaseGenerator, Command) -> TestCase

    /// Generates the cases of one command.
    /// - Parameters:
    ///   - command: the command.
    ///   - notes: where budget cuts and arguments without a finite value are reported.
    /// - Returns: valid, invalid and doc cases, in that order.
    func cases(for command: Command, notes: inout [Diagnostic]) -> [TestCase] {
        building(for: command.name).casesOfItsCommand(command, notes: &notes)
    }

    /// The same generator with its synthesizer building one command's arguments.
    func building(for command: String) -> CaseGenerator {
        var scoped = self
        scoped.synthesizer = synthesizer.building(for: command)
        return scoped
    }

    /// `cases(for:)` on a generator already scoped to the command.
    private func casesOfItsCommand(_ command: Command, notes: inout [Diagnostic]) -> [TestCase] {
        if let arguments = command.arguments, !synthesizer.heights.isFinite(arguments) {
            notes.append(.noFiniteArguments(command, type: arguments))
        }
        let valid = select(validCases(command), budget: options.validBudget, .valid, of: command, notes: &notes)
        let invalid = select(invalidCases(command), budget: options.invalidBudget, .invalid, of: command, notes: &notes)
        var seen: Set<String> = []
        return valid + invalid
            + DocCaseGenerator(generator: self).cases(for: command).filter { seen.insert($0.id).inserted }
    }

    /// The first `budget` distinct cases of the candidates, built in order; the rest are only
    /// counted, and a note says how many were cut.
    func select(
        _ candidates: [Candidate], budget: Int, _ kind: TestCase.Kind, of command: Command, notes: inout [Diagnostic]
    ) -> [TestCase] {
        var seen: Set<String> = []
        var chosen: [TestCase] = []
        var next = candidates.startIndex
        while chosen.count < budget, next < candidates.endIndex {
            let testCase = candidates[next](self, command)
            next += 1
            if seen.insert(testCase.id).inserted { chosen.append(testCase) }
        }
        let total = chosen.count + candidates.endIndex - next
        if total > budget { notes.append(.budgetCut(command, kind, cut: total - budget, of: total, budget: budget)) }
        return chosen
    }

    // MARK: Valid cases

    /// Valid argument combinations, most important first (the budget cuts from the end). None
    /// when the arguments have no finite value.
    func validCases(_ command: Command) -> [Candidate] {
        guard let object = schema.object(command.arguments) else {
            return [{ $0.makeCase($1, .valid, "no arguments", arguments: nil, .accept, origin: "valid: no arguments") }]
        }
        guard synthesizer.heights.isFinite(command.arguments!) else { return [] }
        var cases: [Candidate] = []
        func add(_ summary: String, rule: String, _ arguments: @escaping (ValueSynthesizer) -> JSONObject) {
            cases.append { generator, command in
                generator.makeCase(
                    command, .valid, summary, arguments: .object(arguments(generator.synthesizer)), .accept,
                    origin: "valid: \(rule)")
            }
        }
        let base = synthesizer.minimalObject(object, branch: nil, depth: 0)
        add("required members only", rule: "required-only") { _ in base }
        let (shape, tag) = synthesizer.shape(of: object, branch: nil)
        // Members without a finite value (a recursive type) cannot be given one: left out.
        let members = shape.filter { synthesizer.heights.isFinite($0.type) }
        let optional = members.filter(\.isOptional)
        if !optional.isEmpty {
            add("all members", rule: "all-members") { $0.fullObject(object, branch: nil, depth: 0) }
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
            let summary =
                "optional " + subset.map { "'\($0.name)'" }.joined(separator: ", ")
                + (subset.count == 1 ? " alone" : "")
            let names = Set(subset.map(\.name))
            add(summary, rule: "optional-combination") {
                $0.build(object, branch: nil, depth: 0) { names.contains($0.name) }
            }
        }
        for variant in synthesizer.finiteCases(of: object) {
            let branch = variant.name
            add("branch '\(branch)', required members", rule: "union-branch") {
                $0.minimalObject(object, branch: branch, depth: 0)
            }
            add("branch '\(branch)', all members", rule: "union-branch") {
                $0.fullObject(object, branch: branch, depth: 0)
            }
        }
        for member in members where member.name != tag?.name {
            let slot = ValueSynthesizer.Slot(name: member.name, documentation: member.documentation)
            let name = member.name
            for variation in synthesizer.variations(member.type, slot: slot) {
                let value = variation.value
                add("'\(name)' = \(variation.label)", rule: "member-value") { _ in
                    var arguments = base
                    arguments[name] = value
                    return arguments
                }
            }
        }
        return cases
    }

    // MARK: Invalid cases

    /// Argument values that each break exactly one rule; only the arguments-not-object case when
    /// the arguments have no finite value to break a rule of.
    func invalidCases(_ command: Command) -> [Candidate] {
        let notObject: Candidate = {
            $0.makeCase(
                $1, .invalid, "arguments is an array, not an object", arguments: .array([]),
                .reject(rule: .argumentsNotObject, path: .root), origin: "invalid: arguments-not-object")
        }
        guard let object = schema.object(command.arguments) else {
            let unknown: Candidate = {
                $0.makeCase(
                    $1, .invalid, "argument '\(Mutation.unknownMember)' to a command that takes none",
                    arguments: [Mutation.unknownMember: 1],
                    .reject(rule: .unknownMember, path: JSONPath.root.appending(Mutation.unknownMember)),
                    origin: "invalid: unknown-member")
            }
            return [unknown, notObject]
        }
        // Without schema validation ('gen': false) only the shape of `arguments` itself is checked.
        guard policy.validatesArguments(of: command), synthesizer.heights.isFinite(command.arguments!) else {
            return [notObject]
        }
        let base = synthesizer.minimalObject(object, branch: nil, depth: 0)
        let mutations = Mutation.all(of: base, object: object, synthesizer: synthesizer)
        return mutations.map { mutation in
            {
                $0.makeCase(
                    $1, .invalid, mutation.summary, arguments: mutation.value,
                    .reject(rule: mutation.rule, path: mutation.path), origin: "invalid: \(mutation.rule.rawValue)")
            }
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
        let names = policy.effects(of: command.name, arguments: arguments)
        // An invalid case is rejected before it can take effect: its effects are named, not feared.
        let effects = TestCase.Effects(
            names: names, needsDisposableEndpoint: !names.isEmpty && kind != .invalid,
            reachesBeyondLaunch: names.contains(where: policy.beyondLaunch.contains) && kind != .invalid,
            unknown: !policy.classifies(command.name) && kind != .invalid)
        if command.features.contains(where: { $0.name == "unstable" }) || command.name.hasPrefix("x-") {
            tags.append("unstable")
        }
        if command.features.contains(where: { $0.name == "deprecated" }) { tags.append("deprecated") }
        return TestCase(
            command: command.name, kind: kind, summary: summary, arguments: arguments, expectation: expectation,
            tags: tags, effects: effects, origin: origin)
    }
}

extension Diagnostic {
    /// A budget cut some of a command's cases.
    static func budgetCut(_ command: Command, _ kind: TestCase.Kind, cut: Int, of total: Int, budget: Int) -> Diagnostic
    {
        Diagnostic(
            .warning, "\(command.name): \(cut) of \(total) \(kind.rawValue) cases cut by the budget of \(budget)",
            hint: "raise it with --\(kind.rawValue)-budget to cover them all")
    }

    /// A command's arguments type admits no finite value (it contains itself with no way out).
    static func noFiniteArguments(_ command: Command, type: TypeRef) -> Diagnostic {
        Diagnostic(
            .warning,
            "\(command.name): its arguments type '\(type)' has no finite value (it contains itself with no optional "
                + "member, list or other branch as a way out, or its required members make more than "
                + "\(ValueHeights.maximumSize) JSON nodes): its valid cases and all invalid cases but "
                + "arguments-not-object are cut",
            hint: "make the recursive member optional or a list, or give the alternate or union a non-recursive branch")
    }
}
