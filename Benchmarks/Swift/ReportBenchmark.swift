import ConformanceKit
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `qmp-conform-benchmarks reports [--cases N]`
///
/// Memory of writing a large run's reports: a synthetic run of N cases (default 5,000; each with
/// a 3 KB transcript, one in ten failing) has its JUnit XML, JSON and HTML reports written to a
/// temporary directory by `ReportWriter`, which streams each report into its files, and then
/// rendered to whole `String`s one at a time (the measure of a writer that holds each report
/// whole). Prints how far each step raises this process's peak RSS beside the reports' size.
/// Target: streaming raises the peak by less than a quarter of the reports' size.
enum ReportBenchmark {
    static func run(_ arguments: [String]) async throws {
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        let count = option("--cases").flatMap(Int.init) ?? 5_000
        let report = syntheticReport(cases: count)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qmp-conform-report-benchmark-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }

        let before = peakMegabytes()
        let written = try ReportWriter(hostname: "benchmark").writeOutputs(of: report, to: directory)
        let streamed = peakMegabytes()
        let size = written.prefix(3).reduce(0.0) { total, url in
            let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            return total + Double(bytes) / 1_048_576
        }
        var rendered = 0
        for output in ReportWriter(hostname: "benchmark").outputs {
            rendered += output.reporter.render(report).utf8.count
        }
        let whole = peakMegabytes()

        print("reports of a synthetic run of \(count) cases: \(format(size)) MB in three files (\(rendered) bytes)")
        print(
            "streamed to files: peak RSS +\(format(streamed - before)) MB"
                + (streamed - before < size / 4
                    ? " (under a quarter of the reports)" : " (ABOVE a quarter of the reports)"))
        print("rendered whole to Strings afterwards: peak RSS a further +\(format(whole - streamed)) MB")
    }

    /// A run of `cases` results over 100 commands: one in ten failed with two diffs, the rest
    /// passed, each with a 3 KB transcript.
    static func syntheticReport(cases: Int) -> RunReport {
        let line = "-> {\"execute\": \"query-block\", \"arguments\": {\"flat\": true}, \"id\": 17}\n"
        let transcript = String(repeating: line, count: 3 << 10 / line.utf8.count)
        let results = (0..<cases).map { index in
            let suite = "command-\(index % 100)"
            let verdict: Verdict =
                index % 10 == 0
                ? .failed([
                    Verdict.Failure(
                        rule: .invalidAccepted, path: JSONPath().appending("up"),
                        expected: "an error reply of class GenericError", actual: "{\"return\": {}}"),
                    Verdict.Failure(
                        rule: .returnsConformance, path: JSONPath().appending("return"),
                        expected: "no members", actual: "{\"x\": 1}"),
                ]) : .passed
            return CaseResult(
                caseID: "\(suite)/valid/\(String(index, radix: 16))", suite: suite, summary: "case \(index)",
                kind: .valid, verdict: verdict, duration: 0.001, transcript: transcript)
        }
        return RunReport(
            name: "qmp-conform", properties: [(key: "seed", value: "1")], startedAt: Date(timeIntervalSince1970: 0),
            duration: 1, results: results)
    }

    private static func peakMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
