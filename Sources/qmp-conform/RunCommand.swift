import ConformanceKit
import Foundation

/// `qmp-conform run`: generate the cases, fire them at the endpoint, judge, and write the reports.
enum RunCommand {
    static let spec = CommandSpec(
        "run",
        abstract: "Run the conformance suite against a QMP endpoint and write JUnit, JSON and HTML reports.",
        discussion: """
            With no endpoint option, the fixture endpoint (qemu-system-x86_64 -machine pc
            -S with null-co drives, a user netdev and NIC, chardevs, a memory backend; see
            'cases resources') is launched in a private scratch directory (relaunched when
            a case kills it) and stopped at the end. Without --schema, the endpoint's own query-qmp-schema is the schema.
            Reports go to reports/<timestamp>.{junit.xml,json,html} with stable
            reports/latest.* copies, unless --junit/--json/--html name files.
            Reproduce one failing case with: qmp-conform run --filter '<case id>'.
            Nightly: --record-baseline FILE stores what each case did; --baseline FILE
            fails the cases that changed since (and reports fixes); 'report diff' and
            'report merge' compare and join JSON reports.
            Differential: --compare-with KIND:VALUE (socket:PATH, tcp:HOST:PORT,
            launch:COMMAND, target:NAME [WORDS]) runs the same cases on a second
            endpoint afterwards and fails each case whose normalized outcome differs
            there (differs-from-reference), showing both sides' replies.
            Exit status: 0 all passed, 1 conformance failures, 2 the run could not
            happen, 64 usage error, 130 interrupted (reports still written).
            """,
        options: TargetOptions.options + [
            SchemaCommand.schemaOption, SchemaCommand.defineOption,
        ] + PlanOptions.options + [
            .option("timeout-ms", value: "ms", help: "How long one case may wait for its reply.", defaultValue: "5000"),
            .option(
                "liveness-timeout-ms", value: "ms",
                help: "How much longer the liveness check after each case may take.", defaultValue: "3000"),
            .option(
                "connect-timeout-ms", value: "ms",
                help: "How long launching, connecting to and negotiating with an endpoint may take.",
                defaultValue: "10000"),
            .option(
                "reconnect-timeout-ms", value: "ms",
                help:
                    "How long to wait for an endpoint the run did not launch to come back after a case killed it; past that the rest is not run.",
                defaultValue: "10000"),
            .option(
                "item-wall-time-ms", value: "ms",
                help:
                    "The most one case, scenario or sequence may take, whatever its steps' timeouts; past it the item is errored and its endpoint restarted.",
                defaultValue: "600000"),
            .option(
                "max-message-bytes", value: "n",
                help: "The largest message accepted from the endpoint; a longer one is a protocol fault.",
                defaultValue: String(QMPFramer.defaultMaximumMessageSize)),
            .option(
                "max-events", value: "n",
                help: "Events kept per connection; beyond that the oldest are dropped and the drop is reported.",
                defaultValue: String(QMPClient.Options().maximumBufferedEvents)),
            .option(
                "transcript-bytes", value: "n",
                help: "Transcript bytes kept per case; the rest is summarised with its size and digest.",
                defaultValue: String(QMPTranscript.defaultByteLimit)),
            .option(
                "jobs", value: "n",
                help: "Parallel launched endpoints (launched targets only; at most twice the processors).",
                defaultValue: "1"),
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
                help:
                    "Known deviations to report as waived instead of failing (e.g. cases/waivers-qemu-7.2.json); an expired waiver's cases fail with its reason.",
                repeatable: true),
            .flag(
                "strict-waivers",
                help:
                    "Fail the run when a waiver is stale: its cases ran and none failed (stale waivers are listed either way; a waiver whose cases did not run is not stale)."
            ),
            .option(
                "validation-messages", value: "file",
                help: "A JSON file of the endpoint's validation-error patterns (default: QEMU's)."),
            .option(
                "record-baseline", value: "file",
                help:
                    "Store each case's normalized outcome (reply kind, error class, reply shape, events) and its round trips and event latencies in <file>, sorted JSON for git."
            ),
            .option(
                "baseline", value: "file",
                help:
                    "Compare with a baseline from --record-baseline: a changed outcome or a time past --timing-tolerance fails the case; fixes are reported."
            ),
            .flag("update-baseline", help: "With --baseline: rewrite the baseline file with this run after comparing."),
            .option(
                "timing-tolerance", value: "NxMms",
                help:
                    "How much slower than the baseline a round trip or event latency may get: a time fails only past both N times and M ms more.",
                defaultValue: TimingTolerance.standard.description),
            .option(
                "compare-with", value: "endpoint",
                help:
                    "After the run, run the same cases (same plan and seed, same --jobs) on this second endpoint and fail each case whose normalized outcome differs there (differs-from-reference), with both sides' replies. KIND:VALUE, KIND one of socket, tcp, launch, target, read as that option reads VALUE; 'target:NAME WORDS' appends the words to the named target's command, e.g. 'target:qemu -compat deprecated-input=reject'. Not with --baseline."
            ),
            .flag(
                "compare-timings",
                help: "With --compare-with: also fail times past --timing-tolerance against the second endpoint."),
            .flag(
                "allow-unsafe",
                help:
                    "Also run valid cases of commands with effects (stop, reset, files, sockets) or with effects policy.json does not classify on an endpoint the run did not launch, and those with effects beyond any launch (host programs, the guest agent's system)."
            ),
        ])

    /// Runs the suite; with a certification (`certify`), judges the endpoint against its
    /// reference after the run, puts those results first in the report, and ends with the
    /// verdict line.
    static func run(_ parsed: ParsedCommand, certification: Certification? = nil) async -> ExitStatus {
        let startedAt = Date()
        guard var selection = PlanOptions.selection(parsed), var limits = limits(parsed) else { return .usage }
        // Report options naming one file are a usage error, found before the run.
        if let (path, options) = AtomicFileWriter.duplicate(among: namedReportPaths(parsed)) {
            Output.usageError("\(FileWriteError.samePath(path, options: options))", parsed)
            return .usage
        }
        if TargetOptions.agentWithoutSchema(parsed) {
            Output.usageError(TargetOptions.agentSchemaMessage, parsed)
            return .usage
        }
        guard let baselineOptions = baselineOptions(parsed) else { return .usage }
        guard let target = TargetOptions.target(parsed) else { return TargetOptions.failureStatus(parsed) }
        let (comparedWith, comparedFailure) = comparedTarget(parsed, baseline: baselineOptions.compare)
        if let comparedFailure { return comparedFailure }
        let dialect: QMPSession.Dialect
        do {
            dialect = try await TargetOptions.dialect(parsed, target: target, timeout: limits.connectTimeout)
        } catch {
            return report(
                notStarted: error.message, parsed, target: target, startedAt: startedAt, seed: selection.generator.seed)
        }
        if dialect == .guestAgent, PlanOptions.schemaPath(parsed) == nil {
            Output.usageError(TargetOptions.agentSchemaMessage, parsed)
            return .usage
        }
        selection.dialect = dialect
        limits.client.dialect = dialect
        let baseline: Baseline?
        do {
            baseline = try baselineOptions.compare.map(loadBaseline)
        } catch {
            Output.error("error: \(error.message)")
            return .runNotPossible
        }
        let plan: RunPlan
        let setup: (schema: Schema, oracle: Oracle, waivers: Waivers)
        do {
            let prepared = try await prepare(parsed, target: target, selection: selection)
            (plan, setup) = (prepared.plan, (prepared.schema, prepared.oracle, prepared.waivers))
        } catch {
            return report(
                notStarted: error.message, parsed, target: target, startedAt: startedAt, seed: selection.generator.seed)
        }
        Output.diagnostics(plan.notes, verbose: false)
        let items = plan.items
        // Only the items outlive planning, and only until the run ends: the reports are
        // rendered without every case's values in memory.
        _ = consume plan
        guard !items.isEmpty else {
            Output.error(
                "error: no case matches the filter\n    hint: list the cases with 'qmp-conform cases list' and check --filter/--kind/--shard"
            )
            return .runNotPossible
        }
        let runner = { (target: EndpointTarget) in
            Runner(
                configuration: .init(
                    target: target, jobs: limits.jobs, caseTimeout: limits.caseTimeout,
                    livenessTimeout: limits.livenessTimeout, connectTimeout: limits.connectTimeout,
                    reconnectTimeout: limits.reconnectTimeout, itemWallTime: limits.itemWallTime,
                    allowUnsafe: parsed.flag("allow-unsafe"),
                    clientOptions: limits.client),
                schema: setup.schema)
        }
        let reference: ConformanceRun.Reference? =
            if let baseline {
                .baseline(baseline, tolerance: baselineOptions.tolerance)
            } else if let other = comparedWith {
                .endpoint(
                    runner(other), tolerance: parsed.flag("compare-timings") ? baselineOptions.tolerance : nil)
            } else {
                nil
            }
        let interruption = Interruption.shared
        interruption.stopsBetweenCases()
        let progress = ProgressPrinter(
            suites: items.map(\.suite), style: isatty(STDERR_FILENO) == 1 ? .terminal : .log,
            write: { FileHandle.standardError.write(Data($0.utf8)) })
        Output.error(
            "qmp-conform: running \(items.count) cases against \(target) with \(limits.jobs) job\(limits.jobs == 1 ? "" : "s")"
                + (comparedWith.map { ", then against \($0)" } ?? "")
        )
        let run = await ConformanceRun(
            runner: runner(target), oracle: setup.oracle, waivers: setup.waivers,
            strictWaivers: parsed.flag("strict-waivers"), reference: reference
        )
        .run(items, progress: { progress.update($0) }, isCancelled: { interruption.requested })
        _ = consume items
        progress.finish()
        if let fatal = run.outcome.fatal { Output.error("error: \(fatal)") }
        if let gone = run.outcome.endpointGone {
            Output.error(
                "qmp-conform: \(gone) and did not come back within the reconnect timeout; the rest was not run")
        }
        var results = run.results
        var verdictLine: String?
        if let certification, run.outcome.fatal == nil {
            let judged = certification.judge(
                endpoint: setup.schema, greeting: run.outcome.greeting, runResults: run.results)
            results = judged.results + results
            verdictLine = judged.verdictLine
        }
        let report = RunReport(
            name: certification == nil ? "qmp-conform" : "qmp-conform certify",
            properties: properties(
                parsed, target: target, digest: setup.schema.digest, seed: selection.generator.seed,
                outcome: run.outcome)
                + referenceProperties(comparedWith, outcome: run.referenceOutcome),
            startedAt: startedAt, duration: Date().timeIntervalSince(startedAt), results: results,
            interrupted: run.outcome.interrupted, waiverReview: run.waiverReview)
        guard writeReports(report, parsed) else { return .runNotPossible }
        if let path = baselineOptions.record {
            if run.outcome.fatal != nil || run.outcome.interrupted {
                Output.error("qmp-conform: the baseline '\(path)' was not written: the run did not run every case")
            } else {
                var observed = run.observed
                observed.properties = baselineProperties(report)
                guard writeBaseline(observed, to: path) else { return .runNotPossible }
            }
        }
        Output.print(ConsoleReporter(comparison: run.comparison).render(report), terminator: "")
        if let verdictLine { Output.print(verdictLine) }
        if run.outcome.fatal != nil { return .runNotPossible }
        if run.outcome.interrupted { return .interrupted }
        if run.outcome.endpointGone != nil { return .conformanceFailures }
        return report.exitStatus
    }

    /// What the baseline options ask for: the file to compare with, the file to record, and the
    /// timing tolerance; nil after printing a usage error.
    static func baselineOptions(_ parsed: ParsedCommand) -> (
        compare: String?, record: String?, tolerance: TimingTolerance
    )? {
        guard let tolerance = TimingTolerance(parsing: parsed.value("timing-tolerance") ?? "") else {
            Output.usageError(
                "--timing-tolerance takes <factor>x+<margin>ms with a factor of at least 1, e.g. 3x+50ms", parsed)
            return nil
        }
        let compare = parsed.value("baseline")
        var record = parsed.value("record-baseline")
        if parsed.flag("update-baseline") {
            guard let compare, record == nil else {
                Output.usageError("--update-baseline needs --baseline <file> and no --record-baseline", parsed)
                return nil
            }
            record = compare
        }
        return (compare, record, tolerance)
    }

    /// The second endpoint `--compare-with` names (nil without it), or the exit status after
    /// printing why there is none: a usage error when the description is malformed, comes with
    /// `--baseline`, or `--compare-timings` comes without it; the run is not possible when the
    /// program it launches is not installed.
    static func comparedTarget(_ parsed: ParsedCommand, baseline: String?) -> (
        target: EndpointTarget?, failure: ExitStatus?
    ) {
        guard let description = parsed.value("compare-with") else {
            guard !parsed.flag("compare-timings") else {
                Output.usageError("--compare-timings needs --compare-with <endpoint>", parsed)
                return (nil, .usage)
            }
            return (nil, nil)
        }
        guard baseline == nil else {
            Output.usageError("choose one of --baseline and --compare-with", parsed)
            return (nil, .usage)
        }
        guard let (option, value) = TargetOptions.described(description) else {
            Output.usageError(TargetOptions.descriptionMessage(description), parsed)
            return (nil, .usage)
        }
        guard let target = TargetOptions.target(option: option, value: value, parsed) else {
            return (nil, .runNotPossible)
        }
        return (target, nil)
    }

    /// The report properties of the reference endpoint: what it is and the version it greeted
    /// with; none without `--compare-with`.
    static func referenceProperties(_ target: EndpointTarget?, outcome: Runner.Outcome?) -> [(
        key: String, value: String
    )] {
        guard let target else { return [] }
        let version = outcome?.greeting?.qemuVersion.map { "\($0.major).\($0.minor).\($0.micro)" } ?? "unknown"
        return [("reference", target.description), ("reference.version", version)]
    }

    /// Reads the baseline file a run compares with.
    static func loadBaseline(_ path: String) throws(PlanOptions.Failure) -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanOptions.Failure(
                message:
                    "cannot read the baseline '\(path)'\n    hint: record one with 'qmp-conform run --record-baseline \(path)'"
            )
        }
        do {
            return try Baseline.load([UInt8](data), file: path)
        } catch {
            throw PlanOptions.Failure(message: error.description)
        }
    }

    /// The report properties a baseline keeps: those that identify what was run, not how.
    static func baselineProperties(_ report: RunReport) -> [String: String] {
        let kept: Set = ["endpoint", "endpoint.version", "schema.digest", "seed", "shard"]
        return Dictionary(
            report.properties.filter { kept.contains($0.key) }.map { ($0.key, $0.value) },
            uniquingKeysWith: { a, _ in a })
    }

    /// Writes a baseline file; false after printing why it could not be written.
    static func writeBaseline(_ baseline: Baseline, to path: String) -> Bool {
        do {
            try AtomicFileWriter.write([AtomicFileWriter.File(baseline.render(), to: URL(fileURLWithPath: path))])
            Output.error("qmp-conform: baseline: \(path) (\(baseline.entries.count) cases)")
            return true
        } catch {
            Output.error("error: cannot write the baseline: \(error)")
            return false
        }
    }

    /// The time limits and parallelism the options name; nil after printing a usage error.
    static func limits(_ parsed: ParsedCommand)
        -> (
            jobs: Int, caseTimeout: Duration, livenessTimeout: Duration, connectTimeout: Duration,
            reconnectTimeout: Duration, itemWallTime: Duration, client: QMPClient.Options
        )?
    {
        func count(_ name: String) -> Int? {
            guard let value = Int(parsed.value(name) ?? ""), (1...(1 << 30)).contains(value) else { return nil }
            return value
        }
        guard let messageBytes = count("max-message-bytes"), let events = count("max-events"),
            let transcriptBytes = count("transcript-bytes")
        else {
            Output.usageError("--max-message-bytes, --max-events and --transcript-bytes take 1 to 1073741824", parsed)
            return nil
        }
        let client = QMPClient.Options(
            maximumMessageSize: messageBytes, maximumBufferedEvents: events, maximumTranscriptBytes: transcriptBytes)
        func milliseconds(_ name: String) -> Duration? {
            guard let value = Int(parsed.value(name) ?? ""), (1...3_600_000).contains(value) else { return nil }
            return .milliseconds(value)
        }
        guard let caseTimeout = milliseconds("timeout-ms"), let liveness = milliseconds("liveness-timeout-ms"),
            let connect = milliseconds("connect-timeout-ms"), let reconnect = milliseconds("reconnect-timeout-ms"),
            let wall = milliseconds("item-wall-time-ms"),
            let jobs = Int(parsed.value("jobs") ?? ""), jobs > 0
        else {
            Output.usageError("the --*-timeout-ms options take 1 to 3600000 ms, --jobs a positive integer", parsed)
            return nil
        }
        let most = 2 * ProcessInfo.processInfo.activeProcessorCount
        if jobs > most { Output.error("qmp-conform: --jobs \(jobs) is more than this machine can take; using \(most)") }
        return (min(jobs, most), caseTimeout, liveness, connect, reconnect, wall, client)
    }

    /// Loads what a run needs before it fires anything: the case tables, the oracle's and the
    /// waivers' files, the schema, and the plan.
    static func prepare(_ parsed: ParsedCommand, target: EndpointTarget, selection: RunPlan.Selection)
        async
        throws(PlanOptions.Failure) -> (plan: RunPlan, schema: Schema, oracle: Oracle, waivers: Waivers)
    {
        let directory = try PlanOptions.caseDirectory(parsed)
        let messages = try loadMessages(parsed)
        let waivers = try loadWaivers(parsed).applying(to: TargetOptions.profile(parsed)?.rawValue)
        let schema = try await PlanOptions.schema(parsed, target: target)
        let extra = ValueValidator.ExtraMembers(rawValue: parsed.value("extra-members") ?? "downstream") ?? .downstream
        return (
            RunPlan(schema: schema, directory: directory, selection: selection), schema,
            Oracle(schema: schema, messages: messages, extraMembers: extra), waivers
        )
    }

    /// Writes the report of a run that could not start (one errored case that says why), so CI
    /// shows it, and exits 2.
    static func report(
        notStarted reason: String, _ parsed: ParsedCommand, target: EndpointTarget, startedAt: Date, seed: UInt64
    ) -> ExitStatus {
        Output.error("error: \(reason)")
        let report = RunReport(
            name: "qmp-conform",
            properties: properties(parsed, target: target, digest: "unknown", seed: seed, outcome: nil),
            startedAt: startedAt, duration: Date().timeIntervalSince(startedAt),
            results: [ConformanceRun.couldNotStart(reason)])
        _ = writeReports(report, parsed)
        return .runNotPossible
    }

    static func loadMessages(_ parsed: ParsedCommand) throws(PlanOptions.Failure) -> ValidationMessages {
        guard let path = parsed.value("validation-messages") else { return .qemu }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanOptions.Failure(message: "cannot read '\(path)'")
        }
        do {
            return try ValidationMessages.load([UInt8](data), file: path)
        } catch {
            throw PlanOptions.Failure(message: error.diagnostics.map(\.description).joined(separator: "\n"))
        }
    }

    static func loadWaivers(_ parsed: ParsedCommand) throws(PlanOptions.Failure) -> Waivers {
        var all = Waivers.none
        for path in parsed.values("waivers") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PlanOptions.Failure(message: "cannot read the waiver file '\(path)'")
            }
            do {
                all.waivers += try Waivers.load([UInt8](data), file: path).waivers
            } catch {
                throw PlanOptions.Failure(message: error.diagnostics.map(\.description).joined(separator: "\n"))
            }
        }
        return all
    }

    static func properties(
        _ parsed: ParsedCommand, target: EndpointTarget, digest: String, seed: UInt64, outcome: Runner.Outcome?
    )
        -> [(key: String, value: String)]
    {
        let greeting = outcome?.greeting
        let version = greeting?.qemuVersion.map { "\($0.major).\($0.minor).\($0.micro)" } ?? "unknown"
        return [
            ("endpoint", target.description),
            ("endpoint.version", version + (greeting?.package.map { $0.isEmpty ? "" : " (\($0))" } ?? "")),
            ("schema", PlanOptions.schemaPath(parsed) ?? "endpoint introspection (query-qmp-schema)"),
            ("schema.digest", digest),
            ("seed", String(seed)),
            ("jobs", parsed.value("jobs") ?? "1"),
            ("shard", parsed.value("shard") ?? "1/1"),
            ("round-trips", String(outcome?.roundTrips ?? 0)),
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
                reporters[option].map { reporter in
                    AtomicFileWriter.File(
                        to: [URL(fileURLWithPath: path)], writing: { reporter.write(report, to: &$0) })
                }
            }
            if named.isEmpty {
                written = try writer.writeOutputs(
                    of: report, to: URL(fileURLWithPath: parsed.value("reports") ?? "reports"))
            } else {
                try AtomicFileWriter.write(named)
                written = named.flatMap(\.urls)
            }
            Output.error("qmp-conform: reports: " + written.map(\.path).joined(separator: ", "))
            return true
        } catch {
            Output.error("error: cannot write the reports: \(error)")
            return false
        }
    }
}
