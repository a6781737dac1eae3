import Foundation
import TestSupport

/// The fuzzing driver when libFuzzer is not linked in: every seed once, then seeded mutations of
/// them (`FuzzMutator`) until the time is up. Deterministic for a seed, bounded in time.
struct MutationDriver {
    let target: FuzzTarget
    var seconds = 10.0
    var seed: UInt64 = 1
    var lastInput: String

    /// Reads `--seconds`, `--seed` and `--last-input` from the arguments after the target.
    init(target: FuzzTarget, arguments: [String]) {
        self.target = target
        lastInput = ".build/fuzz/last-\(target.rawValue).json"
        var index = 1
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--seconds": seconds = Double(value) ?? seconds
            case "--seed": seed = UInt64(value) ?? seed
            case "--last-input": lastInput = value
            default: break
            }
            index += 2
        }
    }

    /// Runs until the time is up.
    /// - Returns: the exit status (0: no crash; a crash ends the process instead).
    func run() -> Int32 {
        try? FileManager.default.createDirectory(
            atPath: (lastInput as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let seeds = target.seeds
        var mutator = FuzzMutator(seeds: seeds, seed: seed)
        let deadline = Date().addingTimeInterval(seconds)
        var count = 0
        while Date() < deadline {
            let input = count < seeds.count ? seeds[count] : mutator.next()
            FileManager.default.createFile(atPath: lastInput, contents: Data(input))
            target.run(input)
            count += 1
        }
        print("\(target.rawValue): \(count) inputs (\(seeds.count) seeds) in \(seconds) s, seed \(seed), no crash")
        return 0
    }
}
