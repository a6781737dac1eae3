/// How many results ended each way and how long they took: the totals row every reporter prints,
/// for a whole run, one suite or one case kind.
struct ResultCounts: Sendable, Hashable {
    /// All results counted.
    var tests = 0
    /// Results whose verdict is `.passed`.
    var passed = 0
    /// Results whose verdict is `.failed` (JUnit `failures`).
    var failures = 0
    /// Results whose verdict is `.errored` (JUnit `errors`).
    var errors = 0
    /// Results whose failures a waiver lists (also counted in `skipped`, as JUnit reports them).
    var waived = 0
    /// Results whose verdict is `.skipped`.
    var skipped = 0
    /// The sum of the results' durations, in seconds.
    var time: Double = 0

    /// Counts of no results.
    init() {}

    /// Counts of the given results.
    /// - Parameter results: the results to count.
    init(_ results: some Sequence<CaseResult>) {
        for result in results { add(result) }
    }

    /// Failed plus errored: the results that make a run fail.
    var failing: Int { failures + errors }

    /// Counts one more result.
    /// - Parameter result: the result.
    mutating func add(_ result: CaseResult) {
        tests += 1
        time += result.duration
        switch result.verdict {
        case .passed: passed += 1
        case .failed: failures += 1
        case .errored: errors += 1
        case .skipped: skipped += 1
        case .waived:
            skipped += 1
            waived += 1
        }
    }
}
