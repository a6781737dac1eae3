extension TestCase {
    /// What a case does beyond the endpoint, as the safety policy (`cases/policy.json`) says: the
    /// effects it has, and where it may therefore run. The runner reads these; reports show them
    /// as the tags `effect:<name>`, `destructive` and `beyond-launch`.
    public struct Effects: Sendable, Hashable {
        /// The effects, by the policy's names (`host-files`, `stops-endpoint`, ...), sorted.
        public var names: [String]
        /// Runs only on a disposable endpoint the run launched, or with `--allow-unsafe`.
        public var needsDisposableEndpoint: Bool
        /// Has effects a launched endpoint does not contain (host programs, privileges): runs
        /// only with `--allow-unsafe`.
        public var reachesBeyondLaunch: Bool
        /// The policy does not classify the command, so its effects are unknown: runs only on a
        /// launched endpoint or with `--allow-unsafe`.
        public var unknown: Bool = false

        /// Creates effects.
        /// - Parameters:
        ///   - names: the policy's effect names.
        ///   - needsDisposableEndpoint: whether the case must run on a disposable endpoint.
        ///   - reachesBeyondLaunch: whether even a launched endpoint does not contain it.
        ///   - unknown: whether the policy does not classify the command.
        public init(
            names: [String] = [], needsDisposableEndpoint: Bool = false, reachesBeyondLaunch: Bool = false,
            unknown: Bool = false
        ) {
            self.names = names.sorted()
            self.needsDisposableEndpoint = needsDisposableEndpoint
            self.reachesBeyondLaunch = reachesBeyondLaunch
            self.unknown = unknown
        }

        /// No effect beyond the endpoint.
        public static let none = Effects()

        /// Whether the case stops the endpoint (`quit`): the runner sends no liveness check
        /// behind it and relaunches after it.
        public var stopsEndpoint: Bool { names.contains("stops-endpoint") }

        /// The effects as report tags.
        public var tags: [String] {
            names.map { "effect:\($0)" } + (needsDisposableEndpoint ? ["destructive"] : [])
                + (reachesBeyondLaunch ? ["beyond-launch"] : [])
        }
    }
}
