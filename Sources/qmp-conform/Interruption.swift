import ConformanceKit
import Foundation

/// Turns SIGINT, SIGTERM and SIGHUP into a stop that still cleans up: endpoints stopped (their
/// process groups killed), scratch directories removed, and for `run` every report written.
///
/// The command runs as a task (`run(_:)`). In `run`, once it has called `stopsBetweenCases()`,
/// the first signal asks the runner to stop between cases (the current case ends within its
/// timeout) and the second cancels the task, which ends every wait at once; anywhere else the
/// first signal cancels the task. A further signal only says the stop is under way: nothing
/// exits from a signal, so no exit path skips the clean-up.
final class Interruption: @unchecked Sendable {
    /// The process's one instance (signal dispositions are process-wide).
    static let shared = Interruption()

    private let lock = NSLock()
    private var count = 0
    private var graceful = false
    private var task: Task<ExitStatus, Never>?
    private var sources: [any DispatchSourceSignal] = []

    private init() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.signalled() }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a stop was requested.
    var requested: Bool { lock.withLock { count > 0 } }

    /// Runs the command as a task that a signal can cancel.
    /// - Parameter body: the command.
    /// - Returns: its exit status, or `.interrupted` when a signal came.
    func run(_ body: @escaping @Sendable () async -> ExitStatus) async -> ExitStatus {
        let task = Task { await body() }
        let cancelNow = lock.withLock {
            self.task = task
            return count > 0
        }
        if cancelNow { task.cancel() }
        let status = await task.value
        return requested ? .interrupted : status
    }

    /// From now on the first signal lets the current case finish (the runner polls `requested`).
    func stopsBetweenCases() {
        lock.withLock { graceful = true }
    }

    private func signalled() {
        let (seen, graceful, task) = lock.withLock {
            count += 1
            return (count, self.graceful, self.task)
        }
        switch seen {
        case 1 where graceful:
            say("interrupted; finishing the current case, then writing the reports (again to stop it at once)")
            return
        case 1, 2:
            say("interrupted; stopping now, shutting the endpoints down and writing what ran")
            task?.cancel()
        default:
            say("already stopping; the endpoints are being shut down")
        }
    }

    private func say(_ text: String) {
        FileHandle.standardError.write(Data("\nqmp-conform: \(text)\n".utf8))
    }
}
