import ConformanceKit
import Foundation

/// Shows run progress on standard error: one updating line on a terminal (cases done/total,
/// failures so far, rate, ETA), or a plain line every tenth of the run otherwise (CI logs).
final class ProgressPrinter: @unchecked Sendable {
    /// Guards the mutable state below.
    private let lock = NSLock()
    private let total: Int
    private let interactive = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastTenth = 0
    private var latest: ConformanceRun.Progress?

    init(total: Int) { self.total = total }

    func update(_ progress: ConformanceRun.Progress) {
        lock.withLock {
            latest = progress
            let now = Date()
            if interactive {
                guard now.timeIntervalSince(lastDraw) > 0.1 || progress.done == progress.total else { return }
                lastDraw = now
                write("\r\u{1B}[K" + line(progress, now: now))
            } else {
                let tenth = progress.done * 10 / max(progress.total, 1)
                guard tenth > lastTenth else { return }
                lastTenth = tenth
                write(line(progress, now: now) + "\n")
            }
        }
    }

    func finish() {
        lock.withLock {
            if interactive, latest != nil { write("\n") }
        }
    }

    private func line(_ progress: ConformanceRun.Progress, now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(progress.done) / elapsed
        let remaining = rate > 0 ? Double(progress.total - progress.done) / rate : 0
        return String(
            format: "[%d/%d] %d failed, %.0f cases/s, ETA %.0fs", progress.done, progress.total, progress.failed, rate,
            remaining)
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
