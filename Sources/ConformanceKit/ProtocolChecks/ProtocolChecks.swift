import Foundation

/// The built-in protocol checks of the QMP spec (`../shared/specs/qmp-spec.txt`), and how to run
/// them.
///
/// Each check opens its own connection(s) through a `ProtocolCheckContext.Connector`, so checks
/// are independent and can run in any order (one at a time per endpoint). A runner turns each
/// `ProtocolCheckResult` into a test case; this type does not report or wire itself into a run.
public enum ProtocolChecks {
    /// Runs one check.
    /// - Parameters:
    ///   - check: the check.
    ///   - connector: opens a connection (greeted, not negotiated, recording a transcript).
    ///   - timeout: per-step timeout.
    ///   - dialect: the endpoint's dialect.
    /// - Returns: the result, with the transcript of every connection the check opened.
    public static func run(
        _ check: ProtocolCheck,
        connector: @escaping ProtocolCheckContext.Connector,
        timeout: Duration = .seconds(5),
        dialect: QMPSession.Dialect = .qmp
    ) async -> ProtocolCheckResult {
        let context = ProtocolCheckContext(connector: connector, timeout: timeout, dialect: dialect)
        let outcome: ProtocolCheckResult.Outcome
        let detail: String
        do {
            detail = try await check.body(context)
            outcome = .passed
        } catch let skip as ProtocolCheckContext.Skip {
            (outcome, detail) = (.skipped, skip.description)
        } catch {
            (outcome, detail) = (.failed, "\(error)")
        }
        let transcript = await context.finish()
        return ProtocolCheckResult(
            name: check.name, section: check.section, outcome: outcome, detail: detail, transcript: transcript)
    }

    /// Runs checks one after another.
    /// - Parameters:
    ///   - checks: the checks (default: all of the dialect's).
    ///   - connector: opens a connection.
    ///   - timeout: per-step timeout.
    ///   - dialect: the endpoint's dialect.
    /// - Returns: one result per check, in order.
    public static func runAll(
        _ checks: [ProtocolCheck]? = nil,
        connector: @escaping ProtocolCheckContext.Connector,
        timeout: Duration = .seconds(5),
        dialect: QMPSession.Dialect = .qmp
    ) async -> [ProtocolCheckResult] {
        var results: [ProtocolCheckResult] = []
        for check in checks ?? all(for: dialect) {
            results.append(await run(check, connector: connector, timeout: timeout, dialect: dialect))
        }
        return results
    }

    /// A connector for a launched endpoint (greeted, not negotiated, recording a transcript).
    /// - Parameter endpoint: a launched endpoint.
    /// - Returns: the connector.
    public static func connector(for endpoint: LaunchedEndpoint) -> ProtocolCheckContext.Connector {
        { () async throws(QMPProtocolError) -> QMPClient in
            try await endpoint.connect(options: QMPClient.Options(recordsTranscript: true), negotiate: false)
        }
    }

    /// A connector for any transport factory (Unix socket, TCP).
    /// - Parameter makeTransport: opens a transport.
    /// - Returns: the connector.
    public static func connector(
        _ makeTransport: @escaping @Sendable () async throws(TransportError) -> any Transport
    ) -> ProtocolCheckContext.Connector {
        { () async throws(QMPProtocolError) -> QMPClient in
            let transport: any Transport
            do throws(TransportError) { transport = try await makeTransport() } catch { throw .transport(error) }
            return try await QMPClient.connect(
                over: transport, options: QMPClient.Options(recordsTranscript: true), negotiate: false)
        }
    }

    /// Every built-in check, in a sensible order.
    public static let all: [ProtocolCheck] = [
        greetingShape, commandsBeforeNegotiation, noEventsBeforeNegotiation, negotiationReturnsEmptyObject,
        secondNegotiationFails, unknownCapabilityFails, messagesAreCRLFTerminatedObjects, outputIsASCII,
        idsEchoedOnSuccess, idsEchoedOnError, errorShape, eventShape, inBandRepliesInIssueOrder,
        oobRejectedWithoutCapability, oobAcceptedWithCapability, oobWithoutAllowOOBFails, malformedJSONRecovery,
        nonObjectArgumentsRejected, unknownTopLevelKeyRejected, missingExecuteRejected, resynchronizesAfterGarbage,
        agentLinesEndWithLF,
    ]

