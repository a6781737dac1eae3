import ConformanceKit
import Foundation

/// `qmp-conform-benchmarks cases [--shared DIR] [--runs N]`
///
/// Median time to generate every case of the full QEMU 7.2 schema (source tree and the live
/// introspection), schema already loaded. Target: under 100 ms (release build).
enum CaseBenchmark {
    static func run(_ arguments: [String]) async throws {
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        let shared = option("--shared") ?? "../shared"
        let runs = option("--runs").flatMap(Int.init) ?? 15
        let directory = try CaseDirectory.load("cases")
        let schemas = [
            ("qemu-7.2 source tree", try SchemaLoader.load(path: "\(shared)/qapi/qemu-7.2/qapi-schema.json").schema),
            (
                "qemu-7.2 introspection",
                try SchemaLoader.load(path: "Tests/ConformanceKitTests/Fixtures/qemu-7.2-introspection.json").schema
            ),
        ]
        print("case generation, median of \(runs) runs (release build; target < 100 ms)")
        for (label, schema) in schemas {
            let generator = CaseGenerator(schema: schema, values: directory.values, policy: directory.policy)
            var count = 0
            let timing = try SchemaBenchmark.measure(runs) { count = generator.generate().cases.count }
            print(SchemaBenchmark.row("\(label): \(count) cases, \(schema.commands.count) commands", timing))
        }
    }
}
