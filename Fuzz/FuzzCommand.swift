import Foundation
import TestSupport

/// `qmp-conform-fuzz TARGET ...`: feeds generated inputs to one of qmp-conform's input readers
/// (`FuzzTarget`) until a time limit, to find inputs that crash or hang them.
///
/// Built with `-sanitize=fuzzer,address -DLIBFUZZER` (see `scripts/fuzz`) it hands over to
/// libFuzzer, whose options and corpus directories follow the target. Built plainly it runs the
/// deterministic seeded mutation driver: `--seconds N` (default 10) and `--seed N` (default 1).
/// Before each input it writes the input to `--last-input FILE` (default
/// `.build/fuzz/last-TARGET.json`), so a crash leaves the input that caused it.
/// `qmp-conform-fuzz TARGET --write-seeds DIR` writes the target's seed corpus to DIR.
@main
enum FuzzCommand {
    /// The target libFuzzer's callback feeds; set once before the driver starts.
    nonisolated(unsafe) static var target = FuzzTarget.json

    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count > 1, let target = FuzzTarget(rawValue: arguments.remove(at: 1)) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(
                Data("usage: qmp-conform-fuzz <\(names)> [--seconds N] [--seed N] [--last-input FILE]\n".utf8))
            exit(64)
        }
        Self.target = target
        if arguments.count == 3, arguments[1] == "--write-seeds" { exit(writeSeeds(of: target, to: arguments[2])) }
        #if LIBFUZZER
            exit(LibFuzzer.run(arguments))
        #else
            exit(MutationDriver(target: target, arguments: arguments).run())
        #endif
    }

    /// Writes a target's seeds as files `seed-N` of a directory (libFuzzer's corpus).
    /// - Returns: the exit status.
    static func writeSeeds(of target: FuzzTarget, to directory: String) -> Int32 {
        for (index, seed) in target.seeds.enumerated() {
            guard FileManager.default.createFile(atPath: "\(directory)/seed-\(index)", contents: Data(seed)) else {
                return 1
            }
        }
        return 0
    }
}
