/// Deterministic byte-level mutations for fuzzing without libFuzzer: flips, inserted tokens that
/// tend to break readers (`1e308`, `${`, `(a+)+`, deep nesting), deleted and repeated ranges,
/// splices of two seeds. The same seeds and seed number give the same inputs.
package struct FuzzMutator {
    /// Tokens worth inserting: number extremes, structure, variables, regex hazards.
    static let tokens: [String] = [
        "1e308", "-1", "18446744073709551616", "0.5", "null", "true", "{", "}", "[", "]", "\"", ":", ",", "'",
        "${", "${nope}", "(a+)+", "\\u0000", "[[[[[[[[[[[[[[[[", "{ 'include': 'fuzz.json' }", "'data': 'A'",
        "\"meta-type\": \"array\"", "\"element-type\"", "'*", "##",
    ]

    /// The inputs mutations start from.
    let seeds: [[UInt8]]
    var random: SeededRandom

    /// Creates a mutator.
    /// - Parameters:
    ///   - seeds: the inputs to start from (at least one).
    ///   - seed: the random seed.
    package init(seeds: [[UInt8]], seed: UInt64) {
        self.seeds = seeds.isEmpty ? [[]] : seeds
        random = SeededRandom(seed: seed)
    }

    /// The next input: a seed with one to four mutations.
    package mutating func next() -> [UInt8] {
        var bytes = seeds.randomElement(using: &random)!
        for _ in 0..<Int.random(in: 1...4, using: &random) { mutate(&bytes) }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        let length = bytes.isEmpty ? 0 : Int.random(in: 0...min(64, bytes.count - position), using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0: if !bytes.isEmpty { bytes[position] ^= UInt8.random(in: 1...255, using: &random) }
        case 1: bytes.insert(contentsOf: Array(Self.tokens.randomElement(using: &random)!.utf8), at: position)
        case 2: bytes.removeSubrange(position..<(position + length))
        case 3: bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
        default:
            let other = seeds.randomElement(using: &random)!
            let start = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &random)
            bytes.replaceSubrange(position..<(position + length), with: other[start..<min(other.count, start + 256)])
        }
    }
}
