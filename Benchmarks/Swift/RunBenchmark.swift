import ConformanceKit
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `qmp-conform-benchmarks run --c-client PATH`
///
/// QEMU 7.2's generated suite (`-machine none`, its live introspection) through the runner.
/// 1. Time per round trip: the runner (case request, then liveness check, judged and recorded)
///    beside the C client replaying byte-identical requests on a fresh endpoint of the same kind
///    (cases with effects and cases that crash QEMU left out, so both see the same exchange), and
///    beside the C client's `query-status` floor. Target: within 1.2x of the C client.
/// 2. The full suite with `--jobs 1` and `--jobs 2`: cases, round trips, wall time, speed-up.
///    Targets: jobs 2 at least 1.6x the throughput of jobs 1, a full run under 60 s.
/// 3. Peak RSS of this process. Target: under 100 MB.
enum RunBenchmark {
    static func run(_ arguments: [String]) async throws {
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        guard let cClient = option("--c-client") else {
            throw ClientBenchmark.Failure(description: "--c-client PATH is required")
        }

        let schema = try await liveSchema()
        let directory = try CaseDirectory.load("cases")
        let cases = CaseGenerator(schema: schema, values: directory.values, policy: directory.policy).generate().cases
        let oracle = Oracle(schema: schema)
        print("QEMU 7.2 generated suite: \(cases.count) cases")

        // 1. Per round trip, runner vs C replay of the same requests.
        let ordinary = cases.filter { !$0.tags.contains("destructive") }
        let probe = await suite(.init(), schema: schema, oracle: oracle).run(ordinary.map { .testCase($0) })
        let crashing = Set(probe.results.filter { if case .errored = $0.verdict { true } else { false } }.map(\.caseID))
        let measured = ordinary.filter { !crashing.contains($0.id) }
        let clock = ContinuousClock()
        let start = clock.now
        let timed = await suite(.init(), schema: schema, oracle: oracle).run(measured.map { .testCase($0) }).outcome
        let runnerPerTrip = ClientBenchmark.seconds(clock.now - start) * 1e6 / Double(max(timed.roundTrips, 1))
        let (replayPerTrip, floor) = try await replay(measured, cClient: cClient)
        print(
            "per round trip (\(timed.roundTrips) round trips, \(measured.count) cases): runner \(ClientBenchmark.format(runnerPerTrip)) us, "
                + "C replay of the same requests \(ClientBenchmark.format(replayPerTrip)) us: "
                + "\(ClientBenchmark.format(runnerPerTrip / replayPerTrip, digits: 2))x"
                + (runnerPerTrip / replayPerTrip <= 1.2 ? " (within 1.2x)" : " (ABOVE 1.2x)"))
        print(
            "  C query-status floor \(ClientBenchmark.format(floor)) us (the suite's requests average more bytes; QEMU reads one byte per syscall)"
        )

        // 2. The full suite, jobs 1 and 2.
        var walls: [Int: Double] = [:]
        for jobs in [1, 2] {
            let begin = clock.now
            let run = await suite(.init(jobs: jobs), schema: schema, oracle: oracle).run(cases.map { .testCase($0) })
            walls[jobs] = ClientBenchmark.seconds(clock.now - begin)
            print(
                "full suite, --jobs \(jobs): \(run.results.count) cases, \(run.outcome.roundTrips) round trips, "
                    + "wall \(ClientBenchmark.format(walls[jobs] ?? 0, digits: 2)) s"
                    + (jobs == 2 && (walls[2] ?? 99) < 60 ? " (under 60 s)" : ""))
        }
        let speedup = (walls[1] ?? 0) / max(walls[2] ?? 1, 1e-9)
        print(
            "--jobs 2 speed-up: \(ClientBenchmark.format(speedup, digits: 2))x"
                + (speedup >= 1.6 ? " (at least 1.6x)" : " (BELOW 1.6x)"))

        // 3. Memory.
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(
            "peak RSS of this process: \(usage.ru_maxrss / 1024) MB"
                + (usage.ru_maxrss < 100 * 1024 ? " (under 100 MB)" : " (ABOVE 100 MB)"))
    }

    /// The pipeline the suite runs: runner, then oracle.
    static func suite(_ configuration: Runner.Configuration, schema: Schema, oracle: Oracle) -> ConformanceRun {
        ConformanceRun(runner: Runner(configuration: configuration, schema: schema), oracle: oracle)
    }

    static func liveSchema() async throws -> Schema {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let client = try await endpoint.connect()
        let reply = try await client.execute("query-qmp-schema", timeout: .seconds(30))
        await endpoint.stop(using: client)
        return try IntrospectionLoader.load(reply.returnValue ?? [])
    }

    /// The C client replaying the runner's requests (each case, then `query-status`) on a fresh
    /// endpoint; returns its mean per round trip and its plain `query-status` median.
    static func replay(_ cases: [TestCase], cClient: String) async throws -> (mean: Double, floor: Double) {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        guard let socket = await endpoint.socketPath, let scratch = await endpoint.scratchDirectory else {
            throw ClientBenchmark.Failure(description: "no socket")
        }
        var lines: [String] = []
        var id: Int64 = 2
        for testCase in cases {
            var request: JSONObject = ["execute": .string(testCase.command)]
            if let arguments = testCase.arguments {
                request["arguments"] = try CaseVariables(scratch: scratch, ports: ["free_port": "40000"])
                    .substitute(arguments)
            }
            request["id"] =
                testCase.arguments.map { if case .object = $0 { JSONValue.int(id) } else { "raw" } } ?? .int(id)
            lines.append(JSONWriter.compact.string(.object(request)))
            lines.append(JSONWriter.compact.string(["execute": "query-status", "id": .int(id + 1)]))
            id += 2
        }
        let file = scratch + "/replay.txt"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cClient)
        process.arguments = [socket, "replay", file]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard
            let field = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first(where: {
                $0.hasPrefix("mean_us=")
            }),
            let mean = Double(field.dropFirst("mean_us=".count))
        else { throw ClientBenchmark.Failure(description: "C replay failed: \(text)") }
        let floor = try ClientBenchmark.runC(cClient, socket: socket, mode: .status, count: 500).1
        await endpoint.stop()
        return (mean, floor)
    }
}
