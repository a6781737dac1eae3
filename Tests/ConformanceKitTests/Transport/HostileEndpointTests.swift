import Foundation
import Glibc
import Testing

@testable import ConformanceKit

/// The client against a misbehaving server: every fault is its typed error, within its timeout.
/// A hang would be caught by the suite's time limit (coarse on purpose: a loaded machine may be
/// slow to schedule, but nothing may wait without end); no test measures speed.
@Suite(.timeLimit(.minutes(2)))
struct HostileEndpointTests {
    /// The timeout under test (silence, no greeting, a flood).
    static let timeout = Duration.milliseconds(500)
    /// The timeout of waits that are not under test: generous, so that a loaded machine cannot
    /// turn a fault that arrives late into a timeout.
    static let patience = Duration.seconds(30)

    /// Runs `query-status` against a server following `script` and returns the thrown error.
    func failure(
        timeout: Duration = Self.patience,
        greeting: String? = HostileEndpoint.greeting,
        maximumMessageSize: Int = QMPFramer.defaultMaximumMessageSize,
        script: @escaping @Sendable (Int, JSONObject) -> HostileEndpoint.Action
    ) async throws -> QMPProtocolError? {
        let server = try HostileEndpoint(greeting: greeting, script: script)
        defer { server.stop() }
        let transport = try await UnixSocketTransport.connect(path: server.path)
        let options = QMPClient.Options(maximumMessageSize: maximumMessageSize)
        do {
            let client = try await QMPClient.connect(
                over: transport, options: options, negotiate: false, timeout: timeout)
            defer { Task { await client.close() } }
            _ = try await client.execute("query-status", timeout: timeout)
            _ = try await client.execute("query-status", timeout: timeout)
            return nil
        } catch {
            return error
        }
    }

    static func reply(_ request: JSONObject, _ body: String = #""return": {}"#) -> String {
        "{\(body), \"id\": \(JSONWriter.compact.string(request["id"] ?? .null))}\r\n"
    }

