/// Judges a downstream build against its upstream reference: does it keep the upstream contract
/// (QMP spec section 5), follow the rules for downstream extensions (section 6), and pass the
/// full run. Each `CertificationRule` becomes one result; what is neither kept nor broken (unstable
/// items, items newer than the endpoint, upstream additions after the reference release) is
/// reported apart, in results that pass.
///
/// Pipeline position: after `ConformanceRun`, beside `Oracle`: it takes the reference schema, the
/// endpoint's introspection, its greeting and the run's results, and returns results for the
/// same `RunReport`. The schema comparison itself is `SchemaDiff`'s; this decides which of its
/// changes break which rule.
///
/// Version awareness: the endpoint's release (from its greeting) and the reference's `Since:`
/// sections decide what the endpoint must have. A reference item introduced after the
/// endpoint's release is not expected; when the endpoint is of a later release than the
/// reference, its additions are upstream's and the naming rule does not apply to them.
public struct Certification: Sendable {
    /// The kinds of change reported apart from the rules, in results that pass.
    public enum Aside: String, Sendable, Hashable, CaseIterable {
        /// `x-` names and items with the `unstable` feature: outside the stable contract.
        case unstable = "unstable-items"
        /// Reference items introduced after the endpoint's release.
        case newerThanEndpoint = "newer-than-endpoint"
        /// Endpoint additions when the endpoint is of a later release than the reference.
        case newerThanReference = "newer-than-reference"

        /// The result's summary.
        var summary: String {
            switch self {
            case .unstable: "unstable and x- items, reported apart (not part of the stable contract)"
            case .newerThanEndpoint: "reference items newer than the endpoint, not expected of it"
            case .newerThanReference: "endpoint additions of releases after the reference, compatible"
            }
        }
    }

    /// What certification found.
    public struct Outcome: Sendable {
        /// One result per rule, then one per aside that has entries, in that order.
        public var results: [CaseResult]
        /// The rules broken, in `CertificationRule` order.
        public var brokenRules: [CertificationRule]

        /// The closing line: `CERTIFIED` or `NOT CERTIFIED (n rules broken)`.
        public var verdictLine: String {
            guard !brokenRules.isEmpty else { return "CERTIFIED" }
            let count = brokenRules.count
            return "NOT CERTIFIED (\(count) rule\(count == 1 ? "" : "s") broken: "
                + brokenRules.map(\.rawValue).joined(separator: ", ") + ")"
        }
    }

    /// The capabilities QMP spec section 2.2.1 defines, for a reference that does not define
    /// `qmp_capabilities` itself.
    static let specCapabilities: Set<String> = ["oob"]

    /// The upstream schema the build must keep.
    public var reference: Schema
    /// The release the reference is of: given, or the latest `Since:` of its definitions; nil
    /// (the endpoint's own release is then assumed) for a reference without doc comments.
    public var referenceRelease: Version?

    /// Creates a certification.
    /// - Parameters:
    ///   - reference: the upstream schema (QAPI source with the build's defines, or an introspection).
    ///   - referenceRelease: the reference's release; nil reads it from the reference's `Since:` sections.
    public init(reference: Schema, referenceRelease: Version? = nil) {
        self.reference = reference
        self.referenceRelease = referenceRelease ?? Self.latestRelease(of: reference)
    }

    /// The latest `Since:` section of a schema's definitions (members' `(since X)` notes are left
    /// out: a stray one in QEMU 7.2's tree names 8.0).
    /// - Parameter schema: the schema.
    /// - Returns: the release, or nil without doc comments.
    public static func latestRelease(of schema: Schema) -> Version? {
        let docs = schema.commands.map(\.doc) + schema.events.map(\.doc) + schema.types.map(\.doc)
        return docs.compactMap { $0?.since.map(\.release) }.max()
    }

    /// Judges the endpoint.
    /// - Parameters:
    ///   - endpoint: the endpoint's schema (its `query-qmp-schema`).
    ///   - greeting: its greeting; nil when none was read (the greeting rules then error).
    ///   - runResults: the full run's results.
    /// - Returns: the results and the broken rules.
    public func judge(endpoint: Schema, greeting: QMPGreeting?, runResults: [CaseResult]) -> Outcome {
        let endpointRelease = greeting?.qemuVersion.map { Version(Int($0.major), Int($0.minor), Int($0.micro)).release }
        let referenceRelease = referenceRelease ?? endpointRelease
        var failures: [CertificationRule: [Verdict.Failure]] = [:]
        var asides: [Aside: [String]] = [:]
        for change in SchemaDiff.compare(reference, endpoint, downstream: true).changes {
            // Asides list the change as it is; the naming rule is not theirs.
            var aside = change
            aside.violatesDownstreamNaming = false
            if change.isUnstable {
                asides[.unstable, default: []].append(aside.description)
            } else if change.kind != .added, let since = change.since?.release, let endpointRelease,
                since > endpointRelease
            {
                asides[.newerThanEndpoint, default: []].append("\(aside) (since \(since.major).\(since.minor))")
            } else if change.kind == .added, let endpointRelease, let referenceRelease,
                endpointRelease > referenceRelease
            {
                asides[.newerThanReference, default: []].append(aside.description)
            } else if change.compatibility == .breaking {
                let rule = Self.rule(breaking: change)
                failures[rule, default: []].append(
                    Verdict.Failure(
                        rule: .certification(rule), expected: "the upstream contract kept", actual: change.description))
            } else if change.kind == .added, let name = change.name, !Self.isDownstreamName(name) {
                failures[.downstreamNames, default: []].append(
                    Verdict.Failure(
                        rule: .certification(.downstreamNames),
                        expected: "a name '__RFQDN_...' (e.g. '__com.example_\(name)')",
                        actual: change.description))
            }
        }
        for failure in greetingFailures(greeting) { failures[failure.rule, default: []].append(failure.failure) }
        let failedRun = runResults.filter(\.verdict.isFailure)
        if !failedRun.isEmpty {
            failures[.conformanceRun] = failedRun.map {
                Verdict.Failure(
                    rule: .certification(.conformanceRun), expected: "passed", actual: "\($0.caseID): \($0.summary)")
            }
        }
        let greetingRules: Set<CertificationRule> = [.greetingShape, .greetingCapabilities]
        let verdicts = CertificationRule.allCases.map { rule -> (CertificationRule, Verdict) in
            if greeting == nil, greetingRules.contains(rule) {
                return (rule, .errored("no greeting was read from the endpoint"))
            }
            return (rule, failures[rule].map { .failed($0) } ?? .passed)
        }
        var results = verdicts.map { rule, verdict in
            Self.result(rule.rawValue, summary: rule.summary, verdict: verdict, transcript: "")
        }
        for aside in Aside.allCases {
            guard let lines = asides[aside] else { continue }
            results.append(
                Self.result(
                    aside.rawValue, summary: "\(aside.summary): \(lines.count)", verdict: .passed,
                    transcript: lines.joined(separator: "\n")))
        }
        let broken = verdicts.filter { $0.1.isFailure }.map(\.0)
        return Outcome(results: results, brokenRules: broken)
    }

