import Foundation

/// The inline SVG charts of the HTML report: the per-kind totals as stacked bars, and each
/// expected event's latency against its window. Plain SVG with text labels and `<title>`
/// tooltips: no scripts, no external resources, readable when printed.
enum HTMLCharts {
    /// The most events the latency chart draws (the latest first); the rest are counted.
    static let latencyRowLimit = 100

    /// The chart's width in SVG units; it scales down with the page.
    private static let width = 1000.0
    private static let rowHeight = 22.0

    /// One stacked bar per case kind, scaled to the largest kind: passed, failed or errored,
    /// waived, skipped.
    /// - Parameter kinds: counts per kind, in the order to draw.
    /// - Returns: the SVG element, ending in a newline.
    static func kindBars(_ kinds: [(kind: TestCase.Kind, counts: ResultCounts)]) -> String {
        let most = Double(max(kinds.map(\.counts.tests).max() ?? 1, 1))
        let (left, span) = (110.0, 460.0)
        let height = rowHeight * Double(kinds.count + 1) + 6
        var svg = "<svg class=\"kinds\" viewBox=\"0 0 \(number(width)) \(number(height))\" "
        svg += "width=\"\(number(width))\" height=\"\(number(height))\" role=\"img\" aria-label=\"cases by kind\">\n"
        var legendX = left
        for segment in Segment.allCases {
            svg += "<rect x=\"\(number(legendX))\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(segment.colour)\"/>"
            svg += "<text x=\"\(number(legendX + 16))\" y=\"15\">\(segment.rawValue)</text>\n"
            legendX += 100
        }
        for (row, entry) in kinds.enumerated() {
            let y = rowHeight * Double(row + 1) + 4
            let counts = entry.counts
            svg += "<text x=\"0\" y=\"\(number(y + 14))\">\(entry.kind.rawValue) \(counts.tests)</text>\n"
            var x = left
            let segments: [(Int, Segment)] = [
                (counts.passed, .passed), (counts.failing, .failing), (counts.waived, .waived),
                (counts.skipped - counts.waived, .skipped),
            ]
            for (count, segment) in segments where count > 0 {
                let length = max(Double(count) / most * span, 1)
                svg += "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(length))\" height=\"16\" "
                svg +=
                    "fill=\"\(segment.colour)\"><title>\(entry.kind.rawValue): \(count) \(segment.rawValue)</title></rect>\n"
                x += length
            }
            svg += "<text x=\"\(number(x + 6))\" y=\"\(number(y + 14))\">"
            svg += TextEscaping.html(ReportText.countsPhrase(counts)) + "</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// One bar per expected event: its latency as a share of its window on a logarithmic axis
    /// from `smallestShare` of the window to twice it, the window a dashed line (latencies past
    /// twice the window are drawn to the end, with their value), late and missing events in red;
    /// latest first, at most `latencyRowLimit` rows.
    /// - Parameter timings: each expected event with the title of its case.
    /// - Returns: the SVG element (and a note on the rows left out), ending in a newline.
    static func latencyChart(_ timings: [(title: String, timing: CaseResult.EventTiming)]) -> String {
        let ordered = timings.sorted { share(of: $0.timing) > share(of: $1.timing) }
        let shown = ordered.prefix(latencyRowLimit)
        let (left, span) = (430.0, 400.0)
        let top = 24.0
        let height = top + rowHeight * Double(shown.count) + 4
        var svg = "<svg class=\"latency\" viewBox=\"0 0 \(number(width)) \(number(height))\" "
        svg += "width=\"\(number(width))\" height=\"\(number(height))\" role=\"img\" aria-label=\"event latency\">\n"
        for (share, label) in [(0.001, "0.1%"), (0.01, "1%"), (0.1, "10%"), (1, "window"), (2, "2×")] {
            let x = left + position(ofShare: share) * span
            svg += "<text x=\"\(number(x))\" y=\"14\" text-anchor=\"middle\">\(label)</text>\n"
        }
        for (row, entry) in shown.enumerated() {
            let y = top + rowHeight * Double(row)
            let timing = entry.timing
            let late = timing.latencyMilliseconds.map { $0 > timing.windowMilliseconds } ?? true
            let label = shortened(timing.event + " · " + entry.title, to: 60)
            svg += "<text x=\"0\" y=\"\(number(y + 14))\">\(TextEscaping.html(label))</text>\n"
            let length = position(ofShare: share(of: timing)) * span
            svg +=
                "<rect x=\"\(number(left))\" y=\"\(number(y + 3))\" width=\"\(number(max(length, 1)))\" height=\"14\" "
            svg += "fill=\"\(late ? Segment.failing.colour : Segment.passed.colour)\">"
            svg += "<title>\(TextEscaping.html(ReportText.timingLine(timing) + " · " + entry.title))</title></rect>\n"
            let value =
                timing.latencyMilliseconds.map { "\(ReportText.milliseconds($0)) ms" } ?? "not received"
            svg += "<text x=\"\(number(left + span + 8))\" y=\"\(number(y + 14))\">"
            svg += "\(value) of \(ReportText.milliseconds(timing.windowMilliseconds)) ms</text>\n"
        }
        let middle = left + position(ofShare: 1) * span
        svg += "<line x1=\"\(number(middle))\" y1=\"18\" x2=\"\(number(middle))\" y2=\"\(number(height))\" "
        svg += "stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n</svg>\n"
        let rest = ordered.count - shown.count
        return rest > 0
            ? svg + "<p class=\"hint\">\(rest) more events, at smaller shares of their windows, are not drawn.</p>\n"
            : svg
    }

    /// The smallest share of a window the latency axis shows; its scale is logarithmic from
    /// there to twice the window.
    private static let smallestShare = 0.001

    /// Where a share of the window sits on the latency axis, from 0 (at most `smallestShare`)
    /// to 1 (twice the window or more).
    private static func position(ofShare share: Double) -> Double {
        let low = log10(smallestShare)
        return min(max((log10(max(share, smallestShare)) - low) / (log10(2) - low), 0), 1)
    }

    /// Latency divided by the window; a missing event counts as infinitely late.
    private static func share(of timing: CaseResult.EventTiming) -> Double {
        guard let latency = timing.latencyMilliseconds else { return .infinity }
        return latency / max(timing.windowMilliseconds, .leastNonzeroMagnitude)
    }

    /// How a case ended, as the charts colour it.
    private enum Segment: String, CaseIterable {
        case passed, failing, waived, skipped

        var colour: String {
            switch self {
            case .passed: "#2e8b57"
            case .failing: "#c62828"
            case .waived: "#e0a800"
            case .skipped: "#9e9e9e"
            }
        }
    }

    /// Text cut to a number of characters with an ellipsis.
    private static func shortened(_ text: String, to count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count - 1)) + "…"
    }

    /// An SVG coordinate: one decimal, no exponent.
    private static func number(_ value: Double) -> String { ReportText.seconds(value, decimals: 1) }
}
