import ConformanceKit
import Foundation

/// `qmp-conform report diff|merge`: compare two runs' JSON reports, or join the JSON reports of
/// a sharded run into one run's reports. Reads the files it is named, calls `BaselineComparison`
/// or `ReportMerge`, and writes what it is told to.
enum ReportCommand {
    static let toleranceOption = OptionSpec.option(
        "timing-tolerance", value: "NxMms",
        help:
            "How much slower a round trip or event latency may get: a time regresses only past both N times and M ms more.",
        defaultValue: TimingTolerance.standard.description)

    static let spec = CommandSpec(
        "report",
        abstract: "Compare run reports (diff) or join the reports of a sharded run (merge).",
        subcommands: [
            CommandSpec(
                "diff",
                abstract:
                    "List what changed between two JSON reports: regressions, fixes, changed outcomes, timing regressions, cases added or gone.",
                discussion: """
                    Cases match by id; outcomes compare normalized (reply kind, error class,
                    reply shape, events; never error text). Exit status: 0 no regression,
                    1 a regression, changed outcome or timing regression, 2 unusable input.
                    """,
                options: [
                    toleranceOption,
                    .option("json", value: "file", help: "Also write the changes as JSON to <file>."),
                    .option("junit", value: "file", help: "Also write the changes as JUnit XML to <file>."),
                ],
                arguments: [
                    ArgumentSpec("old", help: "The earlier run's JSON report."),
                    ArgumentSpec("new", help: "The later run's JSON report."),
                ]),
            CommandSpec(
                "merge",
                abstract:
                    "Join the JSON reports of 'run --shard 1/n' through 'n/n' into one JSON, JUnit and HTML report.",
                discussion: """
                    Every shard must be given once, all of one run (same seed, schema digest
                    and shard count); a missing or duplicated shard is an error (exit 2).
                    Reports go to reports/<timestamp>.{junit.xml,json,html} with stable
                    reports/latest.* copies, unless --junit/--json/--html name files.
                    """,
                options: [
                    .option("junit", value: "file", help: "Write the merged JUnit XML report to <file>."),
                    .option("json", value: "file", help: "Write the merged JSON results to <file>."),
                    .option("html", value: "file", help: "Write the merged HTML summary to <file>."),
                    .option("reports", value: "dir", help: "Where default reports go.", defaultValue: "reports"),
                ],
                arguments: [ArgumentSpec("shard-report", help: "A shard's JSON report.", arity: .oneOrMore)]),
        ])

    static func run(_ parsed: ParsedCommand) -> ExitStatus {
        if parsed.subcommandPath.last == "merge" { return merge(parsed) }
        guard let tolerance = TimingTolerance(parsing: parsed.value("timing-tolerance") ?? "") else {
            Output.usageError(
                "--timing-tolerance takes <factor>x+<margin>ms with a factor of at least 1, e.g. 3x+50ms", parsed)
            return .usage
        }
        guard let old = read(parsed.positional(0) ?? ""), let new = read(parsed.positional(1) ?? "") else {
            return .runNotPossible
        }
        let comparison = BaselineComparison(
            baseline: Baseline(results: old.results), current: Baseline(results: new.results), tolerance: tolerance)
        let reporter = ComparisonReporter()
        var files: [AtomicFileWriter.File] = []
        if let path = parsed.value("json") {
            files.append(AtomicFileWriter.File(reporter.json(comparison), to: URL(fileURLWithPath: path)))
        }
        if let path = parsed.value("junit") {
            files.append(AtomicFileWriter.File(reporter.junit(comparison), to: URL(fileURLWithPath: path)))
        }
        do {
            try AtomicFileWriter.write(files)
        } catch {
            Output.error("error: cannot write the diff: \(error)")
            return .runNotPossible
        }
        Output.print(reporter.text(comparison), terminator: "")
        return comparison.hasRegressions ? .conformanceFailures : .success
    }

    /// `report merge`: the shards' reports joined and written like a run's.
    static func merge(_ parsed: ParsedCommand) -> ExitStatus {
        var shards: [(file: String, report: RunReport)] = []
        for path in parsed.positionals {
            guard let report = read(path) else { return .runNotPossible }
            shards.append((path, report))
        }
        let merged: RunReport
        do {
            merged = try ReportMerge.merge(shards)
        } catch {
            Output.error(error.description)
            return .runNotPossible
        }
        guard RunCommand.writeReports(merged, parsed) else { return .runNotPossible }
        Output.print(ConsoleReporter().render(merged), terminator: "")
        return merged.exitStatus
    }

    /// A JSON report read from a file; nil after printing why it could not be.
    static func read(_ path: String) -> RunReport? {
        guard let data = FileManager.default.contents(atPath: path) else {
            Output.error("error: cannot read the report '\(path)'")
            return nil
        }
        do {
            return try JSONReportReader.read([UInt8](data), file: path)
        } catch {
            Output.error(error.description)
            return nil
        }
    }
}
