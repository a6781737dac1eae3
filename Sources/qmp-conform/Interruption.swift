import Foundation

/// Turns Ctrl-C (SIGINT) and SIGTERM into a request the runner polls between cases, so that the
/// run stops cleanly and still writes well-formed reports. A second signal exits at once.
final class Interruption: @unchecked Sendable {
    /// Guards `count`.
    private let lock = NSLock()
    private var count = 0
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.signalled(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether an interruption was requested.
    var requested: Bool { lock.withLock { count > 0 } }

    private func signalled(_ number: Int32) {
        let seen = lock.withLock {
            count += 1
            return count
        }
        if seen == 1 {
            FileHandle.standardError.write(
                Data(
                    "\nqmp-conform: interrupted; finishing the current cases and writing the reports (again to quit at once)\n"
                        .utf8))
        } else {
            exit(130)
        }
    }
}
