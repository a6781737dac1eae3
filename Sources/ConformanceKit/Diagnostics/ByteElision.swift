/// What a bounded text or transcript left out: how many bytes, and their FNV-1a digest
/// (`StableHash`), so two runs can still tell whether the elided parts were the same.
///
/// Renders as `7340032 bytes elided, fnv1a 0x8f1b0d3c5a7e9f01`. It keeps no bytes itself.
public struct ByteElision: Sendable, Hashable, CustomStringConvertible {
    /// How many bytes were left out.
    public private(set) var byteCount = 0
    /// FNV-1a over the bytes left out, in order.
    public private(set) var digest = StableHash().value

    /// Creates an empty elision.
    public init() {}

    /// Counts bytes as left out.
    /// - Parameter bytes: the bytes, in order.
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ add(contiguous: $0) }) != nil { return }
        var hash = StableHash(resuming: digest)
        for byte in bytes {
            hash.combine(byte: byte)
            byteCount += 1
        }
        digest = hash.value
    }

    /// The fast path of `add` (megabytes of a hostile reply are hashed here).
    private mutating func add(contiguous bytes: UnsafeBufferPointer<UInt8>) {
        var hash = StableHash(resuming: digest)
        for byte in bytes { hash.combine(byte: byte) }
        digest = hash.value
        byteCount += bytes.count
    }

    /// Adds another elision (of another connection): the counts add up and the digest mixes in
    /// the other's digest.
    /// - Parameter other: the other elision.
    public mutating func add(_ other: ByteElision) {
        guard !other.isEmpty else { return }
        var hash = StableHash(resuming: digest)
        for shift in stride(from: 0, to: 64, by: 8) {
            hash.combine(byte: UInt8(truncatingIfNeeded: other.digest >> shift))
        }
        digest = hash.value
        byteCount += other.byteCount
    }

    /// Whether nothing was left out.
    public var isEmpty: Bool { byteCount == 0 }

    /// `7340032 bytes elided, fnv1a 0x8f1b0d3c5a7e9f01`.
    public var description: String {
        let hex = String(digest, radix: 16)
        return "\(byteCount) bytes elided, fnv1a 0x" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The longest prefix of `text` within `limit` UTF-8 bytes (whole characters), with the rest
    /// summarised: `<prefix>... 7340032 bytes elided, fnv1a 0x...`; `text` itself when it fits.
    /// - Parameters:
    ///   - text: any text.
    ///   - limit: the most UTF-8 bytes kept.
    /// - Returns: the bounded text.
    public static func bounded(_ text: String, limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: max(0, limit))
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        var elision = ByteElision()
        elision.add(utf8[end...])
        return String(text[..<end]) + "... \(elision)"
    }
}
