extension Waivers {
    /// What a run's waivers did beyond waiving: the expired waivers that failed cases again, and
    /// the stale waivers whose cases ran and none failed (a fixed deviation, or a glob that
    /// matches other cases now). Reports list both; under `--strict-waivers` a stale one fails
    /// the run.
    public struct Review: Sendable, Hashable {
        /// Expired waivers that decided a failing case, which therefore fails the run.
        public var expired: [Waiver]
        /// Waivers whose cases ran (not skipped) and none failed or errored.
        public var stale: [Waiver]
        /// Whether a stale waiver fails the run (`--strict-waivers`).
        public var staleFailsRun: Bool

        /// Creates a review.
        /// - Parameters:
        ///   - expired: expired waivers that matched a failing case.
        ///   - stale: waivers that matched none.
        ///   - staleFailsRun: whether a stale waiver fails the run.
        public init(expired: [Waiver] = [], stale: [Waiver] = [], staleFailsRun: Bool = false) {
            self.expired = expired
            self.stale = stale
            self.staleFailsRun = staleFailsRun
        }

        /// Whether the waivers themselves fail the run: a stale one under `staleFailsRun`.
        /// (Expired waivers fail it through the cases they no longer waive.)
        public var failsRun: Bool { staleFailsRun && !stale.isEmpty }

        /// A review with nothing to say (no waivers, or all of them used and valid).
        public static let empty = Review()
    }
}
