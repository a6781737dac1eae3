import Foundation

/// The machine the tool runs on, as the library sees it through the edge: its wall clock and
/// how many processors it has. Passed in (as defaults) where the core needs them, so tests can
/// give fixed values.
public enum Host {
    /// Seconds since the Unix epoch, now.
    public static let wallClock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    /// The processors available to the tool.
    public static var processorCount: Int { max(ProcessInfo.processInfo.activeProcessorCount, 1) }
}
