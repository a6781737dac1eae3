/// Known deviations a user accepts for now, read from a waiver file: failing cases they match
/// are reported as waived, with the reason, instead of failing the run. Reported, never hidden:
/// a waiver past its `expires` date no longer waives (its cases fail with its reason), and a
/// waiver whose cases ran but none failed is listed as stale by `review(_:today:)` (one whose
/// cases did not run, a doc case's in a run without docs, says nothing either way).
///
/// File format: `{"waivers": [{"case": "<glob over case ids>", "summary": "<glob over the case
/// summary>", "reason": "...", "expires": "YYYY-MM-DD", "link": "https://...", "targets":
/// ["qsd"]}]}`; `case` or `summary` may be left out (both default to `*`) but not both, `reason`
/// is required, `expires`, `link` and `targets` (the `--target` names the deviation belongs to;
/// `applying(to:)` drops the waiver from runs of other named targets) are optional.
public struct Waivers: Sendable, Hashable {
    /// One waiver.
    public struct Waiver: Sendable, Hashable {
        /// Glob over case ids (`blockdev-add/valid/*`).
        public var caseID: String
        /// Glob over case summaries (`branch 'nfs', all members`).
        public var summary: String
        /// Why the deviation is accepted (a bug link, an explanation).
        public var reason: String
        /// The first day the waiver no longer applies; nil when it does not expire.
        public var expires: CalendarDate?
        /// Where the deviation is tracked (an `http(s)` address), when the file says.
        public var link: String?
        /// The named targets (`EndpointProfile` raw values) whose deviation it is; empty: any.
        public var targets: [String] = []
        /// Where the waiver is written.
        public var location: SourceLocation

        /// Whether the waiver no longer applies on a day.
        /// - Parameter today: the day of the run.
        /// - Returns: true from the `expires` date on.
        public func hasExpired(on today: CalendarDate) -> Bool { expires.map { today >= $0 } ?? false }

        /// Whether the waiver's globs match a result.
        /// - Parameter result: the result.
        /// - Returns: true when both the case id and the summary match.
        public func matches(_ result: CaseResult) -> Bool {
            CaseFilter.glob(caseID, matches: result.caseID) && CaseFilter.glob(summary, matches: result.summary)
        }
    }

    /// The waivers in file order; the first match decides.
    public var waivers: [Waiver]

    /// No waivers.
    public static let none = Waivers(waivers: [])

    /// The waivers that belong to a run of a named target: those without `targets`, and those
    /// that list it. A run whose target has no name (a socket, a launch command) keeps them all.
    /// - Parameter target: the run's `--target` name (`qemu` for the default launch), if any.
    /// - Returns: the waivers for the run.
    public func applying(to target: String?) -> Waivers {
        guard let target else { return self }
        return Waivers(waivers: waivers.filter { $0.targets.isEmpty || $0.targets.contains(target) })
    }

    /// The waiver that decides a result: the first that matches it.
    /// - Parameter result: the result.
    /// - Returns: the waiver, if one matches.
    public func waiver(for result: CaseResult) -> Waiver? { waivers.first { $0.matches(result) } }

    /// The results with every matching failure or error turned into `.waived`, or, when the
    /// waiver has expired, into a failure that adds a `waiver-expired` difference carrying the
    /// waiver's reason.
    /// - Parameters:
    ///   - results: the judged results.
    ///   - today: the day of the run.
    /// - Returns: the results, in the same order.
    public func apply(to results: [CaseResult], today: CalendarDate) -> [CaseResult] {
        results.map { apply(to: $0, today: today) }
    }

    /// One result with its waiver applied (see `apply(to:today:)`).
    /// - Parameters:
    ///   - result: the judged result.
    ///   - today: the day of the run.
    /// - Returns: the result as reported.
    public func apply(to result: CaseResult, today: CalendarDate) -> CaseResult {
        guard let failures = Self.failures(of: result.verdict), let waiver = waiver(for: result) else { return result }
        var applied = result
        if let expires = waiver.expires, waiver.hasExpired(on: today) {
            applied.verdict = .failed(
                failures + [
                    Verdict.Failure(
                        rule: .waiverExpired, expected: "a waiver valid on \(today)",
                        actual: "the waiver at \(waiver.location) expired on \(expires): \(waiver.reason)")
                ])
        } else {
            applied.verdict = .waived(reason: waiver.reason, failures: failures)
        }
        return applied
    }

