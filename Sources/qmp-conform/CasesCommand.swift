import ConformanceKit
import Foundation

/// `qmp-conform cases list|show`: the cases a run would fire, without firing them.
enum CasesCommand {
    static let selectionOptions: [OptionSpec] = [
        .option(
            "filter", value: "glob",
            help: "Keep cases whose id matches <glob> ('set_link/*', '*/invalid/*', or one id).", repeatable: true),
        .option(
            "kind", value: "kind", help: "Keep cases of this kind.",
            allowedValues: TestCase.Kind.allCases.map(\.rawValue), repeatable: true),
        .option(
            "seed", value: "n",
            help: "Seed for the choices the schema leaves open; the same seed gives the same cases.", defaultValue: "0"),
        .option(
            "valid-budget", value: "n", help: "At most n valid cases per command; cuts are reported.",
            defaultValue: String(CaseGenerator.Options().validBudget)),
        .option(
            "invalid-budget", value: "n", help: "At most n invalid cases per command; cuts are reported.",
            defaultValue: String(CaseGenerator.Options().invalidBudget)),
        .option(
            "cases", value: "dir",
            help:
                "The cases/ directory (values.json, policy.json, scenarios). Default: ./cases, else the one beside the build."
        ),
    ]

    static let spec = CommandSpec(
        "cases",
        abstract: "List and show the test cases generated from a schema.",
        subcommands: [
            CommandSpec(
                "list",
                abstract: "List case ids with one-line summaries, and counts per command and kind.",
                options: [SchemaCommand.schemaOption, SchemaCommand.defineOption] + TargetOptions.options
                    + selectionOptions + [
                        .option(
                            "format", value: "format", help: "The output format.", allowedValues: ["text", "json"],
                            defaultValue: "text")
                    ]),
            CommandSpec(
                "show",
                abstract: "Print one case in full: request, expectation, tags, origin.",
                options: [SchemaCommand.schemaOption, SchemaCommand.defineOption] + TargetOptions.options
                    + selectionOptions,
                arguments: [ArgumentSpec("id", help: "The case id, as 'cases list' or a report prints it.")]),
        ])

    static func run(_ parsed: ParsedCommand) async -> ExitStatus {
        guard let generated = await generate(parsed) else { return .runNotPossible }
        if parsed.subcommandPath.last == "show" {
            guard let id = parsed.positional(0) else { return .usage }
            guard let testCase = generated.cases.first(where: { $0.id == id }) else {
                let hint =
                    Suggestion.closest(to: id, among: generated.cases.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
                Output.error("error: no case with id '\(id)'.\(hint) List them with 'qmp-conform cases list'.")
                return .runNotPossible
            }
            Output.print(JSONWriter.pretty.string(testCase.json))
            return .success
        }
        let cases = generated.cases
        if parsed.value("format") == "json" {
            Output.print(JSONWriter.pretty.string(.array(cases.map(\.json))))
            return .success
        }
        for testCase in cases {
            Output.print("\(testCase.id)  \(testCase.summary)  [\(testCase.expectation.summary)]")
        }
        Output.print("")
        Output.print(CaseCounts(cases).text)
        return .success
    }

    /// Loads the schema and the cases directory, generates, and applies the selection options.
    static func generate(_ parsed: ParsedCommand) async -> (cases: [TestCase], notes: [Diagnostic])? {
        guard let schema = await schema(parsed), let directory = loadCaseDirectory(parsed) else { return nil }
        guard let options = generatorOptions(parsed) else { return nil }
        let output = CaseGenerator(schema: schema, values: directory.values, policy: directory.policy, options: options)
            .generate()
        Output.diagnostics(output.notes, verbose: false)
        let filter = CaseFilter(
            patterns: parsed.values("filter"), kinds: Set(parsed.values("kind").compactMap(TestCase.Kind.init)))
        return ((output.cases + directory.scenarios.map(\.testCase)).filter(filter.matches), output.notes)
    }

    /// The generator options from `--seed` and the budgets; nil (after saying why) when malformed.
    static func generatorOptions(_ parsed: ParsedCommand) -> CaseGenerator.Options? {
        let defaults = CaseGenerator.Options()
        guard let seed = UInt64(parsed.value("seed") ?? "0"),
            let valid = Int(parsed.value("valid-budget") ?? String(defaults.validBudget)), valid >= 0,
            let invalid = Int(parsed.value("invalid-budget") ?? String(defaults.invalidBudget)), invalid >= 0
        else {
            Output.error("error: --seed, --valid-budget and --invalid-budget take non-negative integers")
            return nil
        }
        return CaseGenerator.Options(seed: seed, validBudget: valid, invalidBudget: invalid)
    }

    /// The schema `--schema` names, else the introspection of the endpoint the target options
    /// name (the default launch when none).
    static func schema(_ parsed: ParsedCommand) async -> Schema? {
        if parsed.value("schema") != nil { return SchemaCommand.loadSelectedSchema(parsed) }
        guard let target = TargetOptions.target(parsed) else { return nil }
        Output.error("qmp-conform: reading the schema of \(target)")
        return await TargetOptions.withClient(target) { try await TargetOptions.introspect($0) }
    }

    static func loadCaseDirectory(_ parsed: ParsedCommand) -> CaseDirectory? {
        guard let path = parsed.value("cases") ?? CaseDirectory.defaultPath(executable: CommandLine.arguments[0]) else {
            Output.error(
                "error: cannot find the cases/ directory (values.json, policy.json)\n    hint: pass --cases DIR")
            return nil
        }
        do {
            return try CaseDirectory.load(path)
        } catch {
            Output.diagnostics(error.diagnostics)
            return nil
        }
    }
}

/// Case counts per command and per kind, as `cases list` and run summaries print them.
struct CaseCounts {
    let cases: [TestCase]

    init(_ cases: [TestCase]) { self.cases = cases }

    var text: String {
        var perCommand: [String: [TestCase.Kind: Int]] = [:]
        var order: [String] = []
        for testCase in cases where testCase.kind != .scenario {
            if perCommand[testCase.command] == nil { order.append(testCase.command) }
            perCommand[testCase.command, default: [:]][testCase.kind, default: 0] += 1
        }
        var lines = ["COUNTS PER COMMAND (valid / invalid / doc):"]
        for command in order {
            let counts = perCommand[command] ?? [:]
            lines.append("  \(command): \(counts[.valid] ?? 0) / \(counts[.invalid] ?? 0) / \(counts[.doc] ?? 0)")
        }
        let byKind = Dictionary(grouping: cases, by: \.kind).mapValues(\.count)
        let kinds = TestCase.Kind.allCases.compactMap { kind in byKind[kind].map { "\($0) \(kind.rawValue)" } }
        lines.append("TOTAL: \(cases.count) cases (\(kinds.joined(separator: ", "))) over \(order.count) commands")
        let scenarios = cases.filter { $0.kind == .scenario }.count
        if scenarios > 0 { lines.append("  of which \(scenarios) scenarios from cases/") }
        return lines.joined(separator: "\n")
    }
}
