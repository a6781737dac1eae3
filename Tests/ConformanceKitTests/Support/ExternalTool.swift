import Foundation
import TestSupport

/// Finds and runs programs the tests use but the package does not ship (`xmllint`, `python3`).
enum ExternalTool {
    struct Outcome: Sendable {
        var status: Int32
        var output: String
    }

    /// The executable named `name` on `PATH`, if any.
    static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs a program and returns its exit status and its stdout and stderr, interleaved,
    /// waiting on a thread of its own (see `CLIRunner.run`).
    static func run(_ executable: URL, _ arguments: [String]) async throws -> Outcome {
        try await CLIRunner.onOwnThread { try runBlocking(executable, arguments) }
    }

    /// Runs a program on the calling thread: only for a fact computed once outside any test.
    static func runBlocking(_ executable: URL, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// A fresh empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qmp-conform-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
