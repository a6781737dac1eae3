import Foundation

/// The phrases several reporters share, written one way: times, verdict names and messages,
/// failure diffs, event timings, case titles and the reproduce command.
///
/// Returns plain text; each reporter escapes it for its format. Every text that can carry what
/// an endpoint sent (messages, diffs, transcripts) is bounded by `fieldLimit`, whatever the
/// runner or oracle put in it, so one hostile reply cannot make a report huge.
enum ReportText {
    /// The most UTF-8 bytes one message, diff value or transcript keeps in a report (64 KiB,
    /// as a case's transcript); the rest is summarised as `... N bytes elided, fnv1a 0x...`.
    static let fieldLimit = 64 << 10

    /// Text cut to `fieldLimit`, the rest summarised.
    /// - Parameter text: any text.
    /// - Returns: the bounded text.
    static func bounded(_ text: String) -> String { ByteElision.bounded(text, limit: fieldLimit) }

    /// Seconds with a fixed number of decimals and no exponent (JUnit's `SUREFIRE_TIME`);
    /// negative or non-finite values read as 0.
    /// - Parameters:
    ///   - value: seconds.
    ///   - decimals: digits after the point.
    /// - Returns: e.g. `12.345`.
    static func seconds(_ value: Double, decimals: Int = 3) -> String {
        String(format: "%.\(decimals)f", value.isFinite ? max(0, value) : 0)
    }

