import ConformanceKit
import Foundation

/// `qmp-conform schema check|show|dump|diff`: read, inspect, export and compare schemas.
enum SchemaCommand {
    static let defineOption = OptionSpec.option(
        "define", short: "D", value: "name",
        help: "Set the configuration symbol <name> when evaluating 'if' conditions of QAPI source. "
            + "Without any, every conditional definition stays in the model, marked conditional.",
        repeatable: true)
    static let strictOption = OptionSpec.flag(
        "strict", help: "Treat QAPI style warnings (naming, doc layout) as errors.")
    static let verboseOption = OptionSpec.flag(
        "verbose", short: "v", help: "Also print notes (old-dialect readings, style notes).")
    static let schemaOption = OptionSpec.option(
        "schema", value: "path",
        help: "The schema: a QAPI source file (with its includes) or a saved query-qmp-schema reply.")
    static let schemaArgument = ArgumentSpec(
        "schema", help: "A QAPI source file (its includes are read too) or a saved query-qmp-schema reply.")

    static let spec = CommandSpec(
        "schema",
        abstract: "Read, check, show, export and compare QAPI schemas.",
        subcommands: [
            CommandSpec(
                "check",
                abstract: "Load a schema and report every fault with file:line:column.",
                discussion: """
                    Exit status: 0 when the schema loads, 2 when it has errors (or warnings
                    under --strict).
                    """,
                options: [defineOption, strictOption, verboseOption],
                arguments: [schemaArgument]),
            CommandSpec(
                "show",
                abstract: "Summarise a schema, or print one command, event or type in full.",
                options: [defineOption, strictOption],
                arguments: [
                    schemaArgument,
                    ArgumentSpec("name", help: "A command, event or type to print in full.", arity: .optional),
                ]),
            CommandSpec(
                "dump",
                abstract: "Write a schema as the query-qmp-schema reply QEMU would give for it.",
                discussion: """
                    Apply the build's --define symbols so that the output compares with an
                    endpoint's introspection.
                    """,
                options: [
                    defineOption, strictOption,
                    .flag(
                        "introspection",
                        help: "Write introspection JSON (SchemaInfo list); the default and only format."),
                    .flag("pretty", help: "Indent the JSON and sort keys instead of writing one line."),
                ],
                arguments: [schemaArgument]),
            CommandSpec(
                "diff",
                abstract: "List what changed between two schemas and which changes break clients.",
                discussion: """
                    Either side may be QAPI source or introspection. Exit status: 0 when
                    nothing breaks clients, 1 when a change breaks clients (or, with
                    --downstream, an addition lacks the '__' prefix).
                    """,
                options: [
                    defineOption, strictOption,
                    .flag(
                        "downstream",
                        help: "NEW is a downstream build: flag additions without the '__' prefix (QMP spec section 6)."),
                    .flag(
                        "since",
                        help: "Group the changes by the release that added each item, from the Since: doc sections."),
                    .option(
                        "format", value: "format", help: "The output format.", allowedValues: ["text", "json"],
                        defaultValue: "text"),
                ],
                arguments: [
                    ArgumentSpec("old", help: "The reference schema (older version, or upstream)."),
                    ArgumentSpec("new", help: "The schema to compare (newer version, or the downstream build)."),
                ]),
        ])

    /// The schema named by `--schema`, narrowed by `--define`; nil (after printing why) when it
    /// cannot be loaded.
    static func loadSelectedSchema(_ parsed: ParsedCommand) async -> Schema? {
        guard let path = parsed.value("schema") else {
            Output.error(
                "error: name the schema with --schema PATH (a QAPI .json file or a saved query-qmp-schema reply)")
            return nil
        }
        let defines = parsed.values("define")
        do {
            let result = try await SchemaLoader.loadWithoutBlocking(
                path: path, options: .init(defines: defines.isEmpty ? nil : Set(defines)))
            Output.diagnostics(result.diagnostics)
            return result.schema
        } catch {
            Output.diagnostics(error.diagnostics)
            return nil
        }
    }

    static func run(_ parsed: ParsedCommand) -> ExitStatus {
        let defines = parsed.values("define")
        let options = SchemaLoader.Options(strict: parsed.flag("strict"), defines: defines.isEmpty ? nil : Set(defines))
        func load(_ path: String) -> Schema? {
            do {
                let result = try SchemaLoader.load(path: path, options: options)
                Output.diagnostics(
                    result.diagnostics, verbose: parsed.subcommandPath.last == "check" && parsed.flag("verbose"))
                return result.schema
            } catch {
                Output.diagnostics(error.diagnostics)
                return nil
            }
        }
        switch parsed.subcommandPath.last {
        case "check":
            guard let path = parsed.positional(0), let schema = load(path) else { return .runNotPossible }
            let types = schema.types.filter { $0.origin != .builtin && $0.origin != .implicit }.count
            Output.print(
                "\(path): ok: \(schema.commands.count) commands, \(schema.events.count) events, \(types) types")
            return .success
        case "show":
            guard let path = parsed.positional(0), let schema = load(path) else { return .runNotPossible }
            guard let name = parsed.positional(1) else {
                Output.print(SchemaPrinter.summary(schema), terminator: "")
                return .success
            }
            guard let text = SchemaPrinter.definition(named: name, in: schema) else {
                let names = schema.commands.map(\.name) + schema.events.map(\.name) + schema.types.map(\.name)
                let hint = Suggestion.closest(to: name, among: names).map { " Did you mean '\($0)'?" } ?? ""
                Output.error("error: no command, event or type named '\(name)' in \(path).\(hint)")
                return .runNotPossible
            }
            Output.print(text, terminator: "")
            return .success
        case "dump":
            guard let path = parsed.positional(0), let schema = load(path) else { return .runNotPossible }
            let writer = parsed.flag("pretty") ? JSONWriter.pretty : JSONWriter.compact
            Output.print(writer.string(IntrospectionRenderer.render(schema)))
            return .success
        default:
            guard let oldPath = parsed.positional(0), let newPath = parsed.positional(1),
                let old = load(oldPath), let new = load(newPath)
            else { return .runNotPossible }
            let diff = SchemaDiff.compare(old, new, downstream: parsed.flag("downstream"))
            if parsed.value("format") == "json" {
                Output.print(JSONWriter.pretty.string(diff.json))
            } else {
                if parsed.flag("since") {
                    for (release, changes) in diff.byRelease {
                        Output.print(
                            "since \(release.map { "\($0.major).\($0.minor)" } ?? "unknown (no doc comment)"):")
                        changes.forEach { Output.print("  \($0)") }
                    }
                } else {
                    diff.changes.forEach { Output.print($0.description) }
                }
                let breaking = diff.changes.filter { $0.compatibility == .breaking }.count
                Output.print("\(diff.changes.count) change\(diff.changes.count == 1 ? "" : "s"), \(breaking) breaking")
            }
            return diff.hasBreakingChanges || diff.hasNamingViolations ? .conformanceFailures : .success
        }
    }
}
