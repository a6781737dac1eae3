/// A command line that cannot be run, with what the user needs to fix it.
///
/// Thrown by `CommandLineParser`. Prints as the message, the command's usage line and where to
/// find its help; the executable writes it to standard error and exits with `ExitStatus.usage`.
package struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in one line, e.g. `unknown option '--sead'. Did you mean '--seed'?`.
    package var message: String
    /// The command names from the root to the command being read, e.g. `["qmp-conform", "schema", "diff"]`.
    package var commandPath: [String]
    /// That command's usage line, without the `USAGE:` label.
    package var usage: String

    /// Creates a usage error.
    /// - Parameters:
    ///   - message: what is wrong.
    ///   - commandPath: the command names from the root to the command being read.
    ///   - usage: that command's usage line.
    package init(_ message: String, commandPath: [String], usage: String) {
        self.message = message
        self.commandPath = commandPath
        self.usage = usage
    }

    package var description: String {
        "error: \(message)\nUSAGE: \(usage)\nSee '\(commandPath.joined(separator: " ")) --help'."
    }

    /// The candidate closest to a mistyped word, for a "Did you mean" hint.
    /// - Parameters:
    ///   - word: what the user typed.
    ///   - candidates: the valid words, in preference order for ties.
    /// - Returns: the nearest candidate within a third of its length (at least one edit), or `nil`.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: editDistance(word, $0)) }
            .filter { $0.distance <= max(1, $0.candidate.count / 3) }
        return scored.min { $0.distance < $1.distance }?.candidate
    }

    /// The optimal string alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost one.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
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