    @Test func garbageIsInvalidJSON() async throws {
        let error = try await failure { _, _ in .send("this is not JSON\r\n") }
        guard case .invalidJSON = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func truncatedJSONIsInvalidJSON() async throws {
        let error = try await failure { _, _ in .send(#"{"return": {"# + "\r\n") }
        guard case .invalidJSON = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func invalidUTF8IsReported() async throws {
        let error = try await failure { _, _ in
            .sendBytes(Array(#"{"return": ""#.utf8) + [0xC3, 0x28] + Array("\"}\r\n".utf8))
        }
        guard case .invalidUTF8 = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func nonObjectJSONIsReported() async throws {
        let error = try await failure { _, _ in .send("[1, 2]\r\n") }
        guard case .notAnObject = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func aHugeLineIsTooLargeAndNotBuffered() async throws {
        let error = try await failure(maximumMessageSize: 1 << 16) { _, _ in .flood(bytes: 4 << 20) }
        #expect(error == .messageTooLarge(limit: 1 << 16))
    }

    @Test func silenceTimesOut() async throws {
        let error = try await failure(timeout: Self.timeout) { _, _ in .nothing }
        #expect(error == .timeout(waitingFor: "reply to query-status", after: Self.timeout))
    }

    @Test func noGreetingIsReported() async throws {
        let error = try await failure(timeout: Self.timeout, greeting: nil) { _, _ in .nothing }
        #expect(error == .greetingMissing(after: Self.timeout))
    }

    @Test func aGreetingWithinTheWindowMeansQMP() async throws {
        let server = try HostileEndpoint { _, _ in .nothing }
        defer { server.stop() }
        let dialect = try await Endpoint.detectDialect(
            of: .unixSocket(server.path), window: .milliseconds(500), timeout: Self.timeout)
        #expect(dialect == .qmp)
    }

    @Test func aSilentEndpointThatDoesNotResynchroniseIsNoAgentEither() async throws {
        let server = try HostileEndpoint(greeting: nil) { _, _ in .nothing }
        defer { server.stop() }
        await #expect(throws: QMPProtocolError.self) {
            try await Endpoint.detectDialect(
                of: .unixSocket(server.path), window: .milliseconds(100), timeout: .milliseconds(300))
        }
    }

    @Test func aMalformedGreetingIsReported() async throws {
        let error = try await failure(greeting: #"{"QMP": {"capabilities": []}}"# + "\r\n") { _, _ in .nothing }
        guard case .greetingMalformed = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func endOfStreamMidMessageIsReported() async throws {
        let error = try await failure { _, _ in .sendAndClose(#"{"return": "#) }
        #expect(error == .endOfStreamMidMessage(pendingBytes: 11))
    }

    @Test func endOfStreamBetweenMessagesIsReported() async throws {
        let error = try await failure { _, request in .sendAndClose(Self.reply(request)) }
        #expect(error == .endOfStream)
    }

    @Test func aWrongIDIsReported() async throws {
        let error = try await failure { _, _ in .send(#"{"return": {}, "id": 999}"# + "\r\n") }
        guard case .unknownReplyID(.int(999), _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func aDuplicateReplyIsReported() async throws {
        let error = try await failure { index, request in
            // The second request gets the first one's reply again, then nothing.
            index == 0 ? .send(Self.reply(request)) : .send(#"{"return": {}, "id": 1}"# + "\r\n")
        }
        guard case .duplicateReply(.int(1), _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func eventsWithMalformedTimestampsAreFindings() async throws {
        let server = try HostileEndpoint { _, request in
            .send(#"{"event": "STOP", "timestamp": {"seconds": "soon"}}"# + "\r\n" + Self.reply(request))
        }
        defer { server.stop() }
        let transport = try await UnixSocketTransport.connect(path: server.path)
        let client = try await QMPClient.connect(over: transport, negotiate: false, timeout: Self.patience)
        #expect(try await client.execute("stop", timeout: Self.patience).isSuccess)
        let findings = await client.findings
        #expect(findings.count == 1)
        guard case .malformedMessage(let reason, _)? = findings.first?.problem else {
            Issue.record("got \(findings)")
            return
        }
        #expect(reason.contains("timestamp"))
        await #expect(throws: QMPProtocolError.timeout(waitingFor: "an event", after: .milliseconds(50))) {
            try await client.waitForEvent(named: "STOP", after: 0, timeout: .milliseconds(50))
        }
        await client.close()
    }

    @Test(
        .enabled(if: ExternalTool.find("xmllint") != nil, "xmllint is not installed; scripts/ensure-deps installs it"))
    func hugeRepliesLeaveSmallWellFormedReports() async throws {
        // 1 MiB: far over the 64 KiB a transcript keeps, and cheap enough to parse beside other tests
        // (the CLI test sends 7 MiB to a separate process).
        let size = 1 << 20
        let server = try HostileEndpoint { _, request in .hugeReply(id: request["id"], bytes: size) }
        defer { server.stop() }
        let transport = try await UnixSocketTransport.connect(path: server.path)
        let client = try await QMPClient.connect(
            over: transport, options: .init(recordsTranscript: true), negotiate: false, timeout: .seconds(5))
        var results: [CaseResult] = []
        for index in 0..<2 {
            let reply = try await client.execute("query-status", timeout: .seconds(30))
            #expect(reply.returnValue?.stringValue?.utf8.count == size)
            let transcript = await client.takeTranscript()
            #expect(transcript.entries.reduce(0) { $0 + $1.bytes.count } <= QMPTranscript.defaultByteLimit)
            #expect(transcript.description.contains("bytes elided, fnv1a 0x"))
            // A verdict quoting the whole reply is bounded by the reporters too.
            let failure = Verdict.Failure(
                rule: .returnsConformance, expected: "a small reply", actual: reply.returnValue?.stringValue ?? "")
            results.append(
                CaseResult(
                    caseID: "query-status/valid/\(index)", suite: "query-status", summary: "huge", kind: .valid,
                    verdict: .failed([failure]), duration: 0, transcript: transcript.description))
        }
        await client.close()
        let report = RunReport(
            name: "huge", properties: [], startedAt: Date(), duration: 1, results: results, interrupted: false)
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reporters: [(String, any Reporter)] = [
            ("junit.xml", JUnitReporter(hostname: "h")), ("json", JSONReporter()), ("html", HTMLReporter()),
        ]
        for (suffix, reporter) in reporters {
            let text = reporter.render(report)
            #expect(text.utf8.count < 4 << 20, "\(suffix) is \(text.utf8.count) bytes")
            try text.write(to: directory.appendingPathComponent("report.\(suffix)"), atomically: false, encoding: .utf8)
        }
        let lint = try await ExternalTool.run(
            try #require(ExternalTool.find("xmllint")),
            ["--noout", directory.appendingPathComponent("report.junit.xml").path])
        #expect(lint.status == 0, "xmllint: \(lint.output)")
    }

    @Test func anEventFloodEndsByTheReplyTimeoutWithBoundedBuffers() async throws {
        let server = try HostileEndpoint { _, _ in .floodEvents(count: 10_000_000) }
        defer { server.stop() }
        let transport = try await UnixSocketTransport.connect(path: server.path)
        let limit = 100
        let client = try await QMPClient.connect(
            over: transport, options: .init(maximumBufferedEvents: limit, recordsTranscript: true), negotiate: false,
            timeout: Self.patience)
        // Incoming traffic cannot extend the deadline: the wait ends by its timeout (a flood that
        // kept it open would run into the suite's time limit).
        await #expect(throws: QMPProtocolError.timeout(waitingFor: "reply to query-status", after: Self.timeout)) {
            try await client.execute("query-status", timeout: Self.timeout)
        }
        #expect(await client.eventMark > limit)
        #expect(await client.events().count == limit)
        let findings = await client.findings.map(\.problem)
        guard case .eventsDropped(let dropped, limit)? = findings.first(where: { $0.specSection == nil }) else {
            Issue.record("no eventsDropped finding in \(findings)")
            return
        }
        #expect(dropped > 0)
        let transcript = await client.takeTranscript()
        #expect(transcript.entries.reduce(0) { $0 + $1.bytes.count } <= QMPTranscript.defaultByteLimit)
        await client.close()
    }

    @Test func aRequestLargerThanTheSocketBufferToAnEndpointThatStopsReadingFailsByItsDeadline() async throws {
        let server = try HostileEndpoint { _, request in .sendAndStopReading(Self.reply(request)) }
        defer { server.stop() }
        let transport = try await UnixSocketTransport.connect(path: server.path)
        let client = try await QMPClient.connect(over: transport, negotiate: true, timeout: Self.patience)
        let blob = JSONValue.string(String(repeating: "z", count: 8 << 20))
        let thrown = await #expect(throws: QMPProtocolError.self) {
            try await client.execute("query-status", arguments: ["blob": blob], timeout: Self.timeout)
        }
        let error = try #require(thrown)
        guard case .transport(.sendTimedOut(let sent, let total, _)) = error else {
            Issue.record("expected a send that timed out, got \(error)")
            return
        }
        #expect(total > 8 << 20)
        #expect(sent < total)
        #expect(error.description.hasPrefix("transport: endpoint stopped reading: \(sent) of \(total) bytes sent in "))
        // Part of a message went out: the connection cannot carry another one.
        #expect(await client.terminalError == error)
        await #expect(throws: error) { try await client.execute("query-status", timeout: Self.timeout) }
    }

    @Test func connectingToNothingIsRefusedWithErrno() async throws {
        let server = try HostileEndpoint { _, _ in .nothing }
        server.stop()
        await #expect(throws: TransportError.connectFailed(address: "unix:\(server.path)", errno: ENOENT)) {
            try await UnixSocketTransport.connect(path: server.path)
        }
        await #expect(throws: TransportError.connectFailed(address: "tcp:127.0.0.1:1", errno: ECONNREFUSED)) {
            try await TCPTransport.connect(host: "127.0.0.1", port: 1)
        }
    }

    @Test func nonLoopbackAddressesAreNotAllowed() async {
        await #expect(throws: TransportError.addressNotAllowed("192.0.2.1")) {
            try await TCPTransport.connect("192.0.2.1:4444")
        }
        await #expect(throws: TransportError.invalidAddress("example.com")) {
            try await TCPTransport.connect("example.com:4444")
        }
    }
}
