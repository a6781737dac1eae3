public import Foundation

/// Reads a JSON report that `JSONReporter` wrote back into a `RunReport`: the input of `report
/// diff` and `report merge`. Counts and suites are not read (they follow from the results);
/// properties come back sorted by key, as the writer sorts them. Reads no files.
public enum JSONReportReader {
    /// The keys of a report.
    static let reportKeys = [
        "name", "startedAt", "duration", "interrupted", "properties", "counts", "suites", "results",
    ]
    /// The keys of a result.
    static let resultKeys = [
        "id", "suite", "kind", "summary", "verdict", "duration", "transcript", "eventTimings", "timings", "outcome",
        "failures", "reason",
    ]

    /// Reads a report.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the report.
    /// - Throws: `DiagnosticError` located at the first member that is not as `JSONReporter`
    ///   writes it.
    public static func read(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> RunReport {
        let document = try CaseFile(bytes: bytes, file: file)
        let top = try document.object(document.value, at: .root, keys: reportKeys, what: "a JSON report")
        let startedText = try document.string(top["startedAt"] ?? .null, at: JSONPath.root.appending("startedAt"))
        guard let startedAt = date(startedText) else {
            throw document.error(
                "'startedAt' must be a UTC time such as 2026-11-22T04:33:56Z", at: JSONPath.root.appending("startedAt"))
        }
        var results: [CaseResult] = []
        for (index, value) in try document.list(top["results"], at: JSONPath.root.appending("results")).enumerated() {
            results.append(try result(value, at: JSONPath.root.appending("results").appending(index: index), document))
        }
        return RunReport(
            name: try document.string(top["name"] ?? .null, at: JSONPath.root.appending("name")),
            properties: try document.stringMap("properties").sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            startedAt: startedAt,
            duration: try number(top["duration"], at: JSONPath.root.appending("duration"), document),
            results: results, interrupted: top["interrupted"]?.boolValue ?? false)
    }

    private static func result(_ value: JSONValue, at path: JSONPath, _ document: CaseFile) throws(DiagnosticError)
        -> CaseResult
    {
        let object = try document.object(value, at: path, keys: resultKeys, what: "a result")
        let entry = try Baseline.entry(object, at: path, in: document)
        func text(_ key: String) throws(DiagnosticError) -> String {
            try document.string(object[key] ?? .null, at: path.appending(key))
        }
        var failures: [Verdict.Failure] = []
        for (index, value) in try document.list(object["failures"], at: path.appending("failures")).enumerated() {
            let at = path.appending("failures").appending(index: index)
            let members = try document.object(
                value, at: at, keys: ["rule", "path", "expected", "actual"], what: "a failure")
            func member(_ key: String) throws(DiagnosticError) -> String {
                try document.string(members[key] ?? .null, at: at.appending(key))
            }
            let name = try member("rule")
            guard let rule = FailureRule(name: name) else {
                throw document.error("unknown failure rule '\(name)'", at: at.appending("rule"))
            }
            failures.append(
                Verdict.Failure(
                    rule: rule, path: JSONPath(parsing: try member("path")), expected: try member("expected"),
                    actual: try member("actual")))
        }
        let reason = object["reason"] == nil ? "" : try text("reason")
        let verdict: Verdict =
            switch entry.verdict {
            case .passed: .passed
            case .failed: .failed(failures)
            case .skipped: .skipped(reason)
            case .errored: .errored(reason)
            case .waived: .waived(reason: reason, failures: failures)
            }
        var transcript: [String] = []
        for (index, line) in try document.list(object["transcript"], at: path.appending("transcript")).enumerated() {
            transcript.append(try document.string(line, at: path.appending("transcript").appending(index: index)))
        }
        var timings: [CaseResult.EventTiming] = []
        for (index, value) in try document.list(object["eventTimings"], at: path.appending("eventTimings"))
            .enumerated()
        {
            let at = path.appending("eventTimings").appending(index: index)
            let members = try document.object(
                value, at: at, keys: ["event", "latencyMilliseconds", "windowMilliseconds"], what: "an event timing")
            timings.append(
                CaseResult.EventTiming(
                    event: try document.string(members["event"] ?? .null, at: at.appending("event")),
                    latencyMilliseconds: members["latencyMilliseconds"]?.doubleValue,
                    windowMilliseconds: try number(
                        members["windowMilliseconds"], at: at.appending("windowMilliseconds"), document)))
        }
        return CaseResult(
            caseID: entry.caseID, suite: try text("suite"),
            summary: try text("summary"), kind: try document.named(object["kind"], at: path.appending("kind")),
            verdict: verdict, duration: try number(object["duration"], at: path.appending("duration"), document),
            transcript: transcript.map { $0 + "\n" }.joined(), eventTimings: timings, outcome: entry.outcome,
            timings: entry.timings)
    }

    private static func number(_ value: JSONValue?, at path: JSONPath, _ document: CaseFile) throws(DiagnosticError)
        -> Double
    {
        guard let number = value?.doubleValue, number.isFinite, number >= 0 else {
            throw document.error("expected a number of at least 0", at: path)
        }
        return number
    }

    /// `2026-11-22T04:33:56Z` as written by `ReportText.timestamp`, in UTC.
    private static func date(_ text: String) -> Date? {
        let digits = text.split(omittingEmptySubsequences: false) { "-T:Z".contains($0) }
        guard text.hasSuffix("Z"), digits.count == 7, digits[6].isEmpty else { return nil }
        let numbers = digits.prefix(6).compactMap { Int($0) }
        guard numbers.count == 6 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(
            from: DateComponents(
                year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3], minute: numbers[4],
                second: numbers[5]))
    }
}