    /// Milliseconds rounded to microseconds, without trailing zeros: `0.8`, `1000`, `12.25`.
    /// - Parameter value: milliseconds.
    /// - Returns: the number as text.
    static func milliseconds(_ value: Double) -> String {
        var text = seconds(value, decimals: 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// An ISO 8601 UTC timestamp to the second, without a zone designator, as Ant and Surefire
    /// write JUnit `timestamp`s: `2026-11-22T04:33:56`.
    /// - Parameters:
    ///   - date: the instant.
    ///   - zoneDesignator: whether to append `Z`.
    /// - Returns: the timestamp.
    static func timestamp(_ date: Date, zoneDesignator: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!,
            parts.minute!, parts.second!)
        return zoneDesignator ? text + "Z" : text
    }

    /// The verdict's name: `passed`, `failed`, `skipped`, `errored`.
    /// - Parameter verdict: the verdict.
    /// - Returns: the name.
    static func name(of verdict: Verdict) -> String {
        switch verdict {
        case .passed: "passed"
        case .failed: "failed"
        case .skipped: "skipped"
        case .errored: "errored"
        case .waived: "waived"
        }
    }

    /// One line saying why a case did not pass: the failures in short, or the skip/error reason.
    /// - Parameter verdict: the verdict.
    /// - Returns: the message; empty for `.passed`.
    static func message(of verdict: Verdict) -> String { bounded(unboundedMessage(of: verdict)) }

    private static func unboundedMessage(of verdict: Verdict) -> String {
        switch verdict {
        case .passed: ""
        case .failed(let failures) where failures.count == 1: failures[0].description
        case .failed(let failures):
            "\(failures.count) differences: " + failures.map(\.description).joined(separator: "; ")
        case .skipped(let reason), .errored(let reason): reason
        case .waived(let reason, let failures):
            "waived (\(reason)): " + failures.map(\.description).joined(separator: "; ")
        }
    }

    /// The rules a failed verdict broke, in order, without repeats, comma-separated.
    /// - Parameter failures: the failures.
    /// - Returns: e.g. `invalid-accepted,returns-conformance`.
    static func rules(of failures: [Verdict.Failure]) -> String {
        var seen = Set<String>()
        return failures.map(\.rule.description).filter { seen.insert($0).inserted }.joined(separator: ",")
    }

    /// One failure as an indented block: `[rule] at path`, then `expected:` and `actual:` lines
    /// (continuation lines of multi-line values indented to match).
    /// - Parameters:
    ///   - failure: the failure.
    ///   - indent: the block's indentation.
    /// - Returns: the lines.
    static func diffLines(_ failure: Verdict.Failure, indent: String = "") -> [String] {
        let continuation = "\n" + indent + String(repeating: " ", count: 12)
        return [
            "\(indent)[\(failure.rule)] at \(failure.path)",
            "\(indent)  expected: " + bounded(failure.expected).replacing("\n", with: continuation),
            "\(indent)  actual:   " + bounded(failure.actual).replacing("\n", with: continuation),
        ]
    }

    /// What a non-passing verdict says in detail: every diff, or the reason.
    /// - Parameters:
    ///   - verdict: the verdict.
    ///   - indent: the indentation of each line.
    /// - Returns: the lines; none for `.passed`.
    static func detailLines(_ verdict: Verdict, indent: String = "") -> [String] {
        switch verdict {
        case .passed: []
        case .failed(let failures): diffLines(failures, indent: indent)
        case .skipped(let reason), .errored(let reason): [indent + bounded(reason)]
        case .waived(let reason, let failures):
            [indent + "waived: \(bounded(reason))"] + diffLines(failures, indent: indent)
        }
    }

    /// The most failures of one verdict shown in detail (a flood of bad events can make
    /// thousands); the rest are counted.
    static let failureLimit = 100

    private static func diffLines(_ failures: [Verdict.Failure], indent: String) -> [String] {
        let shown = failures.prefix(failureLimit).flatMap { diffLines($0, indent: indent) }
        let more = failures.count - failureLimit
        return more > 0 ? shown + ["\(indent)... and \(more) more differences"] : shown
    }

    /// An event's measured latency beside its window: `RESUME: 0.8 ms (window 1000 ms)`,
    /// `RESUME: 1200 ms (window 1000 ms, late)`, `RESUME: not received (window 1000 ms)`.
    /// - Parameter timing: the timing.
    /// - Returns: the line.
    static func timingLine(_ timing: CaseResult.EventTiming) -> String {
        let window = "window \(milliseconds(timing.windowMilliseconds)) ms"
        guard let latency = timing.latencyMilliseconds else { return "\(timing.event): not received (\(window))" }
        let late = latency > timing.windowMilliseconds ? ", late" : ""
        return "\(timing.event): \(milliseconds(latency)) ms (\(window)\(late))"
    }

    /// The transcript followed by the event timings: what JUnit's `<system-out>` and the HTML
    /// transcript show.
    /// - Parameter result: the result.
    /// - Returns: the text; empty when there is neither.
    static func output(of result: CaseResult) -> String {
        var blocks: [String] = []
        if !result.transcript.isEmpty {
            let transcript = bounded(result.transcript)
            blocks.append(transcript.hasSuffix("\n") ? String(transcript.dropLast()) : transcript)
        }
        if !result.eventTimings.isEmpty {
            blocks.append(
                (["Event timings:"] + result.eventTimings.map { "  " + timingLine($0) }).joined(separator: "\n"))
        }
        return blocks.isEmpty ? "" : blocks.joined(separator: "\n\n") + "\n"
    }

    /// A waiver as reports list it, without its link (each format shows that its own way):
    /// where it is, what it matches, when it expires, and why:
    /// `w.json:3:5: case 'x/*', summary 'y' (expires 2026-12-01): reason`.
    /// - Parameter waiver: the waiver.
    /// - Returns: the line.
    static func waiverLine(_ waiver: Waivers.Waiver) -> String {
        let expires = waiver.expires.map { " (expires \($0))" } ?? ""
        return "\(waiver.location): case '\(waiver.caseID)', summary '\(waiver.summary)'\(expires): "
            + bounded(waiver.reason)
    }

    /// The case's title: `<case id>: <summary>`.
    /// - Parameter result: the result.
    /// - Returns: the title.
    static func title(of result: CaseResult) -> String {
        result.summary.isEmpty ? result.caseID : "\(result.caseID): \(result.summary)"
    }

    /// The command that reruns one case.
    /// - Parameter result: the result.
    /// - Returns: `qmp-conform run --filter '<case id>'`.
    static func reproduceCommand(for result: CaseResult) -> String {
        "qmp-conform run --filter " + TextEscaping.shellQuoted(result.caseID)
    }

    /// The totals sentence: `412 cases: 400 passed, 3 failed, 9 skipped in 12.3 s`; errored
    /// appears only when there are errors, and `(interrupted)` when the run was.
    /// - Parameter outline: the outlined report.
    /// - Returns: the sentence.
    static func totalsLine(_ outline: ReportOutline) -> String {
        let interrupted = outline.report.interrupted ? " (interrupted)" : ""
        return countsPhrase(outline.totals) + " in \(seconds(outline.report.duration, decimals: 1)) s\(interrupted)"
    }

    /// How results ended, as the totals line and the progress log say it: `3 cases: 1 passed,
    /// 1 failed, 1 skipped (1 of them waived)`; errored appears only when there are errors.
    /// - Parameter counts: the counts.
    /// - Returns: the phrase.
    static func countsPhrase(_ counts: ResultCounts) -> String {
        var parts = ["\(counts.passed) passed", "\(counts.failures) failed"]
        if counts.errors > 0 { parts.append("\(counts.errors) errored") }
        parts.append("\(counts.skipped) skipped" + (counts.waived > 0 ? " (\(counts.waived) of them waived)" : ""))
        return cases(counts.tests) + ": " + parts.joined(separator: ", ")
    }

    /// A count of cases with the noun in the right number: `1 case`, `3 cases`.
    /// - Parameter count: the count.
    /// - Returns: the phrase.
    static func cases(_ count: Int) -> String { count == 1 ? "1 case" : "\(count) cases" }

    /// The per-kind sentence: `by kind: valid 3, invalid 2 (1 failing), protocol 1 (1 failing)`.
    /// - Parameter outline: the outlined report.
    /// - Returns: the sentence.
    static func kindsLine(_ outline: ReportOutline) -> String {
        let parts = outline.kinds.map { kind, counts in
            "\(kind.rawValue) \(counts.tests)" + (counts.failing > 0 ? " (\(counts.failing) failing)" : "")
        }
        return "by kind: " + (parts.isEmpty ? "none" : parts.joined(separator: ", "))
    }
}