    /// The checks whose rule belongs to a dialect, in catalogue order.
    /// - Parameter dialect: the endpoint's dialect.
    /// - Returns: the checks to run against it.
    public static func all(for dialect: QMPSession.Dialect) -> [ProtocolCheck] {
        all.filter { $0.dialects.contains(dialect) }
    }

    // MARK: - Helpers

    typealias Failure = ProtocolCheckContext.Failure

    @discardableResult
    static func expectError(_ reply: QMPReply, _ what: String, class expected: QMPErrorClass? = nil) throws
        -> QMPErrorInfo
    {
        guard let error = reply.error else { throw Failure("\(what): expected an error, got \(reply.raw)") }
        if let expected, error.errorClass != expected {
            throw Failure("\(what): expected class \(expected), got \(error)")
        }
        return error
    }

    @discardableResult
    static func expectSuccess(_ reply: QMPReply, _ what: String) throws -> JSONValue {
        guard let value = reply.returnValue else { throw Failure("\(what): expected success, got \(reply.raw)") }
        return value
    }

    /// The name of a harmless command with `allow-oob` (from `query-qmp-schema`), if any.
    static func allowOOBCommand(_ client: QMPClient, timeout: Duration) async throws -> String? {
        let schema = try expectSuccess(await client.execute("query-qmp-schema", timeout: timeout), "query-qmp-schema")
        let names = (schema.arrayValue ?? []).compactMap { entry -> String? in
            guard entry["meta-type"] == "command", entry["allow-oob"] == true else { return nil }
            return entry["name"]?.stringValue
        }
        // Known to be refused harmlessly outside a postcopy migration.
        return names.contains("migrate-pause") ? "migrate-pause" : nil
    }

    static func describe(_ value: JSONValue) -> String { JSONWriter.compact.string(value) }

    // MARK: - The checks

    static let greetingShape = ProtocolCheck(
        "greeting-shape", section: "2.2",
        summary:
            "The greeting is {\"QMP\": {\"version\": {qemu: {major, minor, micro}, package}, \"capabilities\": [...]}}."
    ) { context in
        let client = try await context.fresh()
        guard let greeting = await client.greeting else { throw Failure("no greeting") }
        guard let version = greeting.qemuVersion else {
            throw Failure("version.qemu lacks integer major/minor/micro: \(describe(.object(greeting.version)))")
        }
        guard let package = greeting.package else { throw Failure("version.package is not a string") }
        guard greeting.raw.keys == ["QMP"] else {
            throw Failure("greeting has members besides QMP: \(greeting.raw.keys)")
        }
        return
            "QEMU \(version.major).\(version.minor).\(version.micro) (\(package)), capabilities \(greeting.capabilities)"
    }

    static let commandsBeforeNegotiation = ProtocolCheck(
        "commands-before-negotiation", section: "4",
        summary: "Before qmp_capabilities, other commands get CommandNotFound."
    ) { context in
        let client = try await context.fresh()
        let error = try expectError(
            await client.execute("query-version", timeout: context.timeout), "query-version before negotiation",
            class: .commandNotFound)
        try expectSuccess(await client.negotiate(timeout: context.timeout), "qmp_capabilities afterwards")
        return "query-version: \(error)"
    }

    static let noEventsBeforeNegotiation = ProtocolCheck(
        "no-events-before-negotiation", section: "4",
        summary: "No asynchronous events are delivered in capabilities negotiation mode."
    ) { context in
        let client = try await context.fresh()
        _ = try? await client.execute("query-version", timeout: context.timeout)
        try await Task.sleep(for: .milliseconds(100))
        let events = await client.events()
        guard events.isEmpty else { throw Failure("events before negotiation: \(events.map(\.name))") }
        return "no events in negotiation mode"
    }

