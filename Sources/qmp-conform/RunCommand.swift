import ConformanceKit
import Foundation

/// `qmp-conform run`: generate the cases, fire them at the endpoint, judge, and write the reports.
enum RunCommand {
    static let spec = CommandSpec(
        "run",
        abstract: "Run the conformance suite against a QMP endpoint and write JUnit, JSON and HTML reports.",
        discussion: """
            With no endpoint option, qemu-system-x86_64 -machine none is launched in a
            private scratch directory (relaunched when a case kills it) and stopped at
            the end. Without --schema, the endpoint's own query-qmp-schema is the schema.
            Reports go to reports/<timestamp>.{junit.xml,json,html} with stable
            reports/latest.* copies, unless --junit/--json/--html name files.
            Reproduce one failing case with: qmp-conform run --filter '<case id>'.
            Exit status: 0 all passed, 1 conformance failures, 2 the run could not
            happen, 64 usage error, 130 interrupted (reports still written).
            """,
        options: TargetOptions.options + [
            SchemaCommand.schemaOption, SchemaCommand.defineOption,
        ] + CasesCommand.selectionOptions + [
            .option("timeout-ms", value: "ms", help: "How long one case may wait for its reply.", defaultValue: "5000"),
            .option(
                "jobs", value: "n", help: "Parallel launched endpoints (launched targets only).", defaultValue: "1"),
            .option(
                "shard", value: "i/n",
                help:
                    "Run only the i-th of n deterministic, disjoint slices of the cases (for fanning out over CI jobs)."
            ),
            .option("junit", value: "file", help: "Write the JUnit XML report to <file>."),
            .option("json", value: "file", help: "Write the JSON results to <file>."),
            .option("html", value: "file", help: "Write the HTML summary to <file>."),
            .option("reports", value: "dir", help: "Where default reports go.", defaultValue: "reports"),
            .option(
                "extra-members", value: "policy",
                help:
                    "Unknown members tolerated in replies and events: none (strict), downstream '__' names, or any (lenient).",
                allowedValues: ["strict", "downstream", "any"], defaultValue: "downstream"),
            .option(
                "waivers", value: "file",
                help: "Known deviations to report as waived instead of failing (e.g. cases/waivers-qemu-7.2.json).",
                repeatable: true),
            .option(
                "validation-messages", value: "file",
                help: "A JSON file of the endpoint's validation-error patterns (default: QEMU's)."),
            .flag(
                "allow-unsafe",
                help:
                    "Also run valid cases of commands with effects (stop, reset, files, sockets) on an endpoint the run did not launch."
            ),
            .flag("no-protocol-checks", help: "Skip the built-in QMP protocol checks."),
        ])

    static func run(_ parsed: ParsedCommand) async -> ExitStatus {
        let startedAt = Date()
        guard let target = TargetOptions.target(parsed), let directory = CasesCommand.loadCaseDirectory(parsed) else {
            return .runNotPossible
        }
        guard let options = CasesCommand.generatorOptions(parsed) else { return .usage }
        guard let timeoutMs = Int(parsed.value("timeout-ms") ?? ""), timeoutMs > 0,
            let jobs = Int(parsed.value("jobs") ?? ""),
            jobs > 0
        else {
            Output.error("error: --timeout-ms and --jobs take positive integers\nSee 'qmp-conform run --help'.")
            return .usage
        }
        guard let messages = loadMessages(parsed), let waivers = loadWaivers(parsed) else { return .runNotPossible }
        // Hardening: report options naming one file are a usage error, found before the run.
        if let (path, options) = ReportWriter.duplicate(among: namedReportPaths(parsed)) {
            Output.error("error: \(ReportWriteError.samePath(path, options: options))\nSee 'qmp-conform run --help'.")
            return .usage
        }

        // The schema: the file given, else the endpoint's own introspection.
        guard let schema = await CasesCommand.schema(parsed) else { return .runNotPossible }

        let generated = CaseGenerator(
            schema: schema, values: directory.values, policy: directory.policy, options: options
        ).generate()
        Output.diagnostics(generated.notes, verbose: false)
        var shard: (index: Int, count: Int)?
        if let text = parsed.value("shard") {
            guard let parsedShard = CaseFilter.shard(parsing: text) else {
                Output.error("error: --shard takes i/n with 1 <= i <= n, e.g. 2/4\nSee 'qmp-conform run --help'.")
                return .usage
            }
            shard = parsedShard
        }
        let filter = CaseFilter(
            patterns: parsed.values("filter"), kinds: Set(parsed.values("kind").compactMap(TestCase.Kind.init)),
            shard: shard)
        var items: [Runner.Item] = []
        if !parsed.flag("no-protocol-checks") {
            items += ProtocolChecks.all.filter { filter.matches(id: Runner.protocolCaseID($0), kind: .protocol) }.map {
                .protocolCheck($0)
            }
        }
        items += directory.scenarios.filter { filter.matches($0.testCase) }.map { .scenario($0) }
        items += generated.cases.filter(filter.matches).map { .testCase($0) }
        guard !items.isEmpty else {
            Output.error(
                "error: no case matches the filter\n    hint: list the cases with 'qmp-conform cases list' and check --filter/--kind"
            )
            return .runNotPossible
        }

        let extra = ValueValidator.ExtraMembers(rawValue: parsed.value("extra-members") ?? "downstream") ?? .downstream
        let runner = Runner(
            configuration: .init(
                target: target, jobs: jobs, caseTimeout: .milliseconds(timeoutMs),
                allowUnsafe: parsed.flag("allow-unsafe")),
            oracle: Oracle(schema: schema, messages: messages, extraMembers: extra))
        let interruption = Interruption.shared
        interruption.stopsBetweenCases()
        let progress = ProgressPrinter(total: items.count)
        Output.error(
            "qmp-conform: running \(items.count) cases against \(target) with \(jobs) job\(jobs == 1 ? "" : "s")")
        let outcome = await runner.run(
            items, progress: { progress.update($0) }, isCancelled: { interruption.requested })
        progress.finish()
        if let fatal = outcome.fatal, outcome.results.isEmpty {
            Output.error("error: \(fatal)")
            return .runNotPossible
        }

        let report = RunReport(
            name: "qmp-conform",
            properties: properties(parsed, target: target, schema: schema, seed: options.seed, outcome: outcome),
            startedAt: startedAt, duration: Date().timeIntervalSince(startedAt),
            results: waivers.apply(to: outcome.results),
            interrupted: outcome.interrupted)
        guard writeReports(report, parsed) else { return .runNotPossible }
        Output.print(ConsoleReporter().render(report), terminator: "")
        if outcome.interrupted { return .interrupted }
        return report.exitStatus
    }

