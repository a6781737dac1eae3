import ConformanceKit
import Foundation

/// `qmp-conform-benchmarks schema [--shared DIR] [--introspection FILE] [--runs N]`
///
/// Median in-process time to load QEMU 7.2's full `qapi/` tree (read, parse, resolve) and its
/// `query-qmp-schema` reply (parse the 207 KB line, build the model), beside the named baseline
/// measured in the same run: QEMU 7.2's own Python front end (`shared/tools/qemu-7.2-scripts`,
/// `QAPISchema('qapi-schema.json')`), timed in-process by `python3` the same way (a warm-up, then
/// the median and minimum of the runs). Targets: at least 25x faster than the baseline for the
/// source tree, under 5 ms for the introspection.
enum SchemaBenchmark {
    /// Times QEMU's Python loader in-process: argv is the scripts folder, the schema and the runs;
    /// prints the median and the minimum in seconds.
    static let pythonBaseline = """
        import sys, time
        sys.path.insert(0, sys.argv[1])
        from qapi.schema import QAPISchema
        QAPISchema(sys.argv[2])
        times = []
        for _ in range(int(sys.argv[3])):
            start = time.perf_counter()
            QAPISchema(sys.argv[2])
            times.append(time.perf_counter() - start)
        times.sort()
        print(times[len(times) // 2], times[0])
        """

    /// The baseline's median and minimum, or why it could not be measured.
    static func measureBaseline(shared: String, schema: String, runs: Int) -> Result<Timing, BaselineMissing> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", pythonBaseline, "\(shared)/tools/qemu-7.2-scripts", schema, String(runs)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return .failure(BaselineMissing(reason: "cannot run python3: \(error)")) }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard process.terminationStatus == 0, numbers.count == 2 else {
            return .failure(BaselineMissing(reason: "QEMU's Python loader failed: \(text.suffix(300))"))
        }
        return .success(Timing(median: numbers[0], minimum: numbers[1]))
    }

    /// Why the baseline was not measured.
    struct BaselineMissing: Error {
        var reason: String
    }

    static func run(_ arguments: [String]) async throws {
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        let shared = option("--shared") ?? "../shared"
        let sourcePath = "\(shared)/qapi/qemu-7.2/qapi-schema.json"
        let introspectionPath =
            option("--introspection") ?? "Tests/ConformanceKitTests/Fixtures/qemu-7.2-introspection.json"
        let runs = option("--runs").flatMap(Int.init) ?? 100

        // Two readings of "load": the schema built and kept (as a program uses it; freed after the
        // timer stops), and built then freed inside the timed region.
        let source = try measure(runs) { try SchemaLoader.load(path: sourcePath) }
        let sourceAndFree = try measure(runs) { _ = try SchemaLoader.load(path: sourcePath) }
        let introspectionBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: introspectionPath)))
        let introspection = try measure(runs) {
            let value = try JSONParser.parse(introspectionBytes)
            _ = try IntrospectionLoader.load(value["return"] ?? value)
        }
        let parseOnly = try measure(runs) { _ = try JSONParser.parse(introspectionBytes) }

        print(
            "schema loading, median of \(runs) runs (release build; source files are parsed on all "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores while the builder takes them in include order)")
        print(row("qemu-7.2 source tree (38 files, 654 KB), schema kept", source))
        print(row("qemu-7.2 source tree, schema built and freed", sourceAndFree))
        switch measureBaseline(shared: shared, schema: sourcePath, runs: max(runs / 10, 5)) {
        case .success(let baseline):
            print(row("  baseline, same run: QEMU 7.2 scripts/qapi QAPISchema (Python)", baseline))
            print(
                String(
                    format: "  speed-up vs baseline: %.1fx at the median, %.1fx at the minimum (target >= 25x)",
                    baseline.median / source.median, baseline.minimum / source.minimum))
        case .failure(let missing):
            print("  baseline not measured: \(missing.reason)")
        }
        print(row("qemu-7.2 introspection (\(introspectionBytes.count) bytes): JSON parse", parseOnly))
        print(row("qemu-7.2 introspection: parse + model (target < 5 ms)", introspection))
    }

    /// Median and fastest wall time of repeated runs (this VM is noisy: the minimum shows the floor).
    struct Timing {
        var median: Double
        var minimum: Double
    }

    static func row(_ label: String, _ timing: Timing) -> String {
        row(label, timing.median) + String(format: "  (min %.2f ms)", timing.minimum * 1000)
    }

    static func row(_ label: String, _ seconds: Double) -> String {
        label.padding(toLength: 66, withPad: " ", startingAt: 0) + String(format: "%9.2f ms", seconds * 1000)
    }

    /// The median and minimum wall time of `runs` calls, after one warm-up call. What `body`
    /// returns is released after the timer stops.
    static func measure<Result>(_ runs: Int, _ body: () throws -> Result) throws -> Timing {
        var kept: Result? = try body()
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            kept = nil
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            kept = result
        }
        _ = kept
        times.sort()
        return Timing(median: times[times.count / 2], minimum: times[0])
    }
}
