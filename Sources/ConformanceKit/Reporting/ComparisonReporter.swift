/// Renders a `BaselineComparison` for people and CI: the text section the run summary starts
/// with under `run --baseline` and that `report diff` prints, its JSON, and a JUnit document of
/// its own (one test case per change; regressions, changed outcomes and timing regressions are
/// failures). Writes nothing itself.
public struct ComparisonReporter: Sendable {
    /// Creates a reporter.
    public init() {}

    /// The counts line: `baseline: 1 regression, 2 fixes, ... (120 cases compared)`, starting
    /// `reference:` against another endpoint.
    /// - Parameter comparison: the comparison.
    /// - Returns: one line.
    public func countsLine(_ comparison: BaselineComparison) -> String {
        let counts = BaselineComparison.Kind.allCases.map { kind in
            "\(comparison.changes(kind).count) \(kind.rawValue)"
        }
        return "\(comparison.source.rawValue): " + counts.joined(separator: ", ")
            + " (\(comparison.compared) cases compared)"
    }

    /// The text: the counts line, then each change, regressions and fixes first.
    /// - Parameter comparison: the comparison.
    /// - Returns: the text, ending in a newline.
    public func text(_ comparison: BaselineComparison) -> String {
        ([countsLine(comparison)]
            + comparison.changes.map { change in
                "  " + change.kind.rawValue.uppercased() + " " + TextEscaping.terminal(change.caseID) + ": "
                    + TextEscaping.terminal(change.before) + " -> " + TextEscaping.terminal(change.after)
            }).joined(separator: "\n") + "\n"
    }

    /// The JSON document: `compared`, `regressions` (whether any), `counts` per kind, and the
    /// `changes` (`id`, `kind`, `before`, `after`).
    /// - Parameter comparison: the comparison.
    /// - Returns: sorted JSON ending in a newline.
    public func json(_ comparison: BaselineComparison) -> String {
        var counts = JSONObject()
        for kind in BaselineComparison.Kind.allCases {
            counts[kind.rawValue] = .int(Int64(comparison.changes(kind).count))
        }
        let document: JSONValue = [
            "compared": .int(Int64(comparison.compared)), "regressions": .bool(comparison.hasRegressions),
            "counts": .object(counts),
            "changes": .array(
                comparison.changes.map {
                    [
                        "id": .string($0.caseID), "kind": .string($0.kind.rawValue), "before": .string($0.before),
                        "after": .string($0.after),
                    ]
                }),
        ]
        return JSONWriter.pretty.string(document) + "\n"
    }

    /// The JUnit XML document: one suite, `baseline` (or `reference`), with a test case per change named by the
    /// case id and classed by the kind of change.
    /// - Parameter comparison: the comparison.
    /// - Returns: the XML text, ending in a newline.
    public func junit(_ comparison: BaselineComparison) -> String {
        let failing = comparison.changes.filter(\.kind.isRegression).count
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="qmp-conform report diff" tests="\#(comparison.changes.count)" failures="\#(failing)">"#,
            #"  <testsuite name="\#(comparison.source.rawValue)" tests="\#(comparison.changes.count)" failures="\#(failing)" errors="0" skipped="0">"#,
        ]
        for change in comparison.changes {
            let name = TextEscaping.xmlAttribute(change.caseID)
            lines.append(
                #"    <testcase classname="\#(comparison.source.rawValue).\#(change.kind.rawValue)" name="\#(name)">"#)
            let detail = TextEscaping.xmlText("\(change.before) -> \(change.after)")
            let kind = change.kind.rawValue
            lines.append(
                change.kind.isRegression
                    ? #"      <failure message="\#(kind)" type="\#(kind)">\#(detail)</failure>"#
                    : "      <system-out>\(detail)</system-out>")
            lines.append("    </testcase>")
        }
        lines += ["  </testsuite>", "</testsuites>"]
        return lines.joined(separator: "\n") + "\n"
    }
}
