/// "Did you mean" for mistyped names: command-line options and subcommands, schema type names.
package enum Suggestion {
    /// The candidate closest to a mistyped word, for a "Did you mean" hint.
    /// - Parameters:
    ///   - word: what the user typed.
    ///   - candidates: the valid words, in preference order for ties.
    /// - Returns: the nearest candidate within a third of its length (at least one edit), or `nil`.
    package static func closest(to word: String, among candidates: [String]) -> String? {
        // The length difference is a lower bound of the distance: a candidate too far in length
        // is never near, so a huge word costs one count, not a huge table per candidate.
        let length = word.count
        let scored = candidates.lazy.filter { abs($0.count - length) <= max(1, $0.count / 3) }
            .map { (candidate: $0, distance: editDistance(word, $0)) }
            .filter { $0.distance <= max(1, $0.candidate.count / 3) }
        return scored.min { $0.distance < $1.distance }?.candidate
    }

    /// The optimal string alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost one.
    package static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
