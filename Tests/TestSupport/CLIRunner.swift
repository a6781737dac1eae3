package import Foundation

/// Runs the built `qmp-conform` binary and captures what it printed and its exit status.
package enum CLIRunner {
    package struct Outcome: Sendable {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    /// The built executable, from `swift build` (debug) beside the test bundle.
    package static let executable: URL? = {
        let candidates = [
            ".build/debug/qmp-conform", ".build/x86_64-unknown-linux-gnu/debug/qmp-conform",
            ".build/aarch64-unknown-linux-gnu/debug/qmp-conform",
        ]
        return candidates.map { TestPaths.packageRoot.appendingPathComponent($0) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs the built `qmp-conform` with arguments, from the package root, waiting on a thread
    /// of its own: a test then does not hold one of the few cooperative threads for the whole
    /// run (which stalls every other test's timeouts on a small machine).
    package static func run(_ arguments: [String], timeout: TimeInterval = 120) async throws -> Outcome {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        return try await onOwnThread { try execute(executable, arguments, timeout: timeout) }
    }

    /// Runs another program found on PATH (xmllint, python3) the same way.
    package static func tool(_ program: String, _ arguments: [String], timeout: TimeInterval = 120) async throws
        -> Outcome
    {
        try await onOwnThread { try toolBlocking(program, arguments, timeout: timeout) }
    }

    /// Runs another program found on PATH on the calling thread: only for a fact computed once
    /// outside any test (a static property, such as the installed QEMU's version).
    package static func toolBlocking(_ program: String, _ arguments: [String], timeout: TimeInterval = 120) throws
        -> Outcome
    {
        try execute(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments, timeout: timeout)
    }

    /// Runs blocking work on a thread of its own and waits for it without holding a
    /// cooperative thread.
    package static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private static func execute(_ executable: URL, _ arguments: [String], timeout: TimeInterval) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.packageRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut { process.terminate() }
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
