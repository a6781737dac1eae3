/// Which cases a run or listing keeps: shell-style globs over case ids (`set_link/*`,
/// `*/invalid/*`, or one exact id) and case kinds.
public struct CaseFilter: Sendable {
    /// Glob patterns; a case matches when its id matches any (all cases when empty).
    public var patterns: [String]
    /// Kinds to keep (all when empty).
    public var kinds: Set<TestCase.Kind>
    /// A deterministic slice `(index, count)`: keep the cases whose id hashes to `index` modulo
    /// `count`, so `count` CI jobs each run a disjoint part (`--shard 1/4` ... `--shard 4/4`).
    public var shard: Shard?

    /// Creates a filter.
    public init(patterns: [String] = [], kinds: Set<TestCase.Kind> = [], shard: Shard? = nil) {
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
            && shard.map { $0.contains(id: id) } ?? true
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
