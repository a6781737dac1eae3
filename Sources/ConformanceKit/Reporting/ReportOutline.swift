/// The shape every reporter shares: the run's results grouped into suites (first-seen order,
/// run order inside each) and counted per run, per suite and per case kind.
///
/// Reporters render an outline; none of them groups or counts on its own.
struct ReportOutline: Sendable {
    /// The report outlined.
    let report: RunReport
    /// The suites, in the order their first result ran.
    let suites: [ReportSuite]
    /// Totals over all results (`time` is the sum of case durations, not the run's wall time).
    let totals: ResultCounts
    /// Counts per case kind, in `TestCase.Kind.allCases` order, for the kinds that occur.
    let kinds: [(kind: TestCase.Kind, counts: ResultCounts)]

    /// Groups and counts a report's results.
    /// - Parameter report: the report.
    init(_ report: RunReport) {
        self.report = report
        var suites: [ReportSuite] = []
        var suiteIndex: [String: Int] = [:]
        var kindCounts: [TestCase.Kind: ResultCounts] = [:]
        for result in report.results {
            if let index = suiteIndex[result.suite] {
                suites[index].results.append(result)
                suites[index].counts.add(result)
            } else {
                suiteIndex[result.suite] = suites.count
                suites.append(ReportSuite(name: result.suite, results: [result], counts: ResultCounts([result])))
            }
            kindCounts[result.kind, default: ResultCounts()].add(result)
        }
        self.suites = suites
        totals = ResultCounts(report.results)
        kinds = TestCase.Kind.allCases.compactMap { kind in kindCounts[kind].map { (kind, $0) } }
    }

    /// The failed and errored results, in run order.
    var failing: [CaseResult] { report.results.filter(\.verdict.isFailure) }

    /// The run's properties, plus `interrupted=true` when the run was interrupted.
    var properties: [(key: String, value: String)] {
        report.properties + (report.interrupted ? [(key: "interrupted", value: "true")] : [])
    }
}
