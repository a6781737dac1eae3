/// The cases of a compatibility policy (`run --compat`), from the schema's `deprecated` and
/// `unstable` features: each flagged command and top-level argument member under an input
/// policy of `reject`, and the introspection under an output policy of `hide`. Each check is a
/// pair of scenarios (kind `compat`): one on a dedicated endpoint launched with `-compat POLICY`,
/// and its control on the run's own endpoint, under QEMU's default policy (accept).
///
/// What is expected (QEMU's `compat_policy_input_ok` and introspection filter):
/// - a rejected command: `CommandNotFound`, "... disabled by policy"; its control: not that
///   (the request carries an unknown member, so the control fails argument validation with
///   `GenericError` and never runs the command);
/// - a rejected member: `GenericError`, "... disabled by policy"; its control: the unknown
///   member is what is refused;
/// - hidden output: `query-qmp-schema` lists no item and no member with the feature; its control
///   lists the flagged commands and events.
///
/// `crash` is not tested (it ends the endpoint by design). Members of nested types and returned
/// members are not covered.
struct CompatScenarioGenerator {
    /// The member every request carries so that no flagged command ever runs: the control
    /// refuses it, the policy refuses the request before looking at it.
    static let probeMember = "qmp-conform-compat-probe"
    static let file = "--compat"

    let schema: Schema
    let policy: CompatPolicy
    let synthesizer: ValueSynthesizer

    /// Creates a generator.
    /// - Parameters:
    ///   - schema: the schema read under the default policy (its features are what is checked).
    ///   - policy: the policy to check.
    ///   - values: the value table for the arguments flagged members need beside them.
    init(schema: Schema, policy: CompatPolicy, values: ValueTable) {
        self.schema = schema
        self.policy = policy
        synthesizer = ValueSynthesizer(schema: schema, table: values)
    }

    /// The scenarios, policy then control for each check, in schema order.
    func generate() -> [Scenario] {
        var scenarios: [Scenario] = []
        for feature in CompatPolicy.Feature.allCases {
            if policy.input[feature] == .reject { scenarios += inputChecks(feature) }
            if policy.output[feature] == .hide { scenarios += outputChecks(feature) }
        }
        return scenarios
    }

    private func has(_ features: [Feature], _ feature: CompatPolicy.Feature) -> Bool {
        features.contains { $0.name == feature.rawValue }
    }

    private func inputChecks(_ feature: CompatPolicy.Feature) -> [Scenario] {
        let setting = "\(feature.rawValue)-input=reject"
        var scenarios: [Scenario] = []
        for command in schema.commands {
            if has(command.features, feature) {
                let arguments: JSONValue = [Self.probeMember: true]
                scenarios += pair(
                    command.name, setting: setting, item: "command",
                    policyStep: step(
                        command.name, arguments,
                        .error(ErrorExpectation(errorClass: .commandNotFound, descPattern: "disabled by policy"))),
                    controlStep: step(command.name, arguments, .error(ErrorExpectation(errorClass: .genericError))))
                continue
            }
            for member in schema.argumentMembers(of: command) where has(member.features, feature) {
                guard let reference = command.arguments,
                    case .object(var arguments) = synthesizer.minimal(reference, slot: nil)
                else { continue }
                arguments[member.name] = synthesizer.minimal(
                    member.type, slot: .init(name: member.name, documentation: member.documentation))
                arguments[Self.probeMember] = true
                scenarios += pair(
                    command.name, setting: setting, item: "member '\(member.name)'",
                    policyStep: step(
                        command.name, .object(arguments),
                        .error(ErrorExpectation(errorClass: .genericError, descPattern: "disabled by policy"))),
                    controlStep: step(
                        command.name, .object(arguments),
                        .error(ErrorExpectation(errorClass: .genericError, descPattern: "'\(Self.probeMember)'"))))
            }
        }
        return scenarios
    }

    private func outputChecks(_ feature: CompatPolicy.Feature) -> [Scenario] {
        let flag: JSONValue = ["features": [.string(feature.rawValue)]]
        let hidden = ValueMatcher.all([.lacks(flag), .lacks(["members": [flag]])])
        let flagged =
            schema.commands.filter { has($0.features, feature) }.map(\.name)
            + schema.events.filter { has($0.features, feature) }.map(\.name)
        let listed = ValueMatcher.subset(
            .array(flagged.map { ["name": .string($0), "features": [.string(feature.rawValue)]] }))
        return pair(
            "query-qmp-schema", setting: "\(feature.rawValue)-output=hide", item: "introspection",
            policyStep: step("query-qmp-schema", nil, .success(hidden)),
            controlStep: step("query-qmp-schema", nil, .success(listed)))
    }

    private func step(_ command: String, _ arguments: JSONValue?, _ reply: Scenario.Step.ReplyExpectation)
        -> Scenario.Step
    {
        Scenario.Step(
            action: .execute(command: command, arguments: arguments), reply: reply,
            location: SourceLocation(file: Self.file, line: 1, column: 1))
    }

    /// A check under the policy (on its own endpoint) and its control (the run's endpoint).
    private func pair(
        _ command: String, setting: String, item: String, policyStep: Scenario.Step, controlStep: Scenario.Step
    ) -> [Scenario] {
        var underPolicy = Scenario(
            name: command, relativePath: "compat/\(setting)/\(item)", file: Self.file,
            description: "\(item) of \(command) under -compat \(setting)",
            launch: ["-machine", Scenario.machinePlaceholder, "-S", "-compat", policy.description], steps: [policyStep])
        var control = Scenario(
            name: command, relativePath: "compat/\(setting)/\(item)/control", file: Self.file,
            description: "\(item) of \(command) under the default policy (control for \(setting))",
            steps: [controlStep])
        underPolicy.kind = .compat
        underPolicy.compat = policy
        control.kind = .compat
        return [underPolicy, control]
    }
}