    static let negotiationReturnsEmptyObject = ProtocolCheck(
        "negotiation-returns-empty-object", section: "4",
        summary: "qmp_capabilities succeeds with an empty object."
    ) { context in
        let client = try await context.fresh()
        let value = try expectSuccess(await client.negotiate(timeout: context.timeout), "qmp_capabilities")
        guard value == .object([:]) else { throw Failure("qmp_capabilities returned \(describe(value))") }
        guard await client.state == .commandMode else { throw Failure("not in command mode") }
        return "returned {}"
    }

    static let secondNegotiationFails = ProtocolCheck(
        "second-negotiation-fails", section: "4",
        summary: "qmp_capabilities in command mode fails."
    ) { context in
        let client = try await context.negotiated()
        let error = try expectError(
            await client.execute("qmp_capabilities", timeout: context.timeout), "second qmp_capabilities")
        return "second qmp_capabilities: \(error)"
    }

    static let unknownCapabilityFails = ProtocolCheck(
        "unknown-capability-fails", section: "4",
        summary: "Enabling a capability the greeting did not offer fails, and negotiation can still succeed."
    ) { context in
        let client = try await context.fresh()
        let error = try expectError(
            await client.negotiate(enable: ["qmp-conform-no-such-capability"], timeout: context.timeout),
            "qmp_capabilities with an unknown capability")
        guard await client.state == .negotiating else { throw Failure("left negotiation mode") }
        try expectSuccess(await client.negotiate(timeout: context.timeout), "qmp_capabilities afterwards")
        return "unknown capability: \(error)"
    }

    static let messagesAreCRLFTerminatedObjects = ProtocolCheck(
        "messages-are-crlf-terminated-objects", section: "2.1.1",
        summary: "Every server message is a JSON object terminated by CRLF."
    ) { context in
        let client = try await context.negotiated()
        _ = try await client.execute("query-version", timeout: context.timeout)
        _ = try await client.execute("qmp-conform-no-such-command", timeout: context.timeout)
        _ = try await client.sendRaw(Array("{\"execute\": }".utf8), expectingReplyID: nil, timeout: context.timeout)
        let received = await client.transcript.received
        // An entry cut short by the transcript's byte limit has lost its end: its ending is unknown.
        for entry in received where entry.elided == nil {
            guard entry.bytes.suffix(2) == [13, 10] else {
                throw Failure("message not terminated by CRLF: \(QMPTranscript.printable(entry.bytes))")
            }
            guard (try? JSONParser.parse(entry.bytes))?.objectValue != nil else {
                throw Failure("message is not a JSON object: \(QMPTranscript.printable(entry.bytes))")
            }
        }
        return "\(received.count) messages, all objects ending in CRLF"
    }

    static let outputIsASCII = ProtocolCheck(
        "output-is-ascii", section: "2",
        summary: "The server's output is ASCII, even when echoing non-ASCII input."
    ) { context in
        let client = try await context.negotiated()
        let name = "qmp-conform-caf\u{E9}-\u{20AC}-\u{1F600}"
        let reply = try await client.execute(name, id: .string("\u{E9}\u{1F600}"), timeout: context.timeout)
        guard reply.id == .string("\u{E9}\u{1F600}") else { throw Failure("non-ASCII id came back as \(reply.raw)") }
        let error = try expectError(reply, "unknown non-ASCII command")
        let received = await client.transcript.received
        for entry in received where entry.bytes.contains(where: { $0 >= 0x80 }) {
            throw Failure("non-ASCII output: \(QMPTranscript.printable(entry.bytes))")
        }
        return "all \(received.count) messages ASCII; desc: \(error.desc)"
    }

    /// One id of each JSON type the spec names, plus `false` and a negative and fractional number.
    static let idsOfEveryType: [JSONValue] = [
        .int(7), .int(-1), .double(1.5), .string("id-\u{1}\""), .object(["a": [1, .null], "b": "c"]), [1, "x", []],
        .null, true, false,
    ]

    static func idsEchoed(_ context: ProtocolCheckContext, command: String, success: Bool) async throws -> String {
        let client = try await context.negotiated()
        for id in idsOfEveryType {
            let reply = try await client.execute(command, id: id, timeout: context.timeout)
            guard reply.id == id else { throw Failure("id \(describe(id)) came back as \(reply.raw)") }
            guard reply.isSuccess == success else { throw Failure("\(command) with id \(describe(id)): \(reply.raw)") }
        }
        return "ids " + idsOfEveryType.map(describe).joined(separator: ", ") + " echoed"
    }

