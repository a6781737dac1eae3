import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// The suite against another architecture's QEMU (Debian's qemu-system-arm): scenarios written
/// for x86 devices or for a default machine the target lacks are skipped with the reason, and
/// they run on the machine the target was launched with.
@Suite(
    .enabled(if: LaunchedEndpoint.isOnPath("qemu-system-aarch64"), "qemu-system-aarch64 is not on PATH"),
    .enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct OtherArchitectureTests {
    /// Runs the scenarios against `qemu-system-aarch64 -machine <machine>`; the JSON results.
    static func scenarios(machine: String) async throws -> [JSONValue] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qmp-conform-arm-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("r.json").path
        // The shipped waivers explain the scenarios that find QEMU 7.2's deviations (crashes).
        let waivers = IntegrationSupport.shippedWaiversPath
        let outcome = try await CLIRunner.run([
            "run", "--launch", "qemu-system-aarch64 -machine \(machine) -nodefaults -display none", "--kind",
            "scenario", "--json", json, "--junit", directory.appendingPathComponent("r.xml").path, "--waivers", waivers,
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let report = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8))
        return try #require(report["results"]?.arrayValue)
    }

    @Test func scenariosForX86OrADefaultMachineAreSkippedWithTheReasonOnAarch64None() async throws {
        let results = try await Self.scenarios(machine: "none")
        let skipped = results.filter { $0["verdict"] == "skipped" }
        #expect(!skipped.isEmpty)
        for result in skipped {
            let reason = result["reason"]?.stringValue ?? ""
            #expect(
                reason.contains("the endpoint is aarch64") || reason.contains("default machine"),
                "\(result["id"] ?? .null): \(reason)")
        }
        #expect(results.allSatisfy { $0["verdict"] == "passed" || $0["verdict"] == "skipped" })
    }

    @Test func runStateScenariosRunOnTheMachineTheTargetWasLaunchedWith() async throws {
        let runState = try await Self.scenarios(machine: "virt").filter {
            $0["id"]?.stringValue?.hasPrefix("run-state.") == true
        }
        #expect(!runState.isEmpty)
        #expect(runState.allSatisfy { $0["verdict"] == "passed" }, "\(runState)")
    }
}
