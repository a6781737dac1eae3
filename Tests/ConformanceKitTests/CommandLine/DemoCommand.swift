@testable import ConformanceKit

/// A command tree shaped like qmp-conform's, named `demo`, for the parser and help tests: its
/// subcommands (such as `report merge`) are fixtures, not the real commands.
enum DemoCommand {
    static let root = CommandSpec(
        "demo",
        abstract: "Check a QMP endpoint against its QAPI schema.",
        version: "0.1.0-demo",
        subcommands: [run, schema, report]
    )

    static let run = CommandSpec(
        "run",
        abstract: "Run conformance cases against a QMP endpoint.",
        discussion: """
            With no endpoint option, qemu-system-x86_64 -machine none is launched in a
            scratch directory and stopped at the end of the run.
            """,
        options: [
            .option("socket", value: "path", help: "Connect to the QMP Unix socket at <path>."),
            .option(
                "format", short: "f", value: "format", help: "The report format to write.",
                allowedValues: ["console", "junit", "json", "html"], defaultValue: "console"),
            .option(
                "define", short: "D", value: "name",
                help: "Select the schema configuration in which the 'if' condition <name> holds.",
                repeatable: true),
            .option(
                "seed", value: "n", help: "Seed for value synthesis; the same seed gives the same cases.",
                defaultValue: "0"),
            .option(
                "liveness-timeout", value: "milliseconds",
                help: "How long the endpoint may take to answer the liveness check after each case before "
                    + "it counts as hung and is relaunched.",
                defaultValue: "2000"),
            .flag("strict", help: "Treat QAPI style warnings as errors."),
            .flag("verbose", short: "v", help: "Print progress to standard error."),
        ],
        arguments: [
            ArgumentSpec(
                "cases", help: "Scenario files or folders to run besides the generated cases.",
                arity: .zeroOrMore)
        ]
    )

    static let schema = CommandSpec(
        "schema",
        abstract: "Read, check and compare QAPI schemas.",
        subcommands: [
            CommandSpec(
                "check",
                abstract: "Parse and resolve a QAPI schema, reporting faults with file:line:column.",
                options: [.flag("strict", help: "Treat QAPI style warnings as errors.")],
                arguments: [ArgumentSpec("schema", help: "The top-level QAPI schema file.")]
            ),
            CommandSpec(
                "diff",
                abstract: "Compare two schemas and classify each change as compatible or breaking.",
                options: [
                    .option(
                        "format", value: "format", help: "The output format.",
                        allowedValues: ["text", "json"], defaultValue: "text")
                ],
                arguments: [
                    ArgumentSpec("old", help: "The reference schema file or introspection dump."),
                    ArgumentSpec("new", help: "The schema file or introspection dump to compare."),
                    ArgumentSpec("command", help: "Only compare this command.", arity: .optional),
                ]
            ),
        ]
    )

    static let report = CommandSpec(
        "report",
        abstract: "Work with JSON result files.",
        subcommands: [
            CommandSpec(
                "merge",
                abstract: "Join the JSON results of shards into one report.",
                arguments: [ArgumentSpec("results", help: "The shards' JSON result files.", arity: .oneOrMore)]
            )
        ]
    )

    static let parser = CommandLineParser(root: root)
}