    static let idsEchoedOnSuccess = ProtocolCheck(
        "ids-echoed-on-success", section: "2.4.1",
        summary: "A success reply carries the request's id, of any JSON type, unchanged.",
        dialects: [.qmp, .guestAgent]
    ) { context in try await idsEchoed(context, command: context.probeCommand, success: true) }

    static let idsEchoedOnError = ProtocolCheck(
        "ids-echoed-on-error", section: "2.4.2",
        summary: "An error reply carries the request's id, of any JSON type, unchanged.", dialects: [.qmp, .guestAgent]
    ) { context in try await idsEchoed(context, command: "qmp-conform-no-such-command", success: false) }

    static let errorShape = ProtocolCheck(
        "error-shape", section: "2.4.2",
        summary: "An error reply is {\"error\": {\"class\": string, \"desc\": string}, \"id\"} without \"return\".",
        dialects: [.qmp, .guestAgent]
    ) { context in
        let client = try await context.negotiated()
        let reply = try await client.execute("qmp-conform-no-such-command", id: "e", timeout: context.timeout)
        guard reply.raw["return"] == nil, let error = reply.raw["error"]?.objectValue else {
            throw Failure("not an error reply: \(reply.raw)")
        }
        guard error["class"]?.stringValue != nil, error["desc"]?.stringValue != nil else {
            throw Failure("error lacks string class/desc: \(reply.raw)")
        }
        try expectError(reply, "unknown command", class: .commandNotFound)
        return "\(describe(.object(reply.raw)))"
    }

    static let eventShape = ProtocolCheck(
        "event-shape", section: "2.5",
        summary: "Events have a string name, optional object data, and a valid, current, non-decreasing timestamp.",
        changesRunState: true
    ) { context in
        let client = try await context.negotiated()
        let statusReply = try await client.execute("query-status", timeout: context.timeout)
        if statusReply.error?.errorClass == .commandNotFound {
            throw ProtocolCheckContext.Skip("no query-status/stop/cont here (not a system emulator)")
        }
        let status = try expectSuccess(statusReply, "query-status")
        guard status["running"] == true else {
            throw ProtocolCheckContext.Skip("the guest is not running, so stop/cont would change its state")
        }
        let mark = await client.eventMark
        try expectSuccess(await client.execute("stop", timeout: context.timeout), "stop")
        let stop = try await client.waitForEvent(named: "STOP", after: mark, timeout: context.timeout)
        try expectSuccess(await client.execute("cont", timeout: context.timeout), "cont")
        let resume = try await client.waitForEvent(named: "RESUME", after: mark, timeout: context.timeout)
        guard stop.timestamp <= resume.timestamp else {
            throw Failure("timestamps decrease: STOP \(stop.timestamp), RESUME \(resume.timestamp)")
        }
        let now = context.wallClock()
        for event in [stop, resume] where !event.timestamp.isUnknown {
            guard abs(Double(event.timestamp.seconds) - now) < 300 else {
                throw Failure("\(event.name) timestamp \(event.timestamp.seconds) is far from now (\(Int(now)))")
            }
        }
        let findings = await client.findings
        guard findings.isEmpty else { throw Failure("malformed messages: \(findings)") }
        return "STOP at \(stop.timestamp.seconds).\(stop.timestamp.microseconds), RESUME at "
            + "\(resume.timestamp.seconds).\(resume.timestamp.microseconds)"
    }

