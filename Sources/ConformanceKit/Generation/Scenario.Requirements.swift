extension Scenario {
    /// What an endpoint must have for a scenario to apply: commands, events, a minimum version,
    /// and the target architectures its devices exist on.
    ///
    /// The commands a scenario executes are required too, without being listed.
    public struct Requirements: Sendable, Hashable {
        /// Commands the endpoint's schema must have.
        public var commands: [String]
        /// Events the endpoint's schema must have.
        public var events: [String]
        /// The lowest QEMU version the scenario is written for.
        public var minimumVersion: Version?
        /// The target architectures (`query-target`'s `arch`: `x86_64`, `aarch64`, ...) the
        /// scenario is written for; empty for any.
        public var architectures: [String]

        /// Creates requirements.
        /// - Parameters:
        ///   - commands: required commands.
        ///   - events: required events.
        ///   - minimumVersion: the lowest version, or nil.
        ///   - architectures: the target architectures, or empty for any.
        public init(
            commands: [String] = [], events: [String] = [], minimumVersion: Version? = nil, architectures: [String] = []
        ) {
            self.commands = commands
            self.events = events
            self.minimumVersion = minimumVersion
            self.architectures = architectures
        }
    }

    /// Whether a scenario runs on an endpoint, or why not.
    public enum Applicability: Sendable, Hashable {
        /// It applies.
        case run
        /// It does not; the reason goes into the skipped result.
        case skip(String)
    }

    /// Decides whether this scenario can run on an endpoint.
    /// - Parameters:
    ///   - schema: the endpoint's schema (nil: commands and events are not checked).
    ///   - version: the endpoint's version (nil: the minimum version is not checked).
    ///   - launchedEndpoint: whether the caller can give the scenario its own launched,
    ///     disposable endpoint with `launch`'s extra arguments (false against a user's socket).
    ///   - architecture: the target's architecture (nil: not checked).
    ///   - machine: the target's default machine type for `${machine}` (nil: it has none).
    /// - Returns: `.run`, or `.skip` with the first reason found.
    public func applicability(
        schema: Schema?, version: Version?, launchedEndpoint: Bool, architecture: String? = nil,
        machine: String? = nil
    ) -> Applicability {
        if let launch, !launchedEndpoint {
            return .skip(
                "needs its own launched endpoint with '\(launch.joined(separator: " "))'; the target is not launched by qmp-conform"
            )
        }
        if let minimum = requirements.minimumVersion, let version, version < minimum {
            return .skip("requires QEMU \(minimum) or later; the endpoint is \(version)")
        }
        let architectures = requirements.architectures
        if !architectures.isEmpty, let architecture, !architectures.contains(architecture) {
            return .skip(
                "written for the \(architectures.joined(separator: " or ")) target; the endpoint is \(architecture)")
        }
        if launchesDefaultMachine, machine == nil {
            return .skip(
                "launches the target's default machine (\(Self.machinePlaceholder)), and this target has none")
        }
        if let schema {
            let commands = requirements.commands + executedCommands.filter { !requirements.commands.contains($0) }
            if let missing = commands.first(where: { schema.command(named: $0) == nil }) {
                return .skip("requires command '\(missing)', which the endpoint's schema lacks")
            }
            let events = requirements.events + steps.flatMap { $0.events.map(\.name) }
            if let missing = events.first(where: { schema.event(named: $0) == nil }) {
                return .skip("requires event '\(missing)', which the endpoint's schema lacks")
            }
        }
        return .run
    }
}
