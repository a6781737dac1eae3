/// The results of one `CaseResult.suite` (a command, `protocol`, or a scenario file), in run order:
/// a JUnit `<testsuite>`, an HTML table.
struct ReportSuite: Sendable, Hashable {
    /// The suite name as the results carry it.
    var name: String
    /// The suite's results, in the order they ran.
    var results: [CaseResult]
    /// The suite's totals.
    var counts: ResultCounts
}