    static let inBandRepliesInIssueOrder = ProtocolCheck(
        "in-band-replies-in-issue-order", section: "2.3.1",
        summary: "Replies to in-band commands come in issue order (8 pipelined in one write)."
    ) { context in
        let client = try await context.negotiated()
        // Only commands every QMP server has (or lacks): the storage daemon has no query-status.
        let commands = ["query-version", "qmp-conform-no-such-command"]
        let requests: [JSONObject] = (0..<8).map { index in
            ["execute": .string(commands[index % commands.count]), "id": .string("o\(index)")]
        }
        let replies = try await client.send(pipelined: requests, timeout: context.timeout)
        let arrival = replies.sorted { $0.sequence < $1.sequence }.compactMap { $0.id?.stringValue }
        let issued = requests.compactMap { $0["id"]?.stringValue }
        guard arrival == issued else { throw Failure("issued \(issued), replies came as \(arrival)") }
        return "8 replies in issue order"
    }

    static let oobRejectedWithoutCapability = ProtocolCheck(
        "oob-rejected-without-capability", section: "2.3.1",
        summary: "exec-oob fails when the oob capability was not enabled."
    ) { context in
        let client = try await context.negotiated(enable: [])
        // Preferably a command that allows oob, so the refusal can only be for the capability.
        let allowed = try await allowOOBCommand(client, timeout: context.timeout)
        let command = allowed ?? "query-version"
        let error = try expectError(
            await client.execute(command, oob: true, timeout: context.timeout), "exec-oob \(command) without oob")
        return "exec-oob \(command): \(error)" + (allowed == nil ? " (no known allow-oob command to use)" : "")
    }

    static let oobAcceptedWithCapability = ProtocolCheck(
        "oob-accepted-with-capability", section: "2.3.1",
        summary: "With oob enabled, exec-oob of an allow-oob command runs it (same outcome as in-band)."
    ) { context in
        guard let offered = await (try context.fresh()).greeting?.offersOOB, offered else {
            throw ProtocolCheckContext.Skip("the greeting does not offer oob")
        }
        let client = try await context.negotiated(enable: ["oob"])
        guard let command = try await allowOOBCommand(client, timeout: context.timeout) else {
            throw ProtocolCheckContext.Skip("no known harmless allow-oob command in the schema")
        }
        let inBand = try await client.execute(command, timeout: context.timeout)
        let outOfBand = try await client.execute(command, oob: true, timeout: context.timeout)
        guard inBand.isSuccess == outOfBand.isSuccess, inBand.error?.errorClass == outOfBand.error?.errorClass else {
            throw Failure("in-band \(inBand.raw) but out-of-band \(outOfBand.raw)")
        }
        return "exec-oob \(command) ran like execute: \(describe(.object(outOfBand.raw)))"
    }

    static let oobWithoutAllowOOBFails = ProtocolCheck(
        "oob-without-allow-oob-fails", section: "2.3.1",
        summary: "exec-oob of a command without allow-oob fails, even with oob enabled."
    ) { context in
        guard let offered = await (try context.fresh()).greeting?.offersOOB, offered else {
            throw ProtocolCheckContext.Skip("the greeting does not offer oob")
        }
        let client = try await context.negotiated(enable: ["oob"])
        let error = try expectError(
            await client.execute("query-version", oob: true, timeout: context.timeout), "exec-oob query-version")
        return "exec-oob query-version: \(error)"
    }

