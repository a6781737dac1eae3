/// Which cases a run or listing keeps: shell-style globs over case ids (`set_link/*`,
/// `*/invalid/*`, or one exact id) and case kinds.
public struct CaseFilter: Sendable {
    /// Glob patterns; a case matches when its id matches any (all cases when empty).
    public var patterns: [String]
    /// Kinds to keep (all when empty).
    public var kinds: Set<TestCase.Kind>
    /// A deterministic slice `(index, count)`: keep the cases whose id hashes to `index` modulo
    /// `count`, so `count` CI jobs each run a disjoint part (`--shard 1/4` ... `--shard 4/4`).
    public var shard: (index: Int, count: Int)?

    /// Creates a filter.
    public init(patterns: [String] = [], kinds: Set<TestCase.Kind> = [], shard: (index: Int, count: Int)? = nil) {
        self.patterns = patterns
        self.kinds = kinds
        self.shard = shard
    }

    /// Whether a case passes the filter.
    public func matches(_ testCase: TestCase) -> Bool { matches(id: testCase.id, kind: testCase.kind) }

    /// Whether a case with this id and kind passes the filter.
    public func matches(id: String, kind: TestCase.Kind) -> Bool {
        (kinds.isEmpty || kinds.contains(kind))
            && (patterns.isEmpty || patterns.contains { Self.glob($0, matches: id) })
            && shard.map { Self.slot(of: id, count: $0.count) == $0.index - 1 } ?? true
    }

    /// The 0-based shard slot of an id (FNV-1a, independent of case order and machine).
    static func slot(of id: String, count: Int) -> Int {
        Int(StableHash.of(id) % UInt64(max(count, 1)))
    }

    /// Reads `i/n` (1-based index) as a shard.
    /// - Parameter text: the option's value.
    /// - Returns: the shard, or nil when malformed.
    public static func shard(parsing text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
            (1...count).contains(index)
        else {
            return nil
        }
        return (index, count)
    }

    /// Shell-style matching: `*` any run of characters, `?` one character, everything else literal.
    public static func glob(_ pattern: String, matches text: String) -> Bool {
        let pattern = Array(pattern.utf8)
        let text = Array(text.utf8)
        var (p, t) = (0, 0)
        var backtrack: (pattern: Int, text: Int)?
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                backtrack = (p, t)
                p += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let (starP, starT) = backtrack {
                p = starP + 1
                t = starT + 1
                backtrack = (starP, starT + 1)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
