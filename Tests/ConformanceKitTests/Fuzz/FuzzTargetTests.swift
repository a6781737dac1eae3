import TestSupport
import Testing

/// A short, deterministic smoke run of every fuzz target (`qmp-conform-fuzz`, `scripts/fuzz`):
/// each seed, then seeded mutations; a crash or trap would end the test run.
struct FuzzTargetTests {
    @Test(arguments: FuzzTarget.allCases.filter { !$0.seedsNeedShared })
    func seedsAndSeededMutationsNeverCrashTheReader(target: FuzzTarget) async {
        await smokeRun(target)
    }

    @Test(.needsShared, arguments: FuzzTarget.allCases.filter(\.seedsNeedShared))
    func seedsFromSharedAndTheirMutationsNeverCrashTheReader(target: FuzzTarget) async {
        await smokeRun(target)
    }

    func smokeRun(_ target: FuzzTarget) async {
        let seeds = target.seeds
        #expect(!seeds.isEmpty, "the seed corpus of \(target.rawValue) is missing")
        await onDispatchThread {
            var mutator = FuzzMutator(seeds: seeds, seed: 2026)
            for seed in seeds.prefix(40) { target.run(seed) }
            for _ in 0..<150 { target.run(mutator.next()) }
        }
    }
}
