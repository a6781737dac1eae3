import Synchronization
import Testing

@testable import ConformanceKit

/// Progress while a run runs: in a log, one line per command group when its last case is judged;
/// on a terminal, one redrawn line no more often than every tenth of a second.
struct ProgressPrinterTests {
    /// Collects what a printer writes, and serves a clock the test moves.
    final class Recorder: Sendable {
        let text = Mutex("")
        let now = Mutex(100.0)
        func write(_ part: String) { text.withLock { $0 += part } }
        var lines: [String] { text.withLock { $0.split(separator: "\n").map(String.init) } }
    }

    static func result(_ suite: String, _ verdict: Verdict) -> CaseResult {
        CaseResult(caseID: "\(suite)/valid/1", suite: suite, summary: "s", kind: .valid, verdict: verdict, duration: 0)
    }

    static func feed(_ printer: ProgressPrinter, _ results: [CaseResult], recorder: Recorder) {
        var failed = 0
        for (index, result) in results.enumerated() {
            recorder.now.withLock { $0 += 0.06 }
            if result.verdict.isFailure { failed += 1 }
            printer.update(.init(done: index + 1, total: results.count, failed: failed, latest: result))
        }
        printer.finish()
    }

    @Test func aLogGetsOneLinePerCommandGroupWhenItsLastCaseIsJudged() {
        let recorder = Recorder()
        let printer = ProgressPrinter(
            suites: ["a", "b", "a", "c"], style: .log, clock: { recorder.now.withLock { $0 } },
            write: recorder.write)
        // Two jobs finish out of plan order: b, then both a, then c.
        Self.feed(
            printer,
            [
                Self.result("b", .passed), Self.result("a", .failed([])),
                Self.result("a", .waived(reason: "r", failures: [])), Self.result("c", .skipped("unsafe")),
            ], recorder: recorder)
        #expect(
            recorder.lines == [
                "[1/4, 0 s] b: 1 case: 1 passed, 0 failed, 0 skipped",
                "[3/4, 0 s] a: 2 cases: 0 passed, 1 failed, 1 skipped (1 of them waived)",
                "[4/4, 0 s] c: 1 case: 0 passed, 0 failed, 1 skipped",
            ])
    }

    @Test func aTerminalLineIsRedrawnAtMostEveryTenthOfASecondAndEndedOnce() {
        let recorder = Recorder()
        let printer = ProgressPrinter(
            suites: Array(repeating: "a", count: 5), style: .terminal, clock: { recorder.now.withLock { $0 } },
            write: recorder.write)
        Self.feed(printer, Array(repeating: Self.result("a", .passed), count: 5), recorder: recorder)
        let text = recorder.text.withLock { $0 }
        // Cases end every 0.06 s: drawn at 0.06 s (first), 0.18 s (0.12 s after) and 0.30 s (the
        // last case); not at 0.12 s or 0.24 s.
        #expect(text.components(separatedBy: "\r\u{1B}[K").count - 1 == 3)
        #expect(text.hasSuffix("[5/5] 0 failed, 17 cases/s, ETA 0s\n"))
    }
}
