extension Waivers {
    /// What a run's waivers did beyond waiving: the expired waivers that failed cases again, and
    /// the stale waivers that matched no failing case (a fixed deviation, or a glob that no
    /// longer matches). Reports list both; `--strict-waivers` fails a run on stale ones.
    public struct Review: Sendable, Hashable {
        /// Expired waivers that decided a failing case, which therefore fails the run.
        public var expired: [Waiver]
        /// Waivers that matched no failing or errored case.
        public var stale: [Waiver]

        /// Creates a review.
        /// - Parameters:
        ///   - expired: expired waivers that matched a failing case.
        ///   - stale: waivers that matched none.
        public init(expired: [Waiver] = [], stale: [Waiver] = []) {
            self.expired = expired
            self.stale = stale
        }

        /// A review with nothing to say (no waivers, or all of them used and valid).
        public static let empty = Review()
    }
}
