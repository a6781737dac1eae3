/// Joins the reports of a sharded run (`run --shard i/n`) into the report of the whole run:
/// `report merge`. Every shard 1 through n must be there exactly once, all with the same seed,
/// shard count and schema digest, and no case may be in two shards; anything else is an error
/// that names the file, since a merged report that silently lacks a shard would pass cases
/// that never ran.
///
/// The merged report has every shard's results, sorted by case id (shards run in plan order,
/// which interleaves across shards); the earliest start; the longest shard's duration (shards
/// run side by side); interrupted when any shard was; properties that all shards share, the
/// round trips summed, `shard` saying which shards were joined, and any other property that
/// differs (the command line) listed per shard.
public enum ReportMerge {
    /// The properties every shard must agree on.
    static let agreed = ["seed", "schema.digest"]

    /// Merges shard reports.
    /// - Parameter shards: each shard's file (for messages) and report.
    /// - Returns: the whole run's report.
    /// - Throws: `DiagnosticError` for a shard without `shard`, `seed` or `schema.digest`
    ///   properties, shards that disagree on them or on the shard count, a shard given twice or
    ///   missing, or a case in two shards.
    public static func merge(_ shards: [(file: String, report: RunReport)]) throws(DiagnosticError) -> RunReport {
        guard let first = shards.first else {
            throw DiagnosticError(Diagnostic(.error, "no shard reports to merge"))
        }
        var byIndex: [Int: String] = [:]
        var count: Int?
        for shard in shards {
            let properties = Dictionary(
                shard.report.properties.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let text = properties["shard"], let slice = Shard(parsing: text) else {
                throw failure("\(shard.file): the report has no 'shard' property of the form i/n", hint: hint)
            }
            if let count, count != slice.count {
                throw failure(
                    "\(shard.file): shard \(slice) is of a run split \(slice.count) ways, the others \(count) ways",
                    hint: hint)
            }
            count = slice.count
            if let other = byIndex[slice.index] {
                throw failure("\(shard.file): shard \(slice) is given twice (also \(other))", hint: hint)
            }
            byIndex[slice.index] = shard.file
            for key in agreed {
                let mine = properties[key]
                let theirs = first.report.properties.first { $0.key == key }?.value
                guard let mine, mine == theirs else {
                    throw failure(
                        "\(shard.file): '\(key)' is \(mine ?? "absent") but \(theirs ?? "absent") in \(first.file)",
                        hint: "merge the shards of one run: same --seed, same schema")
                }
            }
        }
        let missing = (1...(count ?? 1)).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw failure(
                "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count ?? 1)" }.joined(separator: ", ")) missing",
                hint: hint)
        }
        var seen: [String: String] = [:]
        for shard in shards {
            for result in shard.report.results {
                if let other = seen[result.caseID] {
                    throw failure(
                        "case '\(result.caseID)' is in two shards: \(other) and \(shard.file)",
                        hint: "each case belongs to one shard; were the shards run with the same options?")
                }
                seen[result.caseID] = shard.file
            }
        }
        let ordered = shards.sorted {
            Shard(parsing: property("shard", $0.report))!.index < Shard(parsing: property("shard", $1.report))!.index
        }
        return RunReport(
            name: first.report.name, properties: properties(ordered.map(\.report)),
            startedAt: shards.map(\.report.startedAt).min()!, duration: shards.map(\.report.duration).max()!,
            results: shards.flatMap(\.report.results).sorted { $0.caseID < $1.caseID },
            interrupted: shards.contains { $0.report.interrupted })
    }

    private static let hint = "pass every shard's JSON report of one run, 'run --shard 1/n' through 'n/n', once each"

    private static func failure(_ message: String, hint: String) -> DiagnosticError {
        DiagnosticError(Diagnostic(.error, message, hint: hint))
    }

    private static func property(_ key: String, _ report: RunReport) -> String {
        report.properties.first { $0.key == key }?.value ?? ""
    }

    /// The merged properties, in the first shard's order.
    private static func properties(_ reports: [RunReport]) -> [(key: String, value: String)] {
        reports[0].properties.map { property in
            let values = reports.map { Self.property(property.key, $0) }
            switch property.key {
            case "shard": return (property.key, "merged " + values.joined(separator: ", "))
            case "round-trips": return (property.key, String(values.compactMap { Int($0) }.reduce(0, +)))
            default:
                return (property.key, Set(values).count == 1 ? property.value : values.joined(separator: " | "))
            }
        }
    }
}
