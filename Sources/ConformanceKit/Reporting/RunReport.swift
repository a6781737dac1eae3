public import Foundation

/// Everything the reporters write about one run: the results in run order and the facts that
/// identify the run (endpoint version, schema digest, seed, command line).
public struct RunReport: Sendable, Hashable {
    /// The report's title (the JUnit `<testsuites name>`).
    public var name: String
    /// Facts about the run as ordered key/value pairs, e.g. `endpoint.version`, `schema.digest`,
    /// `seed`, `command-line`.
    public var properties: [(key: String, value: String)]
    /// When the run started.
    public var startedAt: Date
    /// Wall time of the whole run, in seconds.
    public var duration: Double
    /// The results, in the order the cases ran.
    public var results: [CaseResult]
    /// Whether the run was interrupted (Ctrl-C) before every case ran.
    public var interrupted: Bool
    /// The expired and the stale waivers of the run.
    public var waiverReview: Waivers.Review

    /// Creates a report.
    public init(
        name: String, properties: [(key: String, value: String)], startedAt: Date, duration: Double,
        results: [CaseResult], interrupted: Bool = false, waiverReview: Waivers.Review = .empty
    ) {
        self.name = name
        self.properties = properties
        self.startedAt = startedAt
        self.duration = duration
        self.results = results
        self.interrupted = interrupted
        self.waiverReview = waiverReview
    }

    public static func == (lhs: RunReport, rhs: RunReport) -> Bool {
        lhs.name == rhs.name && lhs.properties.elementsEqual(rhs.properties, by: { $0 == $1 })
            && lhs.startedAt == rhs.startedAt && lhs.duration == rhs.duration && lhs.results == rhs.results
            && lhs.interrupted == rhs.interrupted && lhs.waiverReview == rhs.waiverReview
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        for property in properties {
            hasher.combine(property.key)
            hasher.combine(property.value)
        }
        hasher.combine(results)
    }

    /// Counts of passed, failed (failed + errored) and skipped results.
    public var counts: (total: Int, passed: Int, failed: Int, skipped: Int) {
        var passed = 0
        var failed = 0
        var skipped = 0
        for result in results {
            switch result.verdict {
            case .passed: passed += 1
            case .failed, .errored: failed += 1
            case .skipped, .waived: skipped += 1
            }
        }
        return (results.count, passed, failed, skipped)
    }
}