    /// What the waivers did in a run: which expired waivers failed cases again, and which
    /// waivers are stale: their cases ran, and none of them failed (a waiver whose cases did not
    /// run at all, or were all skipped, is not stale: this run says nothing about its deviation).
    /// - Parameters:
    ///   - results: the judged results before waivers were applied.
    ///   - today: the day of the run.
    ///   - staleFailsRun: whether a stale waiver fails the run (`--strict-waivers`).
    /// - Returns: the review, waivers in file order.
    public func review(_ results: [CaseResult], today: CalendarDate, staleFailsRun: Bool = false) -> Review {
        let failing = results.filter { Self.failures(of: $0.verdict) != nil }
        let ran = Set(
            waivers.indices.filter { index in
                results.contains { if case .skipped = $0.verdict { false } else { waivers[index].matches($0) } }
            })
        var deciding = Set<Int>()
        var matching = Set<Int>()
        for result in failing {
            let indices = waivers.indices.filter { waivers[$0].matches(result) }
            matching.formUnion(indices)
            if let first = indices.first { deciding.insert(first) }
        }
        return Review(
            expired: waivers.indices.filter { deciding.contains($0) && waivers[$0].hasExpired(on: today) }.map {
                waivers[$0]
            },
            stale: waivers.indices.filter { ran.contains($0) && !matching.contains($0) }.map { waivers[$0] },
            staleFailsRun: staleFailsRun)
    }

    /// The differences a waiver would accept: a failed verdict's, or an errored one's as one
    /// `errored` difference; nil for verdicts a waiver leaves alone.
    private static func failures(of verdict: Verdict) -> [Verdict.Failure]? {
        switch verdict {
        case .failed(let failures): failures
        case .errored(let message): [Verdict.Failure(rule: .errored, expected: "a judged case", actual: message)]
        case .passed, .skipped, .waived: nil
        }
    }

    /// The keys of a waiver file.
    static let fileKeys = ["comment", "waivers"]
    /// The keys of a waiver: the matchers, `reason`, then the optional `expires`, `link` and
    /// `targets`.
    static let waiverKeys = ["case", "summary", "reason", "expires", "link", "targets"]

    /// Reads a waiver file.
    /// - Parameters:
    ///   - bytes: its contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the waivers.
    /// - Throws: `DiagnosticError` located at a malformed entry: an unknown key, a value that is
    ///   not a string, a missing reason, a waiver that names no matcher (it would waive every
    ///   failure), an `expires` that is not a `YYYY-MM-DD` day, a `link` that is not `http(s)`.
    public static func load(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> Waivers {
        let document = try CaseFile(bytes: bytes, file: file)
        let top = try document.object(document.value, at: .root, keys: fileKeys, what: "a waiver file")
        guard let list = top["waivers"]?.arrayValue else {
            throw document.error("a waiver file needs a \"waivers\" list", at: .root)
        }
        var waivers: [Waiver] = []
        for (index, entry) in list.enumerated() {
            waivers.append(
                try waiver(entry, at: JSONPath.root.appending("waivers").appending(index: index), in: document))
        }
        return Waivers(waivers: waivers)
    }

    /// One entry of a waiver file.
    private static func waiver(_ entry: JSONValue, at path: JSONPath, in document: CaseFile) throws(DiagnosticError)
        -> Waiver
    {
        let members = try document.object(entry, at: path, keys: waiverKeys, what: "a waiver")
        var texts: [String: String] = [:]
        for member in members where member.key != "targets" {
            texts[member.key] = try document.string(member.value, at: path.appending(member.key))
        }
        let targets = try members["targets"].map { (value) throws(DiagnosticError) in
            try targetList(value, at: path.appending("targets"), in: document)
        }
        guard let reason = texts["reason"], !reason.isEmpty else {
            throw document.error(
                "every waiver needs a \"reason\"", at: path, hint: "say why the deviation is accepted")
        }
        let caseID = texts["case"] ?? "*"
        let summary = texts["summary"] ?? "*"
        guard caseID != "*" || summary != "*" else {
            throw document.error(
                "a waiver must name the cases it waives: it would waive every failure", at: path,
                hint: "add a \"case\" glob over case ids or a \"summary\" glob over case summaries")
        }
        var expires: CalendarDate?
        if let text = texts["expires"] {
            guard let date = CalendarDate(text) else {
                throw document.error(
                    "'expires' must be a day written YYYY-MM-DD, got '\(text)'", at: path.appending("expires"),
                    hint: "write the first day the waiver no longer applies, e.g. \"2027-01-31\"")
            }
            expires = date
        }
        if let link = texts["link"], !(link.hasPrefix("https://") || link.hasPrefix("http://")) {
            throw document.error(
                "'link' must be an http(s) address, got '\(link)'", at: path.appending("link"),
                hint: "link the bug report or discussion, e.g. \"https://gitlab.com/qemu-project/qemu/-/issues/1\"")
        }
        return Waiver(
            caseID: caseID, summary: summary, reason: reason, expires: expires, link: texts["link"],
            targets: targets ?? [], location: document.location(of: path))
    }

    /// A waiver's `targets`: a non-empty list of target names.
    private static func targetList(_ value: JSONValue, at path: JSONPath, in document: CaseFile)
        throws(DiagnosticError) -> [String]
    {
        let known = EndpointProfile.allCases.map(\.rawValue)
        guard let list = value.stringList, !list.isEmpty, list.allSatisfy(known.contains) else {
            throw document.error(
                "'targets' must be a non-empty list of target names (\(known.joined(separator: ", ")))", at: path,
                hint: "name the --target endpoints the deviation belongs to, e.g. [\"qsd\"]")
        }
        return list
    }
}
