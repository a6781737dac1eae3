import Testing

@testable import ConformanceKit

struct QMPClientTests {
    /// The timeout of waits that are not under test: generous, so that a loaded machine (the
    /// whole suite runs in parallel on two cores) cannot fail them.
    static let patience = Duration.seconds(60)

    static let greeting =
        #"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}}"#
        + "\r\n"

    /// A scripted server that sends `beforeGreeting`, then the greeting, and answers every
    /// request with `{"return": {}}` and its id.
    static func echoServer(
        beforeGreeting: String = "", extra: @escaping @Sendable (JSONObject) -> [String] = { _ in [] }
    ) -> ScriptedTransport {
        ScriptedTransport(initial: [Array((beforeGreeting + greeting).utf8)]) { bytes in
            guard let request = try? JSONParser.parse(bytes).objectValue else { return [] }
            var reply: JSONObject = ["return": [:]]
            if let id = request["id"] { reply["id"] = id }
            return extra(request).map { Array($0.utf8) } + [JSONWriter.compact.bytes(.object(reply)) + [13, 10]]
        }
    }

    @Test func connectNegotiatesOOBWhenOffered() async throws {
        let transport = Self.echoServer()
        let client = try await QMPClient.connect(over: transport)
        #expect(await client.state == .commandMode)
        #expect(await client.oobEnabled)
        #expect(
            transport.sentMessages.map { String(decoding: $0, as: UTF8.self) } == [
                #"{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":1}"#
            ])
        await client.close()
    }

    @Test func connectWithoutOOBWhenNotWanted() async throws {
        let transport = Self.echoServer()
        let client = try await QMPClient.connect(over: transport, options: .init(wantsOOB: false))
        #expect(await !client.oobEnabled)
        #expect(String(decoding: transport.sentMessages[0], as: UTF8.self) == #"{"execute":"qmp_capabilities","id":1}"#)
        await client.close()
    }

    @Test func executeReturnsErrorRepliesAsValues() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)]) { bytes in
            let id = (try? JSONParser.parse(bytes))?["id"] ?? .null
            let reply: JSONObject = ["id": id, "error": ["class": "CommandNotFound", "desc": "nope"]]
            return [JSONWriter.compact.bytes(.object(reply)) + [13, 10]]
        }
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        let reply = try await client.execute("query-status", timeout: Self.patience)
        #expect(reply.error?.errorClass == .commandNotFound)
        await client.close()
    }

    @Test func repliesMatchByIDWhateverTheArrivalOrder() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)])
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        async let first = client.execute("a", id: "first", timeout: Self.patience)
        async let second = client.execute("b", id: ["x": 1], timeout: Self.patience)
        while transport.sentMessages.count < 2 { await Task.yield() }
        transport.deliver(#"{"return": 2, "id": {"x": 1}}"# + "\r\n" + #"{"id": "first", "return": 1}"# + "\r\n")
        #expect(try await first.returnValue == 1)
        #expect(try await second.returnValue == 2)
        await client.close()
    }

    @Test func timesOutAndReportsALateReplyAsAFinding() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)])
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        await #expect(throws: QMPProtocolError.timeout(waitingFor: "reply to a", after: .milliseconds(50))) {
            try await client.execute("a", timeout: .milliseconds(50))
        }
        transport.deliver(#"{"return": {}, "id": 1}"# + "\r\n")
        while await client.findings.isEmpty { await Task.yield() }
        #expect(await client.findings.first?.description.contains("timed out") == true)
        #expect(await client.terminalError == nil)
        await client.close()
    }

    @Test func anEventBeforeTheGreetingIsKeptAndRecordedAgainstSection2_2() async throws {
        let resume = #"{"event": "RESUME", "timestamp": {"seconds": 1, "microseconds": 0}}"# + "\r\n"
        let client = try await QMPClient.connect(over: Self.echoServer(beforeGreeting: resume))
        #expect(await client.state == .commandMode)
        #expect(await client.greeting?.qemuVersion?.major == 7)
        #expect(await client.events().map(\.name) == ["RESUME"])
        let findings = await client.findings.map(\.problem)
        #expect(findings.map(\.specSection) == ["2.2"])
        guard case .eventBeforeGreeting(name: "RESUME", _)? = findings.first else {
            Issue.record("got \(findings)")
            return
        }
        await client.close()
    }

    @Test(arguments: ["\u{1B}[2J\u{1B}]0;owned\u{07}", "\u{07}", "\r", "\u{0}"])
    func endpointBytesQuotedInErrorsAreEscaped(_ hostile: String) async throws {
        let transport = ScriptedTransport(initial: [Array(("not JSON \(hostile) end\r\n").utf8)])
        await #expect {
            try await QMPClient.connect(over: transport, timeout: Self.patience)
        } throws: { error in
            let text = "\(error)"
            return text.contains("not valid JSON") && text.hasSuffix(" end")
                && !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        }
    }

    @Test func aLateReplyIsQuotedAsJSONNotAsASwiftDump() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)])
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        _ = try? await client.execute("a", timeout: .milliseconds(20))
        transport.deliver(#"{"return": {"a": [1]}, "id": 1}"# + "\r\n")
        while await client.findings.isEmpty { await Task.yield() }
        let text = await client.findings[0].description
        #expect(text.contains(#"{"return": {"a": [1]}, "id": 1}"#))
        #expect(!text.contains("JSONObject"))
        #expect("\(["a": [1, "b"]] as JSONObject)" == #"{"a":[1,"b"]}"#)
        #expect("\(QMPTimestamp(seconds: 5, microseconds: 42))" == "5.000042")
        await client.close()
    }

    @Test func cancellingTheCallerEndsItsWaitsAtOnce() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)])
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        let reply = Task { try await client.execute("x", timeout: .seconds(600)) }
        let event = Task { try await client.waitForEvent(named: "NEVER", timeout: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(20))
        reply.cancel()
        event.cancel()
        await #expect(throws: QMPProtocolError.cancelled(waitingFor: "reply to x")) { try await reply.value }
        await #expect(throws: QMPProtocolError.cancelled(waitingFor: "an event")) { try await event.value }
        // A cancelled task's next wait ends at once too.
        let again = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute("y", timeout: .seconds(600))
        }
        await #expect(throws: QMPProtocolError.cancelled(waitingFor: "reply to y")) { try await again.value }
        #expect(await client.terminalError == nil)
        await client.close()
    }

    @Test func eventsAreKeptInOrderAndCanBeAwaited() async throws {
        let transport = Self.echoServer { request in
            request["execute"] == "stop"
                ? [#"{"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 2}}"# + "\r\n"] : []
        }
        let client = try await QMPClient.connect(over: transport, options: .init(recordsTranscript: true))
        let mark = await client.eventMark
        _ = try await client.execute("stop", timeout: Self.patience)
        let event = try await client.waitForEvent(named: "STOP", after: mark, timeout: Self.patience)
        #expect(event.timestamp == QMPTimestamp(seconds: 1, microseconds: 2))
        #expect(await client.events(since: mark).map(\.name) == ["STOP"])
        await #expect(throws: QMPProtocolError.timeout(waitingFor: "an event", after: .milliseconds(30))) {
            try await client.waitForEvent(named: "RESUME", timeout: .milliseconds(30))
        }
        let transcript = await client.transcript
        #expect(transcript.entries.count == 6)
        #expect(transcript.received.allSatisfy { $0.bytes.suffix(2) == [13, 10] })
        await client.close()
    }

    @Test func rawBytesGetTheirIdlessReply() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)]) { _ in
            [Array((#"{"error": {"class": "GenericError", "desc": "JSON parse error"}}"# + "\r\n").utf8)]
        }
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        let reply = try await client.sendRaw(Array("{]".utf8), expectingReplyID: nil, timeout: Self.patience)
        #expect(reply.error?.errorClass == .genericError)
        await client.close()
    }

    @Test func atMostEightRequestsAreInFlight() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)])
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        try await withThrowingTaskGroup(of: QMPReply.self) { group in
            for _ in 0..<12 { group.addTask { try await client.execute("x", timeout: Self.patience) } }
            // However slow the machine, eight go out; given every chance, no ninth follows.
            while transport.sentMessages.count < 8 { await Task.yield() }
            for _ in 0..<200 { await Task.yield() }
            #expect(transport.sentMessages.count == 8)
            var answered = 0
            while answered < 12 {
                let sent = transport.sentMessages
                while answered < sent.count {
                    let id = (try JSONParser.parse(sent[answered]))["id"] ?? .null
                    transport.deliver(JSONWriter.compact.bytes(["return": [:], "id": id]) + [13, 10])
                    answered += 1
                }
                await Task.yield()
            }
            for try await reply in group { #expect(reply.isSuccess) }
        }
        await client.close()
    }

    @Test func endOfStreamFailsPendingCallsAndLaterCalls() async throws {
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8)])
        let client = try await QMPClient.connect(over: transport, negotiate: false)
        let reply = Task { try await client.execute("x", timeout: Self.patience) }
        while transport.sentMessages.isEmpty { await Task.yield() }
        transport.deliver(#"{"return": "#)
        transport.finish()
        await #expect(throws: QMPProtocolError.endOfStreamMidMessage(pendingBytes: 11)) { try await reply.value }
        await #expect(throws: QMPProtocolError.endOfStreamMidMessage(pendingBytes: 11)) {
            try await client.execute("y", timeout: Self.patience)
        }
    }

    @Test func missingGreetingTimesOut() async {
        let transport = ScriptedTransport()
        await #expect(throws: QMPProtocolError.greetingMissing(after: .milliseconds(50))) {
            try await QMPClient.connect(over: transport, timeout: .milliseconds(50))
        }
    }

    @Test func agentDialectNeedsNoGreeting() async throws {
        let transport = ScriptedTransport { bytes in
            let id = (try? JSONParser.parse(bytes))?["id"] ?? .null
            return [JSONWriter.compact.bytes(["return": 42, "id": id]) + [10]]
        }
        let client = try await QMPClient.connect(
            over: transport, options: .init(dialect: .guestAgent), negotiate: false)
        #expect(try await client.execute("guest-sync", arguments: ["id": 42]).returnValue == 42)
        #expect(await client.findings.isEmpty)
        await client.close()
    }

    @Test func connectingToTheAgentResynchronisesPastStaleOutput() async throws {
        let transport = ScriptedTransport { bytes in
            guard bytes.first == 0xFF, let request = try? JSONParser.parse(Array(bytes.dropFirst())) else { return [] }
            let stale = Array(#"{"return": 99, "id": 1}"#.utf8) + [10]
            let parseError = Array(#"{"error": {"class": "GenericError", "desc": "stray"}}"#.utf8) + [10]
            let reply = JSONWriter.compact.bytes([
                "return": request["arguments"]?["id"] ?? .null, "id": request["id"] ?? .null,
            ])
            return [stale + parseError + [0xFF] + reply + [10]]
        }
        let client = try await QMPClient.connect(over: transport, options: .init(dialect: .guestAgent))
        #expect(await client.findings.isEmpty, "what came before the delimiter is discarded, not judged")
        await client.close()
    }

    @Test func aResynchronisationAnsweredWithAnotherIdFails() async throws {
        let transport = ScriptedTransport { bytes in
            guard bytes.first == 0xFF, let request = try? JSONParser.parse(Array(bytes.dropFirst())) else { return [] }
            return [[0xFF] + JSONWriter.compact.bytes(["return": 7, "id": request["id"] ?? .null]) + [10]]
        }
        await #expect(throws: QMPProtocolError.resynchronizationFailed(expected: 8, raw: #"{"return":7,"id":1}"#)) {
            let client = QMPClient(transport: transport, options: .init(dialect: .guestAgent))
            await client.start()
            defer { Task { await client.close() } }
            try await client.resynchronize(id: 8, timeout: Self.patience)
        }
    }

    @Test func theEventBufferIsBoundedAndMarksStayAbsolute() async throws {
        let events = (0..<10).map { #"{"event": "E\#($0)", "timestamp": {"seconds": 1, "microseconds": 0}}"# + "\r\n" }
        let transport = ScriptedTransport(initial: [Array(Self.greeting.utf8), Array(events.joined().utf8)])
        let client = try await QMPClient.connect(
            over: transport, options: .init(maximumBufferedEvents: 4), negotiate: false)
        let last = try await client.waitForEvent(named: "E9", after: 0, timeout: Self.patience)
        #expect(last.name == "E9")
        #expect(await client.eventMark == 10)
        #expect(await client.events(since: 0).map(\.name) == ["E6", "E7", "E8", "E9"])
        #expect(await client.events(since: 8).map(\.name) == ["E8", "E9"])
        await client.close()
    }

    @Test func receiveTimesComeFromTheInjectedClock() async throws {
        let fixed = ContinuousClock.now - .seconds(3600)
        let transport = Self.echoServer { _ in
            [#"{"event": "X", "timestamp": {"seconds": 1, "microseconds": 0}}"# + "\r\n"]
        }
        let client = try await QMPClient.connect(over: transport, options: .init(clock: { fixed }))
        let reply = try await client.execute("x", timeout: Self.patience)
        #expect(reply.receivedAt == fixed)
        #expect(await client.events().map(\.receivedAt) == [fixed, fixed])
        await client.close()
    }
}

extension QMPClientTests {
    @Test func aCommandPassingADescriptorHandsTheFileToTheTransportAndMarksItsWrite() async throws {
        let transport = Self.echoServer()
        let client = try await QMPClient.connect(over: transport, options: .init(recordsTranscript: true))
        _ = await client.takeTranscript()
        let file = try PassedFile(directory: "/tmp/qmp-conform-x")
        _ = try await client.execute("getfd", arguments: ["fdname": "f"], passing: [file], timeout: Self.patience)
        _ = try await client.execute("query-status", timeout: Self.patience)
        #expect(transport.passedFiles == [1: [file]])
        let lines = await client.transcript.description.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].contains(#"-> (+1 fd) {"execute":"getfd""#))
        #expect(lines[2].contains(#"-> {"execute":"query-status""#))
        await client.close()
    }
}
