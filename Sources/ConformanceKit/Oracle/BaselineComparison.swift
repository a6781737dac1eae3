/// What changed between a baseline and a run, case by case: the one comparison behind `run
/// --baseline` (which fails the regressed cases) and `report diff` (which lists the changes).
/// Cases match by their stable id; outcomes compare by value (`NormalizedOutcome`), times by a
/// `TimingTolerance`.
///
/// The reference side is an earlier run of the endpoint (`Source.earlierRun`) or another
/// endpoint that ran the same plan (`Source.otherEndpoint`, `run --compare-with`). Against
/// another endpoint only the normalized outcomes count: every case whose outcome differs is a
/// changed outcome that fails with `differs-from-reference` (verdicts alone are each endpoint's
/// own judgement, and times differ between builds), and times count only when a tolerance is
/// given.
///
/// A time is a timing regression when both it (against the same case's baseline time) and the
/// lower median over the cases of its command exceed the tolerance: one value per case, the
/// longest of its round trips of that command and latencies of the events that came while it
/// ran. A busy machine stalls single exchanges, or a whole job, by tens of milliseconds (a
/// rerun of QEMU 7.2 on a loaded 2-core machine showed 152 of 5621 cases past 3x+50ms, and two
/// of the three `drive-backup` cases whose jobs report events while the command runs); a
/// slower command moves the median of its cases too. A command with one case has no median to
/// protect it, and an event only a few of a command's cases see counts with their round trips.
public struct BaselineComparison: Sendable, Hashable {
    /// What kind of change a case shows.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// It passed (or was skipped or waived) and now fails or errors.
        case regression
        /// It failed or errored and now does not.
        case fix
        /// Its verdict kind or outcome changed without a regression or a fix.
        case changedOutcome = "changed-outcome"
        /// A round trip or event latency past the tolerance.
        case timingRegression = "timing-regression"
        /// A case the baseline does not have.
        case added
        /// A baseline case this run does not have.
        case gone

        /// Whether the change fails the case and the comparison (`report diff` exits 1).
        public var isRegression: Bool { self == .regression || self == .changedOutcome || self == .timingRegression }

