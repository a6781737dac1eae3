import Foundation

/// `qmp-conform-benchmarks SUBCOMMAND [OPTIONS]`: each benchmark is one subcommand; add new ones
/// to `benchmarks`.
let benchmarks: [(name: String, abstract: String, run: @Sendable ([String]) async throws -> Void)] = [
    ("client", "QMP round trips, Swift client vs a minimal C client on one launched QEMU", ClientBenchmark.run),
    (
        "schema", "Loading the QEMU 7.2 QAPI source tree and its introspection, vs QEMU's Python QAPISchema",
        SchemaBenchmark.run
    ),
    ("cases", "Generating every case of the QEMU 7.2 schema", CaseBenchmark.run),
    ("reports", "Peak memory of writing a synthetic 5,000-case run's reports, streamed vs whole", ReportBenchmark.run),
    (
        "run", "The full generated suite against launched QEMU 7.2 with --jobs 1 and 2, vs the C client",
        RunBenchmark.run
    ),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("USAGE: qmp-conform-benchmarks <subcommand> [options]\n\nSUBCOMMANDS:")
    for benchmark in benchmarks { print("  \(benchmark.name)  \(benchmark.abstract)") }
    exit(arguments.isEmpty || arguments.first == "--help" ? 0 : 64)
}
do {
    try await benchmark.run(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
