import ConformanceKit
import Foundation

/// The endpoint options every command that talks to QMP shares: `--socket`, `--tcp`, `--launch`,
/// or the embedded default (launch the fixture endpoint, `LaunchedEndpoint.Configuration.defaultCommand`).
enum TargetOptions {
    static let options: [OptionSpec] = [
        .option(
            "socket", value: "path", help: "Talk to the QMP Unix socket at <path> (an endpoint someone else runs)."),
        .option("tcp", value: "host:port", help: "Talk to a QMP TCP socket on loopback (127.0.0.1 or ::1 only)."),
        .option(
            "launch", value: "command",
            help: "Launch this command (one string, words split on spaces) with a QMP socket appended, in a private "
                + "scratch directory. Default: the fixture endpoint, 'qemu-system-x86_64 -machine pc -S -nodefaults "
                + "-display none' with named things to act on."),
    ]

    /// The target the options name; nil (after printing why) when they conflict or the default
    /// QEMU is not installed.
    static func target(_ parsed: ParsedCommand) -> EndpointTarget? {
        let chosen = ["socket", "tcp", "launch"].filter { parsed.value($0) != nil }
        guard chosen.count <= 1 else {
            Output.error(
                "error: choose one of --socket, --tcp and --launch (got \(chosen.map { "--" + $0 }.joined(separator: ", ")))"
            )
            return nil
        }
        let target: EndpointTarget
        if let path = parsed.value("socket") {
            target = .unixSocket(path)
        } else if let address = parsed.value("tcp") {
            target = .tcp(address)
        } else if let command = parsed.value("launch") {
            target = .launch(command.split(separator: " ").map(String.init))
        } else {
            target = .defaultLaunch
        }
        if case .launch(let command) = target, let program = command.first, !program.contains("/"),
            !LaunchedEndpoint.isOnPath(program)
        {
            Output.error(
                "error: '\(program)' is not installed (not found on PATH)\n"
                    + "    hint: install QEMU with 'sudo apt-get install qemu-system-x86', or test a running endpoint with --socket PATH or --tcp HOST:PORT"
            )
            return nil
        }
        return target
    }

    /// Why talking to an endpoint failed: what happened and the endpoint's stderr tail.
    struct Failure: Error {
        let message: String
    }

    /// Connects to the target (launching it if needed), runs `body` with a negotiated client,
    /// then shuts the endpoint down.
    /// - Throws: `Failure` saying why it could not talk to the endpoint.
    static func withClient<T: Sendable>(_ target: EndpointTarget, _ body: (QMPClient) async throws -> T)
        async throws(Failure) -> T
    {
        let endpoint = Endpoint(target: target)
        do {
            let client = try await endpoint.connect()
            let value = try await body(client)
            await endpoint.shutDown()
            return value
        } catch {
            let tail = await endpoint.stderrTail
            await endpoint.shutDown()
            throw Failure(
                message: "cannot talk to the endpoint (\(target)): \(error)"
                    + (tail.isEmpty ? "" : "\n    stderr: \(TextEscaping.terminal(tail))"))
        }
    }

    /// Like `withClient(_:_:)`, printing why on failure.
    /// - Returns: the body's value, or nil after printing why.
    static func withClient<T: Sendable>(printing target: EndpointTarget, _ body: (QMPClient) async throws -> T) async
        -> T?
    {
        do {
            return try await withClient(target, body)
        } catch {
            Output.error("error: \(error.message)")
            return nil
        }
    }

    /// The endpoint's schema from `query-qmp-schema`.
    static func introspect(_ client: QMPClient) async throws -> Schema {
        let reply = try await client.execute("query-qmp-schema", timeout: .seconds(30))
        guard let value = reply.returnValue else {
            throw DiagnosticError(
                Diagnostic(.error, "query-qmp-schema failed: \(reply.error.map { "\($0)" } ?? "no return")"))
        }
        return try IntrospectionLoader.load(value, file: "<query-qmp-schema>")
    }

    /// Connects to the target and reads its schema.
    /// - Throws: `Failure` saying why it could not.
    static func introspection(of target: EndpointTarget) async throws(Failure) -> Schema {
        try await withClient(target) { try await introspect($0) }
    }
}
