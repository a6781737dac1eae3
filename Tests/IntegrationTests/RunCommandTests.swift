import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform run` end to end against launched QEMU 7.2: reports CI systems accept, and
/// rerunning a filter or one case id.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct RunCommandTests {
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qmp-conform-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aFilteredRunWritesJUnitThatValidatesAndLoadsInJunitparser() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let junit = directory.appendingPathComponent("report.xml").path
        let json = directory.appendingPathComponent("report.json").path
        let outcome = try await CLIRunner.run([
            "run", "--filter", "set_link/*", "--filter", "*/protocol/*", "--junit", junit, "--json", json,
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("passed, 0 failed"))
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        let results = try #require(report["results"]?.arrayValue)
        #expect(
            results.allSatisfy { $0["id"]?.stringValue?.hasPrefix("set_link/") == true || $0["kind"] == "protocol" })
        let planned = try await CLIRunner.run([
            "cases", "list", "--filter", "set_link/*", "--filter", "*/protocol/*", "--format", "json",
        ])
        let plannedCount = try #require(JSONParser.parse(planned.stdout).arrayValue?.count)
        #expect(results.count == plannedCount, "run fires exactly what cases list plans")

        let schema = TestPaths.junitSchema
        if LaunchedEndpoint.isOnPath("xmllint") {
            let lint = try await CLIRunner.tool("xmllint", ["--noout", "--schema", schema, junit])
            #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        } else {
            Issue.record("xmllint is missing: scripts/ensure-deps installs libxml2-utils")
        }
        let python = """
            import sys, junitparser
            xml = junitparser.JUnitXml.fromfile(sys.argv[1])
            cases = [c for s in xml for c in s]
            print(len(cases), sum(1 for c in cases if c.is_passed))
            """
        let parsed = try await CLIRunner.tool("python3", ["-c", python, junit])
        if parsed.stderr.contains("No module named") {
            Issue.record("junitparser is missing: scripts/ensure-deps installs it with pip")
        } else {
            #expect(
                parsed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(plannedCount) \(plannedCount)",
                "\(parsed.stdout)\(parsed.stderr)")
        }
    }

    @Test func scenariosRunAndTheReportShowsEachEventsLatencyBesideItsWindow() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let junit = directory.appendingPathComponent("scenarios.xml").path
        // The shipped waivers explain the scenarios that find QEMU 7.2's deviations (a crash).
        let waivers = IntegrationSupport.shippedWaiversPath
        let outcome = try await CLIRunner.run(["run", "--kind", "scenario", "--junit", junit, "--waivers", waivers])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        for event in ["RESUME", "STOP", "RESET", "NETDEV_STREAM_CONNECTED", "NETDEV_STREAM_DISCONNECTED"] {
            #expect(
                xml.range(of: "\(event): [0-9.]+ ms \\(window [0-9]+ ms\\)", options: .regularExpression) != nil,
                "\(event)")
        }
        #expect(xml.contains("classname=\"qmp.run-state.cont-resume\""))
    }

    @Test func oneCaseIdRerunsJustThatCase() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("one.json").path
        let outcome = try await CLIRunner.run(["run", "--filter", "set_link/invalid/406a5844", "--json", json])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        #expect(report["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["set_link/invalid/406a5844"])
    }

    @Test func theTranscriptBytesKeptPerCaseAreAFlag() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("small.json").path
        let outcome = try await CLIRunner.run([
            "run", "--filter", "set_link/invalid/*", "--shard", "1/8", "--transcript-bytes", "64", "--json", json,
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        let transcripts = try #require(report["results"]?.arrayValue).map {
            JSONWriter.compact.string($0["transcript"] ?? .null)
        }
        #expect(!transcripts.isEmpty)
        #expect(transcripts.allSatisfy { $0.contains("bytes elided") }, "\(transcripts.first ?? "")")
    }

    @Test func anUnreachableSocketIsARunThatCouldNotHappen() async throws {
        let outcome = try await CLIRunner.run(["run", "--socket", "/nonexistent/qmp.sock", "--filter", "set_link/*"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("cannot talk to the endpoint"))
    }
}

/// Ctrl-C during a run: the reports still come out whole, with the cases run so far.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct RunInterruptionTests {
    @Test func anInterruptedRunExits130WithWellFormedReports() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qmp-conform-int-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let junit = directory.appendingPathComponent("r.xml").path
        let json = directory.appendingPathComponent("r.json").path
        let process = Process()
        process.executableURL = try #require(CLIRunner.executable)
        process.arguments = ["run", "--kind", "invalid", "--junit", junit, "--json", json]
        process.currentDirectoryURL = TestPaths.packageRoot
        process.standardOutput = FileHandle.nullDevice
        let progress = Pipe()
        process.standardError = progress
        try process.run()
        // Interrupt once the first progress line (a tenth of the cases done) has been printed.
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while !seen.contains("\n["), Date() < deadline {
            let chunk = progress.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGINT)
        DispatchQueue.global().async { _ = progress.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        #expect(report["interrupted"] == true)
        let results = try #require(report["results"]?.arrayValue)
        #expect(results.contains { $0["verdict"] == "passed" }, "the cases run before the interruption are there")
        #expect(results.contains { $0["reason"] == "interrupted before it ran" }, "the rest are skipped as interrupted")
        if LaunchedEndpoint.isOnPath("xmllint") {
            let schema = TestPaths.junitSchema
            let lint = try await CLIRunner.tool("xmllint", ["--noout", "--schema", schema, junit])
            #expect(lint.status == 0, "\(lint.stderr)")
        }
    }
}

/// `qmp-conform probe` and `exec`: a user's quick look at an endpoint.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct ProbeCommandTests {
    @Test func probePrintsTheGreetingVersionCapabilitiesAndSchemaSize() async throws {
        let outcome = try await CLIRunner.run(["probe"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let version = try #require(IntegrationSupport.qemuVersion)
        #expect(outcome.stdout.contains("version: \(version)"), "the version qemu-system-x86_64 --version prints")
        #expect(outcome.stdout.contains("capabilities: oob"))
        let counts = try #require(outcome.stdout.firstMatch(of: /schema: (\d+) commands, (\d+) events/))
        #expect((Int(counts.1) ?? 0) > 0 && (Int(counts.2) ?? 0) > 0, "\(outcome.stdout)")
    }

    @Test func execPrintsTheReplyAndExitsByItsOutcome() async throws {
        let status = try await CLIRunner.run(["exec", "query-status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"status\": \"prelaunch\""), "the fixture endpoint's guest is stopped (-S)")
        let missing = try await CLIRunner.run(["exec", "set_link", #"{"name": "nope", "up": true}"#])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("DeviceNotFound"))
        let malformed = try await CLIRunner.run(["exec", "set_link", "{nope"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("not valid JSON"))
    }
}

/// A run that cannot start still writes its reports, with one errored case that says why.
@Suite(.enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct RunCommandStartTests {
    @Test func aRunThatCannotReachItsEndpointWritesReportsThatSayWhy() async throws {
        let directory = try RunCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let junit = directory.appendingPathComponent("r.xml").path
        let json = directory.appendingPathComponent("r.json").path
        let outcome = try await CLIRunner.run([
            "run", "--socket", directory.appendingPathComponent("no-such.sock").path, "--junit", junit, "--json", json,
        ])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        let results = try #require(report["results"]?.arrayValue)
        #expect(results.count == 1)
        #expect(results.first?["verdict"] == "errored")
        #expect(results.first?["reason"]?.stringValue?.contains("no-such.sock") == true, "\(results)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<error"), "\(xml)")
        if LaunchedEndpoint.isOnPath("xmllint") {
            let lint = try await CLIRunner.tool("xmllint", ["--noout", "--schema", TestPaths.junitSchema, junit])
            #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        }
    }
}