    static func loadMessages(_ parsed: ParsedCommand) -> ValidationMessages? {
        guard let path = parsed.value("validation-messages") else { return .qemu }
        guard let data = FileManager.default.contents(atPath: path) else {
            Output.error("error: cannot read '\(path)'")
            return nil
        }
        do {
            return try ValidationMessages.load([UInt8](data), file: path)
        } catch {
            Output.diagnostics(error.diagnostics)
            return nil
        }
    }

    static func loadWaivers(_ parsed: ParsedCommand) -> Waivers? {
        var all = Waivers.none
        for path in parsed.values("waivers") {
            guard let data = FileManager.default.contents(atPath: path) else {
                Output.error("error: cannot read the waiver file '\(path)'")
                return nil
            }
            do {
                all.waivers += try Waivers.load([UInt8](data), file: path).waivers
            } catch {
                Output.diagnostics(error.diagnostics)
                return nil
            }
        }
        return all
    }

    static func properties(
        _ parsed: ParsedCommand, target: EndpointTarget, schema: Schema, seed: UInt64, outcome: Runner.Outcome
    )
        -> [(key: String, value: String)]
    {
        let greeting = outcome.greeting
        let version = greeting?.qemuVersion.map { "\($0.major).\($0.minor).\($0.micro)" } ?? "unknown"
        return [
            ("endpoint", target.description),
            ("endpoint.version", version + (greeting?.package.map { $0.isEmpty ? "" : " (\($0))" } ?? "")),
            ("schema", parsed.value("schema") ?? "endpoint introspection (query-qmp-schema)"),
            ("schema.digest", schema.digest),
            ("seed", String(seed)),
            ("jobs", parsed.value("jobs") ?? "1"),
            ("shard", parsed.value("shard") ?? "1/1"),
            ("round-trips", String(outcome.roundTrips)),
            ("command-line", CommandLine.arguments.joined(separator: " ")),
            ("qmp-conform.version", QMPConform.version),
        ]
    }

    /// The report files named by `--junit`, `--json` and `--html`, by option.
    static func namedReportPaths(_ parsed: ParsedCommand) -> [(option: String, path: String)] {
        ["junit", "json", "html"].compactMap { option in parsed.value(option).map { (option, $0) } }
    }

    /// Writes the named report files, or the default set under `--reports`, all or none (one
    /// batch); false on failure.
    static func writeReports(_ report: RunReport, _ parsed: ParsedCommand) -> Bool {
        let hostname = ProcessInfo.processInfo.hostName
        let writer = ReportWriter(hostname: hostname)
        let reporters: [String: any Reporter] = [
            "junit": JUnitReporter(hostname: hostname), "json": JSONReporter(), "html": HTMLReporter(),
        ]
        do {
            var written: [URL] = []
            let named = namedReportPaths(parsed).compactMap { option, path in
                reporters[option].map { ReportWriter.File($0.render(report), to: URL(fileURLWithPath: path)) }
            }
            if named.isEmpty {
                written = try writer.writeOutputs(
                    of: report, to: URL(fileURLWithPath: parsed.value("reports") ?? "reports"))
            } else {
                try writer.write(named)
                written = named.map(\.url)
            }
            Output.error("qmp-conform: reports: " + written.map(\.path).joined(separator: ", "))
            return true
        } catch {
            Output.error("error: cannot write the reports: \(error)")
            return false
        }
    }
}