    /// The rule a breaking change breaks.
    static func rule(breaking change: SchemaDiff.Change) -> CertificationRule {
        switch change.aspect {
        case .definition where change.subject.hasPrefix("command "): .upstreamCommands
        case .definition where change.subject.hasPrefix("event "): .upstreamEvents
        case .enumValue: .upstreamEnumValues
        default: .upstreamMembers
        }
    }

    /// Whether a name is a downstream name of QMP spec section 6: `__`, a reverse fully qualified
    /// domain name (at least two labels), `_`, then the name proper (`__org.linux-kvm_enable_irqchip`).
    static func isDownstreamName(_ name: String) -> Bool {
        name.wholeMatch(of: /__[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+_.+/) != nil
    }

    /// What breaks the greeting rules: members other than `version` and `capabilities`, a
    /// version not in `query-version`'s format, capabilities neither upstream's nor downstream names.
    func greetingFailures(_ greeting: QMPGreeting?) -> [(rule: CertificationRule, failure: Verdict.Failure)] {
        guard let greeting else { return [] }
        var found: [(CertificationRule, Verdict.Failure)] = []
        func shape(_ path: JSONPath, _ expected: String, _ actual: String) {
            found.append(
                (
                    .greetingShape,
                    Verdict.Failure(
                        rule: .certification(.greetingShape), path: path, expected: expected, actual: actual)
                ))
        }
        let expectedKeys: [(JSONPath, JSONObject?, Set<String>)] = [
            (.root, greeting.raw, ["QMP"]),
            (JSONPath(components: [.key("QMP")]), greeting.raw["QMP"]?.objectValue, ["version", "capabilities"]),
            (JSONPath(components: [.key("QMP"), .key("version")]), greeting.version, ["qemu", "package"]),
            (
                JSONPath(components: [.key("QMP"), .key("version"), .key("qemu")]),
                greeting.version["qemu"]?.objectValue,
                ["major", "minor", "micro"]
            ),
        ]
        for (path, object, keys) in expectedKeys {
            let actual = Set(object?.keys ?? [])
            guard actual != keys else { continue }
            shape(
                path, "members \(keys.sorted().joined(separator: ", "))",
                "members \(actual.sorted().joined(separator: ", ")) (the greeting changes only by capabilities)")
        }
        if greeting.qemuVersion == nil || greeting.package == nil {
            shape(
                JSONPath(components: [.key("QMP"), .key("version")]),
                "integer major, minor, micro and a string package",
                JSONWriter.compact.string(.object(greeting.version)))
        }
        let upstream = upstreamCapabilities
        for capability in greeting.capabilities
        where !upstream.contains(capability) && !Self.isDownstreamName(capability) {
            found.append(
                (
                    .greetingCapabilities,
                    Verdict.Failure(
                        rule: .certification(.greetingCapabilities),
                        path: JSONPath(components: [.key("QMP"), .key("capabilities")]),
                        expected:
                            "an upstream capability (\(upstream.sorted().joined(separator: ", "))) or '__RFQDN_...'",
                        actual: "'\(capability)'")
                ))
        }
        return found
    }

    /// The capabilities the reference's `qmp_capabilities` can enable, else the spec's.
    var upstreamCapabilities: Set<String> {
        guard let command = reference.command(named: "qmp_capabilities"),
            let enable = reference.argumentMembers(of: command).first(where: { $0.name == "enable" }),
            let values = reference.type(named: enable.type.elementName)?.enumeration?.names
        else { return Self.specCapabilities }
        return Set(values)
    }

    /// One certification result, in the `certify` suite.
    static func result(_ name: String, summary: String, verdict: Verdict, transcript: String) -> CaseResult {
        CaseResult(
            caseID: TestCase.id(command: name, kind: .protocol, identity: ["certify"]), suite: suite, summary: summary,
            kind: .protocol, verdict: verdict, duration: 0, transcript: transcript)
    }

    /// The report group of the certification results.
    public static let suite = "certify"
}
