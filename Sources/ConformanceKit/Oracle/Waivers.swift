/// Known deviations a user accepts for now, read from a waiver file: failing cases they match
/// are reported as waived, with the reason, instead of failing the run. Reported, never hidden.
///
/// File format: `{"waivers": [{"case": "<glob over case ids>", "summary": "<glob over the case
/// summary>", "reason": "..."}]}`; `case` or `summary` may be left out (both default to `*`) but
/// not both, and `reason` is required.
public struct Waivers: Sendable, Hashable {
    /// One waiver.
    public struct Waiver: Sendable, Hashable {
        /// Glob over case ids (`blockdev-add/valid/*`).
        public var caseID: String
        /// Glob over case summaries (`branch 'nfs', all members`).
        public var summary: String
        /// Why the deviation is accepted (a bug link, an explanation).
        public var reason: String
    }

    /// The waivers in file order; the first match gives the reason.
    public var waivers: [Waiver]

    /// No waivers.
    public static let none = Waivers(waivers: [])

    /// The reason a result is waived, if a waiver matches it.
    public func reason(for result: CaseResult) -> String? {
        waivers.first {
            CaseFilter.glob($0.caseID, matches: result.caseID) && CaseFilter.glob($0.summary, matches: result.summary)
        }?.reason
    }

    /// The results with every matching failure or error turned into `.waived`.
    public func apply(to results: [CaseResult]) -> [CaseResult] {
        results.map { result in
            guard let reason = reason(for: result) else { return result }
            var waived = result
            switch result.verdict {
            case .failed(let failures): waived.verdict = .waived(reason: reason, failures: failures)
            case .errored(let message):
                waived.verdict = .waived(
                    reason: reason,
                    failures: [Verdict.Failure(rule: .errored, expected: "a judged case", actual: message)])
            case .passed, .skipped, .waived: break
            }
            return waived
        }
    }

    /// The keys of a waiver file.
    static let fileKeys = ["comment", "waivers"]
    /// The keys of a waiver: the matchers, then `reason`.
    static let waiverKeys = ["case", "summary", "reason"]

    /// Reads a waiver file.
    /// - Parameters:
    ///   - bytes: its contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the waivers.
    /// - Throws: `DiagnosticError` located at a malformed entry: an unknown key, a value that is
    ///   not a string, a missing reason, or a waiver that names no matcher (it would waive every
    ///   failure).
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
        for member in members { texts[member.key] = try document.string(member.value, at: path.appending(member.key)) }
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
        return Waiver(caseID: caseID, summary: summary, reason: reason)
    }
}
