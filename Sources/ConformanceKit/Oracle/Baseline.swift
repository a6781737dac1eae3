/// What a run's cases did, kept to compare later runs against (`run --record-baseline`, `run
/// --baseline`): per case id its verdict kind, `NormalizedOutcome` and `CaseTimings`, plus the
/// facts that identify the run. Free text (error `desc`, skip reasons, transcripts) is never
/// kept, so a rerun of the same endpoint compares equal.
///
/// File format: sorted, two-space JSON, one object per case in case-id order, so a reviewed
/// update diffs well in git: `{"format": 1, "properties": {...}, "cases": [{"id": ...,
/// "verdict": ..., "outcome": {...}, "timings": {...}}]}` (`outcome` absent when nothing was
/// observed, `timings` when nothing was measured). Writing the file is the CLI's job.
public struct Baseline: Sendable, Hashable {
    /// One case of the baseline.
    public struct Entry: Sendable, Hashable {
        /// The case's stable id.
        public var caseID: String
        /// Its verdict's kind.
        public var verdict: Verdict.Kind
        /// What the endpoint did; nil when nothing was observed.
        public var outcome: NormalizedOutcome?
        /// Its round trips and event latencies.
        public var timings: CaseTimings

        /// The entry of a result.
        /// - Parameter result: the result.
        public init(_ result: CaseResult) {
            self.init(
                caseID: result.caseID, verdict: result.verdict.kind, outcome: result.outcome, timings: result.timings)
        }

        /// Creates an entry.
        /// - Parameters:
        ///   - caseID: the case id.
        ///   - verdict: the verdict kind.
        ///   - outcome: the normalized outcome.
        ///   - timings: the timings.
        public init(caseID: String, verdict: Verdict.Kind, outcome: NormalizedOutcome?, timings: CaseTimings) {
            self.caseID = caseID
            self.verdict = verdict
            self.outcome = outcome
            self.timings = timings
        }
    }

    /// The file format's version.
    public static let format: Int64 = 1

    /// Facts that identify the run (endpoint version, schema digest, seed), sorted by key.
    public var properties: [String: String]
    /// The cases, by id.
    public var entries: [String: Entry]

    /// Creates a baseline.
    /// - Parameters:
    ///   - entries: the cases (a later one with the same id replaces an earlier one).
    ///   - properties: the run's facts.
    public init(entries: [Entry], properties: [String: String] = [:]) {
        self.properties = properties
        self.entries = Dictionary(entries.map { ($0.caseID, $0) }, uniquingKeysWith: { $1 })
    }

    /// The baseline of a run's results.
    /// - Parameters:
    ///   - results: the results.
    ///   - properties: the run's facts.
    public init(results: [CaseResult], properties: [String: String] = [:]) {
        self.init(entries: results.map(Entry.init), properties: properties)
    }

    /// The baseline file's text.
    /// - Returns: sorted JSON ending in a newline.
    public func render() -> String {
        var props = JSONObject()
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) { props[key] = .string(value) }
        let cases: [JSONValue] = entries.values.sorted { $0.caseID < $1.caseID }.map { entry in
            var object: JSONObject = ["id": .string(entry.caseID), "verdict": .string(entry.verdict.rawValue)]
            object["outcome"] = entry.outcome?.jsonValue
            if entry.timings != .none { object["timings"] = entry.timings.jsonValue }
            return .object(object)
        }
        let document: JSONValue = ["format": .int(Self.format), "properties": .object(props), "cases": .array(cases)]
        return JSONWriter.pretty.string(document) + "\n"
    }

    /// Reads a baseline file.
    /// - Parameters:
    ///   - bytes: its contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the baseline.
    /// - Throws: `DiagnosticError` located at the first malformed part: another format version,
    ///   an unknown key, a case without an id or listed twice, an outcome or time not as written.
    public static func load(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> Baseline {
        let document = try CaseFile(bytes: bytes, file: file)
        let top = try document.object(
            document.value, at: .root, keys: ["format", "properties", "cases"], what: "a baseline file")
        guard top["format"] == .int(format) else {
            throw document.error(
                "not a baseline of format \(format)", at: JSONPath.root.appending("format"),
                hint: "record it again with 'qmp-conform run --record-baseline \(file)'")
        }
        var entries: [Entry] = []
        var seen: Set<String> = []
        for (index, value) in try document.list(top["cases"], at: JSONPath.root.appending("cases")).enumerated() {
            let path = JSONPath.root.appending("cases").appending(index: index)
            let object = try document.object(
                value, at: path, keys: ["id", "verdict", "outcome", "timings"], what: "a baseline case")
            let entry = try Self.entry(object, at: path, in: document)
            guard seen.insert(entry.caseID).inserted else {
                throw document.error("case '\(entry.caseID)' is listed twice", at: path.appending("id"))
            }
            entries.append(entry)
        }
        return Baseline(entries: entries, properties: try document.stringMap("properties"))
    }

    /// One case read from a baseline file or a JSON report's result (its `id`, `verdict`,
    /// `outcome` and `timings`; other members are the caller's).
    /// - Parameters:
    ///   - object: the case's members.
    ///   - path: where it sits.
    ///   - document: the file, for locations.
    /// - Returns: the entry.
    /// - Throws: `DiagnosticError` at a missing id, an unknown verdict, or a malformed outcome
    ///   or time.
    public static func entry(_ object: JSONObject, at path: JSONPath, in document: CaseFile) throws(DiagnosticError)
        -> Entry
    {
        Entry(
            caseID: try document.string(object["id"] ?? .null, at: path.appending("id")),
            verdict: try document.named(object["verdict"], at: path.appending("verdict")),
            outcome: try object["outcome"].map { (value) throws(DiagnosticError) in
                try NormalizedOutcome(json: value, at: path.appending("outcome"), in: document)
            },
            timings: try object["timings"].map { (value) throws(DiagnosticError) in
                try CaseTimings(json: value, at: path.appending("timings"), in: document)
            } ?? .none)
    }
}
