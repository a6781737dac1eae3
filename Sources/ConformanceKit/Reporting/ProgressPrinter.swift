import Foundation

/// Shows a run's progress while it runs: on a terminal, one line redrawn in place (cases
/// done/total, failures so far, rate, ETA); in a log (CI, nightly), one line per command group
/// (report suite) when its last case has been judged, with the group's counts.
///
/// Fed `ConformanceRun.Progress` from any task; writes through the writer it is given and reads
/// time from the clock it is given, so tests pin its output. The end-of-run summary is
/// `ConsoleReporter`'s.
package final class ProgressPrinter: @unchecked Sendable {
    /// Where the lines go.
    package enum Style: Sendable {
        /// A terminal: one line redrawn at most every tenth of a second.
        case terminal
        /// A log file or pipe: one line per completed group, nothing redrawn.
        case log
    }

    /// Guards the mutable state below.
    private let lock = NSLock()
    private let style: Style
    private let clock: @Sendable () -> Double
    private let write: @Sendable (String) -> Void
    private let start: Double
    private var lastDraw = -Double.infinity
    private var drawn = false
    /// Cases not yet judged per group.
    private var remaining: [String: Int] = [:]
    /// Counts per group so far.
    private var groups: [String: ResultCounts] = [:]

    /// Creates a printer for a planned run.
    /// - Parameters:
    ///   - suites: each planned item's report suite (`Runner.Item.suite`), in plan order.
    ///   - style: terminal or log.
    ///   - clock: seconds since the epoch (default: the host's wall clock).
    ///   - write: where the text goes (standard error in the CLI).
    package init(
        suites: [String], style: Style, clock: @escaping @Sendable () -> Double = Host.wallClock,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.style = style
        self.clock = clock
        self.write = write
        start = clock()
        for suite in suites { remaining[suite, default: 0] += 1 }
    }

    /// Takes one judged item into account and prints what its style prints for it.
    /// - Parameter progress: where the run stands, with the result just judged.
    package func update(_ progress: ConformanceRun.Progress) {
        lock.withLock {
            let now = clock()
            switch style {
            case .terminal:
                guard now - lastDraw > 0.1 || progress.done == progress.total else { return }
                lastDraw = now
                drawn = true
                write("\r\u{1B}[K" + terminalLine(progress, now: now))
            case .log:
                let suite = progress.latest.suite
                groups[suite, default: ResultCounts()].add(progress.latest)
                remaining[suite, default: 1] -= 1
                guard remaining[suite] == 0 else { return }
                let counts = groups.removeValue(forKey: suite) ?? ResultCounts()
                write(
                    "[\(progress.done)/\(progress.total), \(ReportText.seconds(now - start, decimals: 0)) s] "
                        + TextEscaping.terminal(suite) + ": " + ReportText.countsPhrase(counts) + "\n")
            }
        }
    }

    /// Ends the redrawn line on a terminal; prints nothing in a log.
    package func finish() {
        lock.withLock {
            if drawn { write("\n") }
        }
    }

    private func terminalLine(_ progress: ConformanceRun.Progress, now: Double) -> String {
        let elapsed = max(now - start, 0.001)
        let rate = Double(progress.done) / elapsed
        let remaining = rate > 0 ? Double(progress.total - progress.done) / rate : 0
        return "[\(progress.done)/\(progress.total)] \(progress.failed) failed, "
            + "\(ReportText.seconds(rate, decimals: 0)) cases/s, ETA \(ReportText.seconds(remaining, decimals: 0))s"
    }
}
