import Foundation
import TestSupport

@testable import ConformanceKit

/// Shared, loaded-once test inputs.
enum Fixtures {
    /// The configuration symbols of Debian's qemu-system-x86_64 7.2 build, one per line.
    static let debianX86Defines: Set<String> = {
        let path = TestPaths.fixtures.appendingPathComponent("qemu-7.2-x86_64.defines").path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Set(text.split(separator: "\n").map(String.init))
    }()

    /// Path of the saved `query-qmp-schema` reply of Debian's QEMU 7.2 (`-machine none`).
    static let introspectionPath = TestPaths.fixtures.appendingPathComponent("qemu-7.2-introspection.json").path

    /// Loads a schema under `shared/qapi`.
    static func source(_ relative: String, defines: Set<String>? = nil) throws -> Schema {
        try SchemaLoader.load(path: TestPaths.qapi(relative), options: .init(defines: defines)).schema
    }

    /// The saved QEMU 7.2 introspection.
    static func introspection() throws -> Schema { try SchemaLoader.load(path: introspectionPath).schema }
}

extension Fixtures {
    /// The project's own `cases/` directory (value table and safety policy).
    static let caseDirectory: CaseDirectory = {
        do {
            return try CaseDirectory.load(TestPaths.packageRoot.appendingPathComponent("cases").path)
        } catch {
            fatalError("cases/ must load: \(error)")
        }
    }()

    /// Generates the cases of a schema with the project's tables.
    static func generate(_ schema: Schema, seed: UInt64 = 0) -> CaseGenerator.Output {
        CaseGenerator(
            schema: schema, values: caseDirectory.values, policy: caseDirectory.policy, options: .init(seed: seed)
        ).generate()
    }
}
