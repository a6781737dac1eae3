/// What `ScenarioRunner` needs from the run around it: where the endpoint's scratch directory
/// is, where free ports come from, what the endpoint is, and the default reply timeout.
///
/// A plain value the caller builds once per endpoint; the runner does not launch or connect.
public struct ScenarioContext: Sendable {
    /// The endpoint's scratch directory (`${scratch}`), e.g. `LaunchedEndpoint.scratchDirectory`.
    public var scratchDirectory: String
    /// Where `${port:NAME}` ports come from; share one pool across a run.
    public var ports: FreePortPool
    /// The endpoint's version (for `requires.version`), nil when unknown.
    public var version: Version?
    /// The endpoint's schema (for `requires` and executed commands), nil to skip those checks.
    public var schema: Schema?
    /// Whether this endpoint was launched for the scenario with its `launch` arguments (or a
    /// scenario with `launch` can be given such an endpoint).
    public var launchedEndpoint: Bool
    /// How long a step waits for its reply unless it says `timeout_ms`.
    public var replyTimeout: Duration

    /// Creates a context.
    /// - Parameters:
    ///   - scratchDirectory: the endpoint's scratch directory.
    ///   - ports: the free-port pool.
    ///   - version: the endpoint's version.
    ///   - schema: the endpoint's schema.
    ///   - launchedEndpoint: whether `launch` scenarios can run.
    ///   - replyTimeout: the default reply timeout.
    public init(
        scratchDirectory: String, ports: FreePortPool = FreePortPool(), version: Version? = nil, schema: Schema? = nil,
        launchedEndpoint: Bool = false, replyTimeout: Duration = .seconds(5)
    ) {
        self.scratchDirectory = scratchDirectory
        self.ports = ports
        self.version = version
        self.schema = schema
        self.launchedEndpoint = launchedEndpoint
        self.replyTimeout = replyTimeout
    }
}
