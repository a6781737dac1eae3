/// FNV-1a over bytes: a hash that is the same in every process and on every machine (Swift's
/// `Hasher` is seeded per process), for case ids, shard slots, seeded choices and schema digests.
struct StableHash {
    private static let prime: UInt64 = 0x100_0000_01b3

    /// The hash so far.
    private(set) var value: UInt64

    /// Starts a hash; a non-zero seed gives a different, equally stable family of hashes.
    init(seed: UInt64 = 0) { value = 0xcbf2_9ce4_8422_2325 ^ seed }

    /// Continues a hash from an earlier `value` (a digest kept between calls).
    init(resuming value: UInt64) { self.value = value }

    /// Mixes in bytes.
    mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { combine(byte: byte) }
    }

    /// Mixes in one byte (also used as a separator between texts).
    mutating func combine(byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* Self.prime
    }

    /// The hash of one text.
    static func of(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var hash = StableHash(seed: seed)
        hash.combine(text.utf8)
        return hash.value
    }
}
