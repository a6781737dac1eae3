import ConformanceKit
import Foundation

/// The endpoint options every command that talks to QMP shares: `--socket`, `--tcp`, `--launch`,
/// `--target` (a named launch, `EndpointProfile`), or the embedded default (launch the fixture endpoint, `LaunchedEndpoint.Configuration.defaultCommand`).
enum TargetOptions {
    static let options: [OptionSpec] = [
        .option(
            "socket", value: "path", help: "Talk to the QMP Unix socket at <path> (an endpoint someone else runs)."),
        .option("tcp", value: "host:port", help: "Talk to a QMP TCP socket on loopback (127.0.0.1 or ::1 only)."),
        .option(
            "launch", value: "command",
            help: "Launch this command (one string, words split on spaces) in a private scratch directory, "
                + "relaunched when a case kills it. '{qmp}' in it becomes the QMP socket's path and '{scratch}' the "
                + "directory; without '{qmp}', '-qmp unix:<socket>,server=on,wait=off' is appended. Default: the "
                + "fixture endpoint, 'qemu-system-x86_64 -machine pc -S -nodefaults -display none' with named things "
                + "to act on."),
        .option(
            "target", value: "name",
            help: "Launch a named endpoint: 'qemu' is the default fixture endpoint; 'qsd' is qemu-storage-daemon "
                + "with its monitor on a socket chardev at {qmp}, null-co block nodes and an iothread; 'qga' is the "
                + "guest agent (qemu-ga -m unix-listen) with every command policy.json places beyond launch blocked "
                + "(-b), which needs --schema with the agent's qapi-schema.json (QEMU's qga/qapi-schema.json). Not "
                + "with --socket, --tcp or --launch.",
            allowedValues: EndpointProfile.allCases.map(\.rawValue)),
        .option(
            "dialect", value: "name",
            help: "What the endpoint speaks: 'qmp' (greeting, qmp_capabilities, CRLF), 'guest-agent' (qemu-ga: no "
                + "greeting, LF, guest-sync-delimited resynchronisation; needs --schema), or 'auto': the target's "
                + "own for --target, else a greeting within a second means qmp and silence the guest agent.",
            allowedValues: ["auto"] + QMPSession.Dialect.allCases.map(\.rawValue), defaultValue: "auto"),
        .option(
            "schema-timeout-ms", value: "ms",
            help: "How long reading the endpoint's schema (query-qmp-schema) may take.",
            defaultValue: String(defaultSchemaTimeoutMs)),
    ]

    static let defaultSchemaTimeoutMs = 30_000

    /// How long `query-qmp-schema` may take: `--schema-timeout-ms`; nil when malformed (which
    /// `target(_:)` reports as a usage error before anything reads a schema).
    static func schemaTimeout(_ parsed: ParsedCommand) -> Duration? {
        guard let value = Int(parsed.value("schema-timeout-ms") ?? String(defaultSchemaTimeoutMs)),
            (1...3_600_000).contains(value)
        else { return nil }
        return .milliseconds(value)
    }

    /// The endpoint options given; more than one is a usage error.
    static func chosen(_ parsed: ParsedCommand) -> [String] {
        descriptionKinds.filter { parsed.value($0) != nil }
    }

    /// Why `target(_:)` gave no target: a usage error when the options conflict, else the run is
    /// not possible (the program is not installed).
    static func failureStatus(_ parsed: ParsedCommand) -> ExitStatus {
        chosen(parsed).count > 1 || schemaTimeout(parsed) == nil ? .usage : .runNotPossible
    }

    /// The target the options name; nil (after printing why) when they conflict (a usage error:
    /// message, usage line, where help is) or the program to launch is not installed.
    static func target(_ parsed: ParsedCommand) -> EndpointTarget? {
        guard schemaTimeout(parsed) != nil else {
            Output.usageError("--schema-timeout-ms takes 1 to 3600000", parsed)
            return nil
        }
        let chosen = chosen(parsed)
        guard chosen.count <= 1 else {
            Output.usageError(
                "choose one of --socket, --tcp, --launch and --target (got \(chosen.map { "--" + $0 }.joined(separator: ", ")))",
                parsed)
            return nil
        }
        guard let option = chosen.first, let value = parsed.value(option) else { return installed(.defaultLaunch) }
        return target(option: option, value: value, parsed)
    }

    /// The target one endpoint option names (`socket`, `tcp`, `launch`, `target`), as given
    /// on its own or in an endpoint description; a `target` value may carry words after the
    /// profile's name, appended to its command. Nil after printing why (a policy file that
    /// cannot be read, a program not installed).
    static func target(option: String, value: String, _ parsed: ParsedCommand) -> EndpointTarget? {
        let words = value.split(separator: " ").map(String.init)
        switch option {
        case "socket": return .unixSocket(value)
        case "tcp": return .tcp(value)
        case "launch": return installed(.launch(words))
        default:
            guard let profile = profile(named: value) else {
                Output.error("error: no target named '\(value)'")
                return nil
            }
            var blocked: [String] = []
            if profile == .qga {
                do {
                    blocked = try PlanOptions.caseDirectory(parsed).policy.beyondLaunchCommands
                } catch {
                    Output.error("error: \(error.message)")
                    return nil
                }
            }
            return installed(profile.target(blocking: blocked, appending: Array(words.dropFirst())))
        }
    }

    /// The named target a run talks to: `--target`'s, or `qemu` when no endpoint option is given
    /// (the default launch is its fixture endpoint); nil for a socket, a TCP port or a launch
    /// command, which have no name.
    static func profile(_ parsed: ParsedCommand) -> EndpointProfile? {
        let chosen = chosen(parsed)
        guard let option = chosen.first else { return .qemu }
        guard option == "target", let value = parsed.value(option) else { return nil }
        return profile(named: value)
    }

