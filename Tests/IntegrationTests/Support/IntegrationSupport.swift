import Foundation
import TestSupport

@testable import ConformanceKit

/// What the integration tests share: paths, the project's case tables, and a live schema.
enum IntegrationSupport {
    static let packageRoot = TestPaths.packageRoot
    static let shared = TestPaths.shared
    static let qemuAvailable = LaunchedEndpoint.isOnPath("qemu-system-x86_64")

    /// The version `qemu-system-x86_64 --version` prints (`7.2.22`), when it is installed.
    static let qemuVersion: String? = {
        guard qemuAvailable, let output = try? CLIRunner.toolBlocking("qemu-system-x86_64", ["--version"]).stdout else {
            return nil
        }
        return output.firstMatch(of: /version (\d+\.\d+\.\d+)/).map { String($0.1) }
    }()

    /// Whether the installed QEMU is of the release `prefix` names (`"7.2"`): tests that compare
    /// it with that release's source tree or waivers run only then.
    static func qemuIsRelease(_ prefix: String) -> Bool { qemuVersion?.hasPrefix(prefix + ".") == true }

    static func caseDirectory() throws -> CaseDirectory {
        try CaseDirectory.load(packageRoot.appendingPathComponent("cases").path)
    }

    /// The configuration symbols of Debian's qemu-system-x86_64 7.2 build.
    static func debianDefines() throws -> Set<String> {
        let text = try String(
            contentsOf: packageRoot.appendingPathComponent(
                "Tests/ConformanceKitTests/Fixtures/qemu-7.2-x86_64.defines"), encoding: .utf8)
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// The live introspection of a freshly launched default QEMU.
    static func liveSchema() async throws -> (schema: Schema, raw: JSONValue) {
        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        let client = try await endpoint.connect()
        let reply = try await client.execute("query-qmp-schema", timeout: .seconds(30))
        await endpoint.stop(using: client)
        await client.close()
        let raw = try require(reply.returnValue, "query-qmp-schema returned no value")
        return (try IntrospectionLoader.load(raw), raw)
    }

    /// The shipped waiver file of QEMU 7.2's deviations (`cases/waivers-qemu-7.2.json`).
    static let shippedWaiversPath = packageRoot.appendingPathComponent("cases/waivers-qemu-7.2.json").path

    /// The shipped waivers, loaded.
    static func shippedWaivers() throws -> Waivers {
        try Waivers.load(
            Array(try String(contentsOfFile: shippedWaiversPath, encoding: .utf8).utf8), file: shippedWaiversPath)
    }

    /// The items of the live schema's plan (no protocol checks) that a filter selects, in plan
    /// order. The whole plan is made once per test process and shared: planning the schema is
    /// seconds of a debug build's CPU, which every test repeating would take from the others.
    static func plan(_ filter: CaseFilter) async throws -> (schema: Schema, items: [Runner.Item]) {
        let (schema, items) = try await WholePlan.shared.value()
        return (schema, items.filter { filter.matches(id: $0.id, kind: $0.kind) })
    }

    /// Runs the given cases against a launched default QEMU with the project's oracle.
    static func run(_ cases: [TestCase], schema: Schema, jobs: Int = 2) async -> ConformanceRun.Result {
        let runner = Runner(configuration: .init(target: .defaultLaunch, jobs: jobs), schema: schema)
        return await ConformanceRun(runner: runner, oracle: Oracle(schema: schema)).run(cases.map { .testCase($0) })
    }
}

/// `#require` for non-test code paths in the support file.
func require<T>(_ value: T?, _ message: String = "missing value") throws -> T {
    guard let value else { throw CocoaError(.coderValueNotFound, userInfo: [NSLocalizedDescriptionKey: message]) }
    return value
}

/// The live schema's whole plan, made on first use and shared by every test of the process.
private actor WholePlan {
    static let shared = WholePlan()
    private var making: Task<(Schema, [Runner.Item]), any Error>?

    func value() async throws -> (Schema, [Runner.Item]) {
        if making == nil {
            making = Task {
                let schema = try await IntegrationSupport.liveSchema().schema
                let plan = RunPlan(
                    schema: schema, directory: try IntegrationSupport.caseDirectory(),
                    selection: .init(filter: CaseFilter(), protocolChecks: false))
                return (schema, plan.items)
            }
        }
        return try await making!.value
    }
}
