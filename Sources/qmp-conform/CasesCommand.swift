import ConformanceKit
import Foundation

/// `qmp-conform cases list|show|resources`: the items a run would fire, without firing them,
/// and the resource model stateful sequences are generated from.
enum CasesCommand {
    static let spec = CommandSpec(
        "cases",
        abstract: "List and show the test cases a run would fire (protocol checks, scenarios, generated cases).",
        subcommands: [
            CommandSpec(
                "list",
                abstract: "List case ids with one-line summaries, and counts per command and kind.",
                options: [SchemaCommand.schemaOption, SchemaCommand.defineOption] + TargetOptions.options
                    + PlanOptions.options + [
                        .option(
                            "format", value: "format", help: "The output format.", allowedValues: ["text", "json"],
                            defaultValue: "text")
                    ]),
            CommandSpec(
                "show",
                abstract: "Print one case in full: request, expectation, tags, origin.",
                options: [SchemaCommand.schemaOption, SchemaCommand.defineOption] + TargetOptions.options
                    + PlanOptions.options,
                arguments: [ArgumentSpec("id", help: "The case id, as 'cases list' or a report prints it.")]),
            CommandSpec(
                "resources",
                abstract:
                    "Print the resource model: per kind its producers, destroyer, query and consumers, and how each was found.",
                options: [SchemaCommand.schemaOption, SchemaCommand.defineOption] + TargetOptions.options
                    + PlanOptions.options),
        ])

    static func run(_ parsed: ParsedCommand) async -> ExitStatus {
        guard var selection = PlanOptions.selection(parsed) else { return .usage }
        if TargetOptions.agentWithoutSchema(parsed) {
            Output.usageError(TargetOptions.agentSchemaMessage, parsed)
            return .usage
        }
        guard let target = TargetOptions.target(parsed) else { return TargetOptions.failureStatus(parsed) }
        // The plan `run` fires against this endpoint: the protocol checks of its dialect.
        guard let dialect = await TargetOptions.dialect(printing: parsed, target: target) else {
            return .runNotPossible
        }
        selection.dialect = dialect
        let plan: RunPlan
        do {
            let directory = try PlanOptions.caseDirectory(parsed)
            plan = RunPlan(
                schema: try await PlanOptions.schema(parsed, target: target), directory: directory,
                selection: selection)
        } catch {
            Output.error("error: \(error.message)")
            return .runNotPossible
        }
        Output.diagnostics(plan.notes, verbose: false)
        if parsed.subcommandPath.last == "resources" {
            Output.print(plan.resources.text, terminator: "")
            return .success
        }
        if parsed.subcommandPath.last == "show" {
            guard let id = parsed.positional(0) else { return .usage }
            guard let item = plan.items.first(where: { $0.id == id }) else {
                let hint =
                    Suggestion.closest(to: id, among: plan.items.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
                Output.error("error: no case with id '\(id)'.\(hint) List them with 'qmp-conform cases list'.")
                return .runNotPossible
            }
            Output.print(JSONWriter.pretty.string(json(item)))
            return .success
        }
        if parsed.value("format") == "json" {
            Output.print(JSONWriter.pretty.string(.array(plan.items.map(json))))
            return .success
        }
        for item in plan.items {
            Output.print("\(item.id)  \(item.summary)  [\(expectation(item))]")
        }
        Output.print("")
        Output.print(CaseCounts(plan.items).text)
        return .success
    }

    /// An item as `cases show` and `--format json` print it.
    static func json(_ item: Runner.Item) -> JSONValue {
        switch item {
        case .testCase(let testCase): testCase.json
        case .scenario(let scenario): scenario.testCase.json
        case .protocolCheck(let check):
            [
                "id": .string(item.id), "kind": "protocol", "name": .string(check.name),
                "section": .string(check.section), "summary": .string(item.summary),
            ]
        }
    }

    /// What an item expects, in a few words.
    static func expectation(_ item: Runner.Item) -> String {
        switch item {
        case .testCase(let testCase): testCase.expectation.summary
        case .scenario(let scenario): scenario.testCase.expectation.summary
        case .protocolCheck(let check): "QMP spec \(check.section)"
        }
    }
}

/// Item counts per command and per kind, as `cases list` prints them.
struct CaseCounts {
    let items: [Runner.Item]

    init(_ items: [Runner.Item]) { self.items = items }

    var text: String {
        var perCommand: [String: [TestCase.Kind: Int]] = [:]
        var order: [String] = []
        for case .testCase(let testCase) in items {
            if perCommand[testCase.command] == nil { order.append(testCase.command) }
            perCommand[testCase.command, default: [:]][testCase.kind, default: 0] += 1
        }
        var lines = ["COUNTS PER COMMAND (valid / invalid / doc):"]
        for command in order {
            let counts = perCommand[command] ?? [:]
            lines.append("  \(command): \(counts[.valid] ?? 0) / \(counts[.invalid] ?? 0) / \(counts[.doc] ?? 0)")
        }
        let byKind = Dictionary(grouping: items, by: \.kind).mapValues(\.count)
        let kinds = TestCase.Kind.allCases.compactMap { kind in byKind[kind].map { "\($0) \(kind.rawValue)" } }
        lines.append("TOTAL: \(items.count) cases (\(kinds.joined(separator: ", "))) over \(order.count) commands")
        return lines.joined(separator: "\n")
    }
}
