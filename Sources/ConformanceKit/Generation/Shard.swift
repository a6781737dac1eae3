/// One of `count` deterministic, disjoint slices of a run's items (`--shard i/n`), so CI can fan
/// a run out over jobs: an item belongs to the slice its stable id hashes to, the same on every
/// machine.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// The slice, from 1.
    public let index: Int
    /// How many slices.
    public let count: Int

    /// Creates a shard.
    /// - Parameters:
    ///   - index: the slice, 1 through `count`.
    ///   - count: how many slices, at least 1.
    /// - Returns: nil when `index` is not in 1...count.
    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Reads `i/n`.
    /// - Parameter text: the option's value.
    /// - Returns: nil when malformed or out of range.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// Whether an item belongs to this slice.
    /// - Parameter id: the item's stable id.
    /// - Returns: whether it is in the slice.
    public func contains(id: String) -> Bool { Int(StableHash.of(id) % UInt64(count)) == index - 1 }

    /// `i/n`.
    public var description: String { "\(index)/\(count)" }
}
