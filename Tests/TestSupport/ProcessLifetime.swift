package import Foundation
package import Glibc

/// Helpers for tests that check no process or scratch directory outlives the tool.
package enum ProcessLifetime {
    /// Writes a `/bin/sh` script and returns the command that runs it, `/bin/sh <path>`: the
    /// shell reads it, since executing a file just written can fail with ETXTBSY while a
    /// process forked meanwhile (by a test running in parallel) still holds it open.
    package static func script(in directory: URL, _ body: String) throws -> String {
        let path = directory.appendingPathComponent("launch.sh").path
        try (body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return "/bin/sh " + path
    }

    /// The pid a launch script wrote to `file`, once it has (polling up to 60 s).
    package static func pid(writtenTo file: String) async throws -> pid_t {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), let pid = pid_t(text.trimmed) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CocoaError(.fileNoSuchFile)
    }

    /// Whether a process runs (a zombie waiting for its reaper counts as ended).
    package static func isAlive(_ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return !status.contains("State:\tZ") && !status.contains("State:\tX")
    }

    /// Waits up to `timeout` for a process to end.
    package static func ends(_ pid: pid_t, within timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isAlive(pid) {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// The processes whose parent is `parent`, from /proc.
    package static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == parent ? pid : nil
        }
    }

    /// The working directory of a process (a launched endpoint's is its scratch directory).
    package static func workingDirectory(of pid: pid_t) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
    }

    /// Starts the built `qmp-conform` with arguments from the package root, its output to files
    /// in `directory`.
    package static func start(_ arguments: [String], in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.packageRoot
        process.standardOutput = try FileHandle(forWritingTo: touch(directory.appendingPathComponent("stdout")))
        process.standardError = try FileHandle(forWritingTo: touch(directory.appendingPathComponent("stderr")))
        try process.run()
        return process
    }

    /// Waits until `process` has launched `count` endpoints (the children of its supervisors,
    /// working in a scratch directory); returns their pids.
    package static func launchedEndpoints(of process: Process, count: Int = 1) async throws -> [pid_t] {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            let endpoints = children(of: process.processIdentifier).flatMap(children(of:)).filter {
                workingDirectory(of: $0)?.hasPrefix("/tmp/qmp-conform-") == true
            }
            if endpoints.count >= count { return endpoints }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CocoaError(.executableLoad)
    }

    private static func touch(_ url: URL) -> URL {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }
}

extension String {
    /// Without leading and trailing whitespace and newlines.
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
