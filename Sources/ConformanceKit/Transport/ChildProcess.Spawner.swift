import Foundation
import Glibc

extension ChildProcess {
    /// The one thread that forks every supervisor, alive as long as the tool.
    ///
    /// Forks happen one at a time, never while `killStrayChildren()` sorts the tool's children
    /// into tracked supervisors and strays, so a supervisor is tracked before anyone can see it.
    /// This thread never returns; callers hand it a closure and wait for its result (a fork
    /// takes milliseconds).
    final class Spawner: @unchecked Sendable {
        static let shared = Spawner()

        private let condition = NSCondition()
        private var jobs: [() -> Void] = []
        private let registry = NSLock()
        private var live: Set<pid_t> = []
        private var adopting = false

        /// The children the tool started and still tracks (supervisors, until reaped):
        /// everything else among its children is a stray.
        var tracked: Set<pid_t> { registry.withLock { live } }

        /// Whether the process reaps its orphaned descendants (`adoptOrphanedDescendants()`).
        var isAdopting: Bool {
            get { registry.withLock { adopting } }
            set { registry.withLock { adopting = newValue } }
        }

        /// Starts tracking a child (call on the spawner thread, right after the fork).
        func track(_ pid: pid_t) { registry.withLock { _ = live.insert(pid) } }

        /// Stops tracking a reaped child.
        func untrack(_ pid: pid_t) { registry.withLock { _ = live.remove(pid) } }

        private init() {
            let thread = Thread { [self] in serve() }
            thread.name = "qmp-conform.spawner"
            thread.start()
        }

        /// Runs `body` on the spawner thread; the caller is suspended, not blocked, meanwhile
        /// (a fork of a large process takes a while, and the cooperative pool has few threads).
        /// - Parameter body: the work (a fork).
        /// - Returns: what `body` returned.
        func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
            await withCheckedContinuation { continuation in
                condition.withLock {
                    jobs.append { continuation.resume(returning: body()) }
                    condition.signal()
                }
            }
        }

        private func serve() -> Never {
            while true {
                let job = condition.withLock {
                    while jobs.isEmpty { condition.wait() }
                    return jobs.removeFirst()
                }
                job()
            }
        }
    }
}
