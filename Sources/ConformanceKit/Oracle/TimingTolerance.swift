/// How much slower than its baseline a round trip or event latency may get before it is a
/// timing regression: both a factor and a margin must be exceeded, so a 1 ms round trip that
/// takes 4 ms on a busy machine (4x, but only 3 ms more) and a 2 s one that takes 2.1 s (100 ms
/// more, but 1.05x) are noise, not regressions. Written `3x+50ms` (`--timing-tolerance`).
public struct TimingTolerance: Sendable, Hashable, CustomStringConvertible {
    /// How many times the baseline a time may take.
    public var factor: Double
    /// How many milliseconds past the baseline a time may take.
    public var marginMilliseconds: Double

    /// The default: 3x and 50 ms.
    public static let standard = TimingTolerance(factor: 3, marginMilliseconds: 50)

    /// Creates a tolerance.
    /// - Parameters:
    ///   - factor: at least 1.
    ///   - marginMilliseconds: at least 0.
    public init(factor: Double, marginMilliseconds: Double) {
        self.factor = factor
        self.marginMilliseconds = marginMilliseconds
    }

    /// Reads `<factor>x+<margin>ms`, e.g. `3x+50ms` or `1.5x+0ms`.
    /// - Parameter text: the option's value.
    /// - Returns: nil when malformed, the factor is below 1 or the margin negative.
    public init?(parsing text: String) {
        let parts = text.split(separator: "+", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].hasSuffix("x"), parts[1].hasSuffix("ms"),
            let factor = Double(parts[0].dropLast()), let margin = Double(parts[1].dropLast(2)),
            factor.isFinite, margin.isFinite, factor >= 1, margin >= 0
        else { return nil }
        self.init(factor: factor, marginMilliseconds: margin)
    }

    /// Whether a time is past the tolerance of its baseline.
    /// - Parameters:
    ///   - current: the time measured now, in milliseconds.
    ///   - baseline: the baseline's time, in milliseconds.
    /// - Returns: true when it exceeds both the factor and the margin.
    public func isExceeded(by current: Double, baseline: Double) -> Bool {
        current > baseline * factor && current > baseline + marginMilliseconds
    }

    /// `3x+50ms`.
    public var description: String {
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
        return "\(number(factor))x+\(number(marginMilliseconds))ms"
    }
}