    /// The profile a `--target` value names: its first word (words after it go to the command).
    static func profile(named value: String) -> EndpointProfile? {
        value.split(separator: " ").first.flatMap { EndpointProfile(rawValue: String($0)) }
    }

    /// The endpoint kinds an endpoint description (`KIND:VALUE`, `run --compare-with`) names:
    /// the endpoint options' names.
    static let descriptionKinds = ["socket", "tcp", "launch", "target"]

    /// The option and value an endpoint description names: `socket:PATH`, `tcp:HOST:PORT`,
    /// `launch:COMMAND` or `target:NAME [WORDS]`, read as the option of that name reads its
    /// value (`target(option:value:_:)`). Nil when it names no kind, no value or no known target.
    static func described(_ description: String) -> (option: String, value: String)? {
        guard let colon = description.firstIndex(of: ":") else { return nil }
        let (option, value) = (String(description[..<colon]), String(description[description.index(after: colon)...]))
        guard descriptionKinds.contains(option), !value.isEmpty else { return nil }
        if option == "target", profile(named: value) == nil { return nil }
        return (option, value)
    }

    /// The usage error for a description `described(_:)` cannot read.
    static func descriptionMessage(_ description: String) -> String {
        "'\(description)' names no endpoint: write " + descriptionKinds.map { "\($0):..." }.joined(separator: ", ")
            + " (targets: \(EndpointProfile.allCases.map(\.rawValue).joined(separator: ", "))), e.g. "
            + "'target:qemu -compat deprecated-input=reject'"
    }

    /// The target, or nil after saying so when the program it launches is not on PATH.
    static func installed(_ target: EndpointTarget) -> EndpointTarget? {
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

    /// The dialect `--dialect` names; `auto` is the profile's for `--target` (QMP for the default
    /// launch), else what `Endpoint.detectDialect` finds.
    /// - Throws: `Failure` when detection cannot reach the endpoint.
    static func dialect(_ parsed: ParsedCommand, target: EndpointTarget, timeout: Duration) async throws(Failure)
        -> QMPSession.Dialect
    {
        if let named = parsed.value("dialect").flatMap(QMPSession.Dialect.init(rawValue:)) { return named }
        if let profile = parsed.value("target").flatMap(EndpointProfile.init(rawValue:)) { return profile.dialect }
        if chosen(parsed).isEmpty { return .qmp }
        do {
            return try await Endpoint.detectDialect(of: target, timeout: timeout)
        } catch {
            throw Failure(message: "cannot talk to the endpoint (\(target)) to tell its dialect: \(error)")
        }
    }

    /// Whether the options name the guest agent without a way to read its schema: it has no
    /// `query-qmp-schema`, so `--schema` must name it (a usage error, found before connecting).
    static func agentWithoutSchema(_ parsed: ParsedCommand) -> Bool {
        PlanOptions.schemaPath(parsed) == nil
            && (parsed.value("dialect") == QMPSession.Dialect.guestAgent.rawValue
                || parsed.value("target") == EndpointProfile.qga.rawValue)
    }

    /// The usage error for `agentWithoutSchema`.
    static let agentSchemaMessage =
        "the guest agent has no query-qmp-schema: pass --schema with the agent's qapi-schema.json "
        + "(QEMU's qga/qapi-schema.json)"

    /// Like `dialect(_:target:timeout:)`, printing why on failure.
    /// - Returns: the dialect, or nil after printing why.
    static func dialect(printing parsed: ParsedCommand, target: EndpointTarget) async -> QMPSession.Dialect? {
        do {
            return try await dialect(parsed, target: target, timeout: .seconds(10))
        } catch {
            Output.error("error: \(error.message)")
            return nil
        }
    }

    /// Why talking to an endpoint failed: what happened and the endpoint's stderr tail.
    struct Failure: Error {
        let message: String
    }

    /// Connects to the target (launching it if needed), runs `body` with a negotiated client,
    /// then shuts the endpoint down.
    /// - Throws: `Failure` saying why it could not talk to the endpoint.
    static func withClient<T: Sendable>(
        _ target: EndpointTarget, dialect: QMPSession.Dialect = .qmp, _ body: (QMPClient) async throws -> T
    )
        async throws(Failure) -> T
    {
        let endpoint = Endpoint(target: target, clientOptions: QMPClient.Options(dialect: dialect))
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
    static func withClient<T: Sendable>(
        printing target: EndpointTarget, dialect: QMPSession.Dialect = .qmp, _ body: (QMPClient) async throws -> T
    ) async
        -> T?
    {
        do {
            return try await withClient(target, dialect: dialect, body)
        } catch {
            Output.error("error: \(error.message)")
            return nil
        }
    }

    /// The endpoint's schema from `query-qmp-schema`.
    static func introspect(_ client: QMPClient, timeout: Duration) async throws -> Schema {
        let reply = try await client.execute("query-qmp-schema", timeout: timeout)
        guard let value = reply.returnValue else {
            throw DiagnosticError(
                Diagnostic(.error, "query-qmp-schema failed: \(reply.error.map { "\($0)" } ?? "no return")"))
        }
        return try IntrospectionLoader.load(value, file: "<query-qmp-schema>")
    }

    /// Connects to the target and reads its schema.
    /// - Throws: `Failure` saying why it could not.
    static func introspection(of target: EndpointTarget, timeout: Duration) async throws(Failure) -> Schema {
        try await withClient(target) { try await introspect($0, timeout: timeout) }
    }
}
