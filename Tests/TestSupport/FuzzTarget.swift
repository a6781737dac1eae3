import ConformanceKit
import Foundation

/// One input reader of qmp-conform that takes bytes from outside, as a fuzzing entry point: the
/// JSON parser (both dialects), the QAPI source loader, the introspection loader (and generation
/// over what it loads), and the case-file loaders.
///
/// Shared by `qmp-conform-fuzz` (libFuzzer, or the seeded mutation driver) and the smoke test.
/// A run may reject its input with an error; it must never trap, hang or crash.
package enum FuzzTarget: String, CaseIterable, Sendable {
    case json, qapi, introspection
    case caseFiles = "case-files"

    /// Feeds one input to the reader.
    /// - Parameter bytes: the input.
    package func run(_ bytes: [UInt8]) {
        switch self {
        case .json:
            _ = try? JSONParser.parse(bytes)
            _ = try? JSONParser.parse(bytes, dialect: .qapi)
        case .qapi:
            let text = String(decoding: bytes, as: UTF8.self)
            if let schema = try? SchemaLoader.loadSource(files: ["fuzz.json": text], main: "fuzz.json").schema {
                Self.generate(schema)
            }
        case .introspection:
            if let value = try? JSONParser.parse(bytes), let schema = try? IntrospectionLoader.load(value) {
                Self.generate(schema)
            }
        case .caseFiles:
            _ = try? ValueTable.load(bytes, file: "values.json")
            _ = try? SafetyPolicy.load(bytes, file: "policy.json")
            _ = try? ScenarioLoader.load(bytes, file: "net/fuzz.json", relativePath: "net/fuzz.json")
            _ = try? Waivers.load(bytes, file: "waivers.json")
            _ = try? ValidationMessages.load(bytes, file: "messages.json")
        }
    }

    /// Whether every seed of the target comes from `shared/qapi`.
    package var seedsNeedShared: Bool { self == .qapi || self == .introspection }

    /// The seed inputs: files of the repository and of `shared/qapi` of the kind the reader takes,
    /// each at most `maximumSeedSize` bytes.
    package var seeds: [[UInt8]] {
        let root = TestPaths.packageRoot.path
        let qapi = TestPaths.shared.appendingPathComponent("qapi").path
        switch self {
        case .json: return Self.files(under: root + "/cases") + Self.files(under: qapi + "/qapi-schema-tests-7.2")
        case .qapi: return Self.files(under: qapi + "/qapi-schema-tests-7.2") + Self.files(under: qapi + "/net-7.2")
        case .introspection:
            return ["net-7.2/net.json", "qga-7.2/qapi-schema.json"].compactMap { relative in
                let path = qapi + "/" + relative
                guard let schema = try? SchemaLoader.load(path: path).schema else { return nil }
                return Array(JSONWriter.compact.string(IntrospectionRenderer.render(schema)).utf8)
            }
        case .caseFiles: return Self.files(under: root + "/cases")
        }
    }

    /// Larger seeds are left out: they slow every run down and add little.
    package static let maximumSeedSize = 64 * 1024

    /// The seed files under a directory (`*.json`, any depth), sorted by path.
    private static func files(under directory: String) -> [[UInt8]] {
        let paths = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        return paths.compactMap { FileManager.default.contents(atPath: directory + "/" + $0) }
            .filter { $0.count <= maximumSeedSize }.map { [UInt8]($0) }
    }

    /// The project's value table and policy, loaded once.
    private static let tables = try? CaseDirectory.load(TestPaths.packageRoot.appendingPathComponent("cases").path)

    /// Generates cases with small budgets, so that every loaded schema is also generated from.
    private static func generate(_ schema: Schema) {
        guard let tables else { return }
        _ = CaseGenerator(
            schema: schema, values: tables.values, policy: tables.policy,
            options: .init(validBudget: 4, invalidBudget: 4)
        ).generate()
    }
}
