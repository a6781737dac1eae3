/// Renders a run as JSON for comparing runs: properties, counts, and per result the id, suite,
/// kind, summary, verdict, structured failures, duration, event timings, normalized outcome,
/// round trips and event latencies, and transcript lines. `JSONReportReader` reads it back.
///
/// Written with `JSONWriter.pretty` (sorted keys, two-space indent, ASCII), results in run order,
/// so two runs' files diff line by line. Writes no files.
public struct JSONReporter: Reporter {
    /// Creates a reporter.
    public init() {}

    /// Writes the JSON document of a run.
    /// - Parameters:
    ///   - report: the run.
    ///   - output: receives the JSON text, ending in a newline.
    ///
    /// The text is what `JSONWriter.pretty` writes for the whole document, written one result at
    /// a time, so that a large run never holds its whole report as a value tree or as text.
    public func write(_ report: RunReport, to output: inout some TextOutputStream) {
        let writer = JSONWriter.pretty
        var chunk: [UInt8] = []
        func flush() {
            output.write(String(decoding: chunk, as: UTF8.self))
            chunk.removeAll(keepingCapacity: true)
        }
        var head = self.head(of: report)
        head["results"] = .null
        chunk.append(UInt8(ascii: "{"))
        for (position, member) in head.sortedByKey.members.enumerated() {
            chunk.append(contentsOf: (position > 0 ? ",\n  " : "\n  ").utf8)
            writer.write(.string(member.key), into: &chunk, level: 1)
            chunk.append(contentsOf: ": ".utf8)
            guard member.key == "results" else {
                writer.write(member.value, into: &chunk, level: 1)
                continue
            }
            chunk.append(UInt8(ascii: "["))
            for (index, result) in report.results.enumerated() {
                chunk.append(contentsOf: (index > 0 ? ",\n    " : "\n    ").utf8)
                writer.write(value(of: result), into: &chunk, level: 2)
                flush()
            }
            chunk.append(contentsOf: (report.results.isEmpty ? "]" : "\n  ]").utf8)
        }
        chunk.append(contentsOf: "\n}\n".utf8)
        flush()
    }

    /// The members of a run's document other than its results.
    private func head(of report: RunReport) -> JSONObject {
        let outline = ReportOutline(report)
        var properties = JSONObject()
        for property in report.properties { properties[property.key] = .string(property.value) }
        return [
            "name": .string(report.name),
            "startedAt": .string(ReportText.timestamp(report.startedAt, zoneDesignator: true)),
            "duration": .double(report.duration),
            "interrupted": .bool(report.interrupted),
            "properties": .object(properties),
            "counts": counts(outline.totals),
            "suites": .array(outline.suites.map { ["name": .string($0.name), "counts": counts($0.counts)] }),
        ]
    }

    private func value(of result: CaseResult) -> JSONValue {
        var object: JSONObject = [
            "id": .string(result.caseID),
            "suite": .string(result.suite),
            "kind": .string(result.kind.rawValue),
            "summary": .string(result.summary),
            "verdict": .string(ReportText.name(of: result.verdict)),
            "duration": .double(result.duration),
            "transcript": .array(lines(ReportText.bounded(result.transcript)).map(JSONValue.string)),
            "eventTimings": .array(
                result.eventTimings.map { timing in
                    [
                        "event": .string(timing.event),
                        "latencyMilliseconds": timing.latencyMilliseconds.map(JSONValue.double) ?? .null,
                        "windowMilliseconds": .double(timing.windowMilliseconds),
                    ]
                }),
            "timings": result.timings.jsonValue,
        ]
        object["outcome"] = result.outcome?.jsonValue
        switch result.verdict {
        case .passed: break
        case .failed(let failures):
            object["failures"] = Self.failures(failures)
        case .skipped(let reason), .errored(let reason):
            object["reason"] = .string(ReportText.bounded(reason))
        case .waived(let reason, let failures):
            object["reason"] = .string(ReportText.bounded(reason))
            object["failures"] = Self.failures(failures)
        }
        return .object(object)
    }

    private static func failures(_ failures: [Verdict.Failure]) -> JSONValue {
        .array(
            failures.map { failure in
                [
                    "rule": .string(failure.rule.description), "path": .string(failure.path.description),
                    "expected": .string(ReportText.bounded(failure.expected)),
                    "actual": .string(ReportText.bounded(failure.actual)),
                ]
            })
    }

    private func counts(_ counts: ResultCounts) -> JSONValue {
        [
            "total": .int(Int64(counts.tests)), "passed": .int(Int64(counts.passed)),
            "failed": .int(Int64(counts.failures)), "errored": .int(Int64(counts.errors)),
            "skipped": .int(Int64(counts.skipped)),
        ]
    }

    private func lines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
