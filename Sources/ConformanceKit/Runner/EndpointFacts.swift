/// What a run learns about its target once, at the start, to decide which scenarios apply and
/// how to launch them: the QEMU version (greeting), the target architecture (`query-target`),
/// the default machine type (`query-machines`, the one with `is-default`) and, for the guest
/// agent, the commands it has disabled (`guest-info`, `enabled: false`: `qemu-ga -b`).
struct EndpointFacts: Sendable {
    /// The endpoint's version, from the greeting.
    var version: Version?
    /// The target architecture (`x86_64`, `aarch64`, ...), when the endpoint says.
    var architecture: String?
    /// The default machine type (its alias when it has one, e.g. `pc`), when there is one.
    var machine: String?
    /// Commands of the schema the endpoint says it has disabled (the guest agent's `guest-info`).
    var disabledCommands: Set<String> = []

    /// Asks a connected endpoint, using only the commands its schema has.
    /// - Parameters:
    ///   - client: a negotiated client.
    ///   - schema: the endpoint's schema.
    ///   - timeout: how long each query may take.
    /// - Returns: what it said; unknown facts stay nil.
    static func read(from client: QMPClient, schema: Schema, timeout: Duration) async -> EndpointFacts {
        var facts = EndpointFacts()
        facts.version = await client.greeting?.qemuVersion.map {
            Version(Int($0.major), Int($0.minor), Int($0.micro))
        }
        if schema.command(named: "query-target") != nil,
            let target = try? await client.execute("query-target", timeout: timeout).returnValue
        {
            facts.architecture = target["arch"]?.stringValue
        }
        if schema.command(named: "query-machines") != nil,
            let machines = try? await client.execute("query-machines", timeout: timeout).returnValue?.arrayValue,
            let machine = machines.first(where: { $0["is-default"] == true })
        {
            facts.machine = machine["alias"]?.stringValue ?? machine["name"]?.stringValue
        }
        if schema.command(named: "guest-info") != nil,
            let commands = try? await client.execute("guest-info", timeout: timeout).returnValue?[
                "supported_commands"]?.arrayValue
        {
            facts.disabledCommands = Set(
                commands.filter { $0["enabled"] == false }.compactMap { $0["name"]?.stringValue })
        }
        return facts
    }
}
