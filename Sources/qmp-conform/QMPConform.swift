import ConformanceKit
import Foundation

/// The `qmp-conform` command tree: parses the arguments, runs one subcommand, maps the outcome to
/// an exit status. It parses flags, calls the library, prints, and touches the system only to read
/// and write the files it is told to and to handle signals; the work is in ConformanceKit.
enum QMPConform {
    static let version = "0.1.0"

    static let root = CommandSpec(
        "qmp-conform",
        abstract: "Schema-driven conformance tests for QMP, the QEMU Machine Protocol.",
        discussion: """
            Reads a QAPI schema (source files or an endpoint's query-qmp-schema),
            generates valid and invalid cases for every command, fires them at a QMP
            endpoint and reports the verdicts. Exit status: 0 all passed, 1 conformance
            failures, 2 the run could not happen, 64 usage error.
            """,
        version: version,
        subcommands: [
            RunCommand.spec, CertifyCommand.spec, ProbeCommand.probeSpec, ProbeCommand.execSpec, SchemaCommand.spec,
            CasesCommand.spec, ReportCommand.spec,
        ]
    )

    /// Runs the tool.
    /// - Parameter arguments: the command-line arguments without the program name.
    /// - Returns: the exit status.
    static func main(_ arguments: [String]) async -> ExitStatus {
        let result: ParseResult
        do {
            result = try CommandLineParser(root: root).parse(arguments)
        } catch {
            Output.error(error.description)
            return .usage
        }
        switch result {
        case .help(let path):
            Output.print(root.helpText(for: path), terminator: "")
            return .success
        case .version(let version):
            Output.print("qmp-conform \(version)")
            return .success
        case .command(let parsed):
            switch parsed.subcommandPath.first {
            case "schema": return SchemaCommand.run(parsed)
            case "cases": return await CasesCommand.run(parsed)
            case "run": return await RunCommand.run(parsed)
            case "certify": return await CertifyCommand.run(parsed)
            case "probe": return await ProbeCommand.probe(parsed)
            case "exec": return await ProbeCommand.exec(parsed)
            case "report": return ReportCommand.run(parsed)
            default:
                Output.error("internal error: no handler for '\(parsed.subcommandPath.joined(separator: " "))'")
                return .runNotPossible
            }
        }
    }
}

/// Where the CLI writes: results to standard output, diagnostics and progress to standard error.
enum Output {
    /// Prints a usage error as every command does: the message, the command's usage line, and
    /// where its help is.
    static func usageError(_ message: String, _ parsed: ParsedCommand) {
        let path = parsed.subcommandPath
        error(
            UsageError(message, commandPath: [QMPConform.root.name] + path, usage: QMPConform.root.usage(for: path))
                .description)
    }

    static func print(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints diagnostics to standard error; notes only when verbose.
    static func diagnostics(_ diagnostics: [Diagnostic], verbose: Bool = false) {
        for diagnostic in diagnostics where verbose || diagnostic.severity >= .warning { error(diagnostic.description) }
    }
}
