import Dispatch

/// Runs long CPU-bound test work on a Dispatch thread, awaiting it without holding a thread of
/// Swift's cooperative pool: on a two-core machine the pool has two threads, and a synchronous
/// test that keeps one busy for many seconds stalls every async test, whose timeouts then
/// measure the stall. Expectations belong after the await (they need the test's task).
/// - Parameter work: the work.
/// - Returns: what it returns.
package func onDispatchThread<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
