import ConformanceKit
import Foundation

/// `qmp-conform probe` and `qmp-conform exec`: a user's quick look at an endpoint.
enum ProbeCommand {
    static let probeSpec = CommandSpec(
        "probe",
        abstract:
            "Print an endpoint's greeting, version, capabilities, and how many commands and events its schema has.",
        options: TargetOptions.options)

    static let execSpec = CommandSpec(
        "exec",
        abstract: "Send one command and print its reply and any events that arrive with it.",
        options: TargetOptions.options + [
            .option(
                "wait", value: "ms", help: "How long to keep listening for events after the reply.", defaultValue: "200"
            )
        ],
        arguments: [
            ArgumentSpec("command", help: "The command to execute, e.g. query-status."),
            ArgumentSpec(
                "arguments", help: "Its arguments as a JSON object, e.g. '{\"name\": \"n1\", \"up\": true}'.",
                arity: .optional),
        ])

    static func probe(_ parsed: ParsedCommand) async -> ExitStatus {
        guard let target = TargetOptions.target(parsed) else { return TargetOptions.failureStatus(parsed) }
        guard let dialect = await TargetOptions.dialect(printing: parsed, target: target) else {
            return .runNotPossible
        }
        let lines: [String]? = await TargetOptions.withClient(printing: target, dialect: dialect) { client in
            if dialect == .guestAgent {
                let info = try await client.execute("guest-info", timeout: .seconds(10)).returnValue
                let commands = info?["supported_commands"]?.arrayValue ?? []
                return [
                    "endpoint: \(target)", "dialect: guest-agent (resynchronised with guest-sync-delimited)",
                    "version: \(info?["version"]?.stringValue ?? "unknown")",
                    "commands: \(commands.count), \(commands.filter { $0["enabled"] == false }.count) disabled",
                ]
            }
            guard let greeting = await client.greeting else { return ["no greeting (not a QMP server?)"] }
            let schema = try await TargetOptions.introspect(
                client,
                timeout: TargetOptions.schemaTimeout(parsed) ?? .milliseconds(TargetOptions.defaultSchemaTimeoutMs))
            return [
                "endpoint: \(target)",
                "greeting: \(JSONWriter.compact.string(.object(greeting.raw)))",
                "version: " + (greeting.qemuVersion.map { "\($0.major).\($0.minor).\($0.micro)" } ?? "unknown")
                    + (greeting.package.map { $0.isEmpty ? "" : " (\($0))" } ?? ""),
                "capabilities: \(greeting.capabilities.isEmpty ? "(none)" : greeting.capabilities.joined(separator: ", "))",
                "oob enabled: \(await client.oobEnabled)",
                "schema: \(schema.commands.count) commands, \(schema.events.count) events, \(schema.types.count) types",
            ]
        }
        guard let lines else { return .runNotPossible }
        lines.forEach { Output.print($0) }
        return .success
    }

    static func exec(_ parsed: ParsedCommand) async -> ExitStatus {
        guard let target = TargetOptions.target(parsed) else { return TargetOptions.failureStatus(parsed) }
        guard let command = parsed.positional(0) else { return .runNotPossible }
        var arguments: JSONObject?
        if let text = parsed.positional(1) {
            do {
                guard let object = try JSONParser.parse(text).objectValue else {
                    Output.error("error: arguments must be a JSON object, e.g. '{\"up\": true}'")
                    return .usage
                }
                arguments = object
            } catch {
                Output.error("error: arguments are not valid JSON: \(error)")
                return .usage
            }
        }
        let wait = Int(parsed.value("wait") ?? "200") ?? 200
        guard let dialect = await TargetOptions.dialect(printing: parsed, target: target) else {
            return .runNotPossible
        }
        let output: (reply: QMPReply, events: [QMPEvent])? = await TargetOptions.withClient(
            printing: target, dialect: dialect
        ) { client in
            let mark = await client.eventMark
            let reply = try await client.execute(command, arguments: arguments, timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(wait))
            return (reply, await client.events(since: mark))
        }
        guard let output else { return .runNotPossible }
        Output.print(JSONWriter.pretty.string(.object(output.reply.raw)))
        for event in output.events {
            var object: JSONObject = ["event": .string(event.name)]
            if let data = event.data { object["data"] = .object(data) }
            Output.print("event: " + JSONWriter.compact.string(.object(object)))
        }
        return output.reply.isSuccess ? .success : .conformanceFailures
    }
}