        /// The failure rule a failing change adds to its case.
        /// - Parameter source: what the case was compared with.
        /// - Returns: the rule, nil for a change that does not fail.
        func rule(_ source: Source) -> FailureRule? {
            switch self {
            case .regression: .baselineRegression
            case .changedOutcome: source == .otherEndpoint ? .differsFromReference : .baselineChanged
            case .timingRegression: .timingRegression
            case .fix, .added, .gone: nil
            }
        }
    }

    /// What the reference side of a comparison is; its raw value names that side in reports.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// An earlier run of the same endpoint (a baseline file, an older report).
        case earlierRun = "baseline"
        /// Another endpoint that ran the same plan (`run --compare-with`).
        case otherEndpoint = "reference"

        /// How a failure states what the reference side had.
        func expected(_ before: String) -> String {
            switch self {
            case .earlierRun: "as in the baseline: \(before)"
            case .otherEndpoint: "as on the reference endpoint: \(before)"
            }
        }
    }

    /// One change of one case.
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        /// The case id.
        public var caseID: String
        /// The kind of change.
        public var kind: Kind
        /// What the baseline had, in words.
        public var before: String
        /// What the run has, in words.
        public var after: String

        /// Creates a change.
        /// - Parameters:
        ///   - caseID: the case id.
        ///   - kind: the kind.
        ///   - before: the baseline's side.
        ///   - after: the run's side.
        public init(caseID: String, kind: Kind, before: String, after: String) {
            self.caseID = caseID
            self.kind = kind
            self.before = before
            self.after = after
        }

        /// `regression query-status/valid/1a2b: passed -> failed (...)`.
        public var description: String { "\(kind.rawValue) \(caseID): \(before) -> \(after)" }
    }

    /// The changes, ordered by kind (regressions first, as `Kind.allCases`), then case id, then
    /// what changed.
    public var changes: [Change]
    /// How many cases both sides have.
    public var compared: Int
    /// What the reference side is.
    public var source: Source

    /// Compares a run with a baseline.
    /// - Parameters:
    ///   - baseline: the stored baseline, the older report, or the reference endpoint's run.
    ///   - current: the run (or the newer report).
    ///   - tolerance: how much slower a time may get; nil compares no times.
    ///   - source: what `baseline` is (default: an earlier run).
    public init(
        baseline: Baseline, current: Baseline, tolerance: TimingTolerance? = .standard,
        source: Source = .earlierRun
    ) {
        var changes: [Change] = []
        var compared = 0
        var times: [TimePair] = []
        for (id, now) in current.entries {
            guard let old = baseline.entries[id] else {
                changes.append(Change(caseID: id, kind: .added, before: "absent", after: now.verdict.rawValue))
                continue
            }
            compared += 1
            changes += Self.outcomeChanges(old, now, source: source)
            times += Self.timePairs(old, now)
        }
        if let tolerance { changes += Self.timingChanges(times, tolerance: tolerance) }
        for id in baseline.entries.keys where current.entries[id] == nil {
            changes.append(
                Change(caseID: id, kind: .gone, before: baseline.entries[id]!.verdict.rawValue, after: "absent"))
        }
        let order = Dictionary(uniqueKeysWithValues: Kind.allCases.enumerated().map { ($1, $0) })
        self.changes = changes.sorted {
            (order[$0.kind]!, $0.caseID, $0.before) < (order[$1.kind]!, $1.caseID, $1.before)
        }
        self.compared = compared
        self.source = source
    }

    /// Whether any change is a regression.
    public var hasRegressions: Bool { changes.contains { $0.kind.isRegression } }

    /// The changes of one kind.
    /// - Parameter kind: the kind.
    /// - Returns: those changes, by case id.
    public func changes(_ kind: Kind) -> [Change] { changes.filter { $0.kind == kind } }

    /// The results with each regressed case failed by its change's rule (`baseline-regression`,
    /// `baseline-changed`, `timing-regression`; `differs-from-reference` against another
    /// endpoint) showing both sides; an errored case stays
    /// errored (it already fails). Fixes, added and gone cases are reported, not failed.
    /// - Parameter results: the run's results.
    /// - Returns: the results, in the same order.
    public func apply(to results: [CaseResult]) -> [CaseResult] {
        var failures: [String: [Verdict.Failure]] = [:]
        for change in changes {
            guard let rule = change.kind.rule(source) else { continue }
            failures[change.caseID, default: []].append(
                Verdict.Failure(rule: rule, expected: source.expected(change.before), actual: change.after))
        }
        return results.map { result in
            guard let added = failures[result.caseID] else { return result }
            var failed = result
            switch result.verdict {
            case .errored: break
            case .failed(let earlier), .waived(_, let earlier): failed.verdict = .failed(earlier + added)
            case .passed, .skipped: failed.verdict = .failed(added)
            }
            return failed
        }
    }

    /// The change of one case's verdict or outcome, if any; against another endpoint only a
    /// different outcome, always a changed outcome.
    private static func outcomeChanges(_ old: Baseline.Entry, _ now: Baseline.Entry, source: Source) -> [Change] {
        let difference = old.outcome == now.outcome ? nil : Self.difference(old.outcome, now.outcome)
        guard difference != nil || (source == .earlierRun && old.verdict != now.verdict) else { return [] }
        let kind: Kind =
            switch (source, old.verdict.isFailure, now.verdict.isFailure) {
            case (.otherEndpoint, _, _): .changedOutcome
            case (.earlierRun, false, true): .regression
            case (.earlierRun, true, false): .fix
            default: .changedOutcome
            }
        return [
            Change(
                caseID: now.caseID, kind: kind,
                before: old.verdict.rawValue + (difference.map { " (\($0.before))" } ?? ""),
                after: now.verdict.rawValue + (difference.map { " (\($0.after))" } ?? ""))
        ]
    }

    /// One time both sides measured for one case.
    private struct TimePair {
        var caseID: String
        var key: String
        var pool: String
        var before: Double
        var after: Double
    }

    /// The times two entries of one case both have, matched by key.
    private static func timePairs(_ old: Baseline.Entry, _ now: Baseline.Entry) -> [TimePair] {
        let before = Dictionary(old.timings.keyed.map { ($0.key, $0.measure) }, uniquingKeysWith: { first, _ in first })
        return now.timings.keyed.compactMap { key, pool, measure in
            before[key].map {
                TimePair(caseID: now.caseID, key: key, pool: pool, before: $0.milliseconds, after: measure.milliseconds)
            }
        }
    }

    /// The timing regressions: times past the tolerance in pools whose median is past it too.
    private static func timingChanges(_ pairs: [TimePair], tolerance: TimingTolerance) -> [Change] {
        var medians: [String: (cases: Int, before: Double, after: Double)] = [:]
        for (pool, members) in Dictionary(grouping: pairs, by: \.pool) {
            let cases = Dictionary(grouping: members, by: \.caseID).values
            let before = Self.median(cases.map { $0.map { $0.before }.max()! })
            let after = Self.median(cases.map { $0.map { $0.after }.max()! })
            if tolerance.isExceeded(by: after, baseline: before) { medians[pool] = (cases.count, before, after) }
        }
        return pairs.compactMap { pair in
            guard let median = medians[pair.pool], tolerance.isExceeded(by: pair.after, baseline: pair.before)
            else { return nil }
            return Change(
                caseID: pair.caseID, kind: .timingRegression, before: "\(pair.key) \(pair.before) ms",
                after:
                    "\(pair.after) ms; \(pair.pool) over \(median.cases) case\(median.cases == 1 ? "" : "s"): median \(median.before) -> \(median.after) ms, past \(tolerance)"
            )
        }
    }

    /// The lower median: the middle value, or the smaller of the middle two, so that in a pool
    /// of two cases one stalled case is not enough.
    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[(sorted.count - 1) / 2]
    }

    /// The first place two outcomes differ, as the two sides in words.
    static func difference(_ old: NormalizedOutcome?, _ now: NormalizedOutcome?) -> (before: String, after: String) {
        guard let old, let now else {
            return (old == nil ? "not observed" : "observed", now == nil ? "not observed" : "observed")
        }
        if old.ending != now.ending { return ("ending \(old.ending.rawValue)", "ending \(now.ending.rawValue)") }
        if old.check != now.check {
            return ("check \(old.check?.rawValue ?? "none")", "check \(now.check?.rawValue ?? "none")")
        }
        for pair in zip(old.replies, now.replies) where pair.0 != pair.1 {
            return (describe(pair.0), describe(pair.1))
        }
        if old.replies.count != now.replies.count {
            return ("\(old.replies.count) commands", "\(now.replies.count) commands")
        }
        return (
            "events [\(old.events.joined(separator: ", "))]", "events [\(now.events.joined(separator: ", "))]"
        )
    }

    private static func describe(_ reply: NormalizedOutcome.Reply) -> String {
        let at = reply.step == "$" ? reply.command : "\(reply.step) \(reply.command)"
        switch reply.kind {
        case .return: return "\(at): return \(reply.shape.map { JSONWriter.compact.string($0) } ?? "")"
        case .error: return "\(at): error \(reply.errorClass?.rawValue ?? "")"
        case .none: return "\(at): no reply"
        }
    }
}