    static let malformedJSONRecovery = ProtocolCheck(
        "malformed-json-recovery", section: "2.6",
        summary: "Malformed JSON gets a GenericError; a control character resets the parser, then commands work."
    ) { context in
        let client = try await context.negotiated()
        try expectError(
            await client.sendRaw(Array(#"{"execute": }"#.utf8), expectingReplyID: nil, timeout: context.timeout),
            "malformed JSON", class: .genericError)
        // Leave the parser inside an unfinished object, then inside an unfinished string, and each
        // time provoke a lexical error with an ASCII control character (spec 2.6).
        var details: [String] = []
        let unfinished = [
            #"{"execute":"query-version","id":"unfinished""#, #"{"execute":"query-version","id":"unfinis"#,
        ]
        for (index, prefix) in unfinished.enumerated() {
            try await client.sendRaw(Array(prefix.utf8), timeout: context.timeout)
            let reset = try await client.sendRaw([0x01], expectingReplyID: nil, timeout: context.timeout)
            let error = try expectError(reset, "control character 0x01 after \(prefix)", class: .genericError)
            let id = JSONValue.string("after-\(index)")
            try expectSuccess(
                await client.execute("query-version", id: id, timeout: context.timeout), "query-version after the reset"
            )
            details.append(error.desc)
        }
        let extra = await client.unsolicitedReplies
        guard extra.isEmpty else { throw Failure("unexpected extra replies: \(extra.map(\.raw))") }
        return "0x01 reset the parser inside an object and inside a string (\(details.joined(separator: "; "))); "
            + "the next command succeeded each time"
    }

    static let nonObjectArgumentsRejected = ProtocolCheck(
        "non-object-arguments-rejected", section: "2.3",
        summary: "A request whose arguments is not an object is rejected.", dialects: [.qmp, .guestAgent]
    ) { context in
        let client = try await context.negotiated()
        var details: [String] = []
        for (index, arguments) in ([[], "x", 1, .null] as [JSONValue]).enumerated() {
            let request: JSONObject = [
                "execute": .string(context.probeCommand), "arguments": arguments, "id": .int(Int64(index)),
            ]
            let error = try expectError(
                await client.send(request: request, timeout: context.timeout), "arguments \(describe(arguments))")
            details.append("\(describe(arguments)): \(error)")
        }
        return details.joined(separator: "; ")
    }

    static let unknownTopLevelKeyRejected = ProtocolCheck(
        "unknown-top-level-key-rejected", section: "2.3",
        summary: "A request with an unknown top-level member is rejected.", dialects: [.qmp, .guestAgent]
    ) { context in
        let client = try await context.negotiated()
        let request: JSONObject = ["execute": .string(context.probeCommand), "qmp-conform-bogus": 1, "id": "k"]
        let error = try expectError(await client.send(request: request, timeout: context.timeout), "unknown member")
        return "\(error)"
    }

    static let missingExecuteRejected = ProtocolCheck(
        "missing-execute-rejected", section: "2.3",
        summary: "A request without execute (or exec-oob) is rejected.", dialects: [.qmp, .guestAgent]
    ) { context in
        let client = try await context.negotiated()
        let first = try expectError(await client.send(request: ["id": "m"], timeout: context.timeout), "{\"id\"}")
        let second = try expectError(
            await client.send(request: ["arguments": [:], "id": "n"], timeout: context.timeout), "{\"arguments\"}")
        return "\(first); \(second)"
    }

    static let resynchronizesAfterGarbage = ProtocolCheck(
        "resynchronizes-after-garbage", section: "2.7",
        summary:
            "After a half-sent request and garbage, 0xFF and guest-sync-delimited bring the agent back: its reply "
            + "follows a 0xFF and returns the id sent, and the next command works.",
        dialects: [.guestAgent]
    ) { context in
        let client = try await context.fresh()
        try await client.sendRaw(Array(#"{"execute":"guest-ping","id":"half"#.utf8) + [0x01, 0x7F])
        let reply = try await client.resynchronize(timeout: context.timeout)
        let after = try expectSuccess(
            await client.execute(context.probeCommand, id: "after", timeout: context.timeout),
            "\(context.probeCommand) after the resynchronisation")
        return "guest-sync-delimited returned \(describe(.object(reply.raw))); then \(describe(after))"
    }

    static let agentLinesEndWithLF = ProtocolCheck(
        "agent-lines-end-with-lf", section: "2.1.1",
        summary: "Every agent message is one JSON object on a line ending in LF (the agent's framing; no CRLF).",
        dialects: [.guestAgent]
    ) { context in
        let client = try await context.negotiated()
        _ = try await client.execute(context.probeCommand, timeout: context.timeout)
        _ = try await client.execute("qmp-conform-no-such-command", timeout: context.timeout)
        let received = await client.transcript.received
        for entry in received where entry.elided == nil {
            guard entry.bytes.last == 10, entry.bytes.dropLast().last != 13 else {
                throw Failure("message not terminated by a bare LF: \(QMPTranscript.printable(entry.bytes))")
            }
        }
        let findings = await client.findings
        guard findings.isEmpty else { throw Failure(findings.map { "\($0.problem)" }.joined(separator: "; ")) }
        return "\(received.count) messages, all ending in LF"
    }
}
