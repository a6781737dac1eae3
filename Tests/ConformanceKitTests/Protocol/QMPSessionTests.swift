import Testing

@testable import ConformanceKit

struct QMPSessionTests {
    static let greeting =
        #"{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "x"}, "capabilities": ["oob"]}}"#
    let now = ContinuousClock.now

    func line(_ text: String, _ terminator: QMPFramer.Line.Terminator = .crlf) -> QMPFramer.Line {
        QMPFramer.Line(Array(text.utf8), terminator: terminator)
    }

    @Test func greetingThenNegotiationEntersCommandModeWithOOB() throws {
        var session = QMPSession()
        #expect(session.state == .awaitingGreeting)
        let actions = session.receive(line(Self.greeting), at: now)
        guard case .greeted(let greeting) = actions.first else {
            Issue.record("expected greeting, got \(actions)")
            return
        }
        #expect(greeting.qemuVersion?.major == 7)
        #expect(greeting.offersOOB)
        #expect(session.state == .negotiating)
        let request = try session.command("qmp_capabilities", arguments: ["enable": ["oob"]])
        #expect(
            String(decoding: request.bytes, as: UTF8.self)
                == #"{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":1}"#)
        let reply = session.receive(line(#"{"return": {}, "id": 1}"#), at: now)
        #expect(reply.count == 1)
        guard case .reply(let value, let id) = reply.first else { return }
        #expect(id == .int(1))
        #expect(value.isSuccess)
        #expect(session.state == .commandMode)
        #expect(session.oobEnabled)
    }

    @Test func failedNegotiationStaysNegotiating() throws {
        var session = QMPSession()
        _ = session.receive(line(Self.greeting), at: now)
        _ = try session.command("qmp_capabilities", arguments: ["enable": ["bogus"]])
        _ = session.receive(line(#"{"id": 1, "error": {"class": "GenericError", "desc": "no"}}"#), at: now)
        #expect(session.state == .negotiating)
        #expect(!session.oobEnabled)
    }

    @Test func requestsAreCompactWithShortIncreasingIDs() throws {
        var session = QMPSession(dialect: .guestAgent)
        #expect(session.state == .commandMode)
        let first = try session.command("query-status")
        let second = try session.command("exit", oob: true)
        #expect(String(decoding: first.bytes, as: UTF8.self) == #"{"execute":"query-status","id":1}"#)
        #expect(String(decoding: second.bytes, as: UTF8.self) == #"{"exec-oob":"exit","id":2}"#)
        #expect(session.inFlightCount == 2)
    }

    @Test func rejectsADuplicateRequestIDInFlight() throws {
        var session = QMPSession(dialect: .guestAgent)
        _ = try session.command("a", id: "x")
        #expect(throws: QMPProtocolError.duplicateRequestID("x")) { try session.command("b", id: "x") }
    }

    @Test func unknownIDAndDuplicateReplyAreViolations() throws {
        var session = QMPSession(dialect: .guestAgent)
        _ = try session.command("a")
        #expect(session.receive(line(#"{"return": {}, "id": 1}"#), at: now).count == 1)
        let duplicate = session.receive(line(#"{"return": {}, "id": 1}"#), at: now)
        guard case .violation(.duplicateReply(.int(1), _)) = duplicate.first else {
            Issue.record("got \(duplicate)")
            return
        }
        let unknown = session.receive(line(#"{"return": {}, "id": 99}"#), at: now)
        guard case .violation(.unknownReplyID(.int(99), _)) = unknown.first else {
            Issue.record("got \(unknown)")
            return
        }
    }

    @Test func replyToAnAbandonedRequestIsLate() throws {
        var session = QMPSession(dialect: .guestAgent)
        _ = try session.command("a")
        session.abandon(.int(1))
        guard case .lateReply = session.receive(line(#"{"return": {}, "id": 1}"#), at: now).first else {
            Issue.record("expected late reply")
            return
        }
    }

    @Test func idlessRepliesMatchIdlessRequestsOrUnsolicited() throws {
        var session = QMPSession(dialect: .guestAgent)
        let error = #"{"error": {"class": "GenericError", "desc": "JSON parse error"}}"#
        guard case .unsolicitedReply = session.receive(line(error), at: now).first else {
            Issue.record("expected unsolicited")
            return
        }
        _ = try session.raw(Array("{".utf8), id: nil)
        guard case .reply(_, nil) = session.receive(line(error), at: now).first else {
            Issue.record("expected id-less reply")
            return
        }
    }

    @Test func eventsKeepTimestampReceiveTimeAndOrder() throws {
        var session = QMPSession(dialect: .guestAgent)
        let later = now + .seconds(1)
        let first = session.receive(
            line(#"{"timestamp": {"seconds": 5, "microseconds": 6}, "event": "STOP"}"#), at: now)
        let second = session.receive(
            line(#"{"event": "RESUME", "data": {}, "timestamp": {"seconds": -1, "microseconds": -1}}"#), at: later)
        guard case .event(let stop) = first.first, case .event(let resume) = second.first else {
            Issue.record("expected events: \(first) \(second)")
            return
        }
        #expect(stop.timestamp == QMPTimestamp(seconds: 5, microseconds: 6))
        #expect(stop.receivedAt == now && resume.receivedAt == later)
        #expect(stop.sequence < resume.sequence)
        #expect(resume.timestamp.isUnknown)
    }

    @Test(arguments: [
        #"{"event": "X", "timestamp": {"seconds": 1}}"#,
        #"{"event": "X", "timestamp": {"seconds": 1, "microseconds": 1000000}}"#,
        #"{"event": "X", "timestamp": {"seconds": "1", "microseconds": 0}}"#,
        #"{"event": "X"}"#,
        #"{"event": "X", "data": 3, "timestamp": {"seconds": 1, "microseconds": 0}}"#,
        #"{"error": {"class": 1}}"#,
        #"{"hello": 1}"#,
    ])
    func malformedMessagesAreFindingsNotCrashes(text: String) {
        var session = QMPSession(dialect: .guestAgent)
        let actions = session.receive(line(text), at: now)
        guard case .finding(.malformedMessage) = actions.first else {
            Issue.record("got \(actions)")
            return
        }
        #expect(session.state == .commandMode)
    }

    @Test func bareLFIsAFindingInQMPButNotInTheAgentDialect() {
        var qmp = QMPSession()
        let actions = qmp.receive(line(Self.greeting, .lf), at: now)
        #expect(actions.count == 2)
        var agent = QMPSession(dialect: .guestAgent)
        #expect(agent.receive(line(#"{"return": {}}"#, .lf), at: now).count == 1)
    }

    @Test func badBytesAreFatalTypedErrors() {
        var garbage = QMPSession(dialect: .guestAgent)
        guard case .fatal(.invalidJSON) = garbage.receive(line("{nope"), at: now).first else {
            Issue.record("expected invalid JSON")
            return
        }
        var array = QMPSession(dialect: .guestAgent)
        guard case .fatal(.notAnObject) = array.receive(line("[1]"), at: now).first else {
            Issue.record("expected not an object")
            return
        }
        var utf8 = QMPSession(dialect: .guestAgent)
        let bad = QMPFramer.Line([34, 0xFE, 34], terminator: .lf)
        guard case .fatal(.invalidUTF8) = utf8.receive(bad, at: now).first else {
            Issue.record("expected invalid UTF-8")
            return
        }
    }

    @Test func aFirstMessageThatIsNotAGreetingIsFatal() {
        var session = QMPSession()
        guard case .fatal(.greetingMalformed) = session.receive(line(#"{"return": {}}"#), at: now).first else {
            Issue.record("expected malformed greeting")
            return
        }
        var malformed = QMPSession()
        guard case .fatal(.greetingMalformed) = malformed.receive(line(#"{"QMP": {"version": 1}}"#), at: now).first
        else {
            Issue.record("expected malformed greeting")
            return
        }
    }

    @Test func negotiationAsksForOOBOnlyWhenOfferedAndWanted() throws {
        var offered = QMPSession()
        _ = offered.receive(line(Self.greeting), at: now)
        let withOOB = try offered.negotiation()
        #expect(
            String(decoding: withOOB.bytes, as: UTF8.self)
                == #"{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":1}"#)
        let unwanted = try offered.negotiation(wantsOOB: false)
        #expect(String(decoding: unwanted.bytes, as: UTF8.self) == #"{"execute":"qmp_capabilities","id":2}"#)
        var plain = QMPSession()
        _ = plain.receive(line(#"{"QMP": {"version": {}, "capabilities": []}}"#), at: now)
        #expect(
            String(decoding: try plain.negotiation().bytes, as: UTF8.self) == #"{"execute":"qmp_capabilities","id":1}"#)
    }

    @Test func resynchronizationDiscardsInputUpToTheAgentsDelimiter() throws {
        var session = QMPSession(dialect: .guestAgent)
        let request = try session.resynchronization(id: 1234)
        #expect(request.bytes.first == 0xFF)
        #expect(String(decoding: request.bytes.dropFirst(), as: UTF8.self).contains(#""guest-sync-delimited""#))
        #expect(session.isAwaitingDelimiter)
        let stale = session.receive(line(#"{"error": {"class": "GenericError", "desc": "stray"}}"#, .lf), at: now)
        #expect(stale.isEmpty, "a reply of an earlier client or to the 0xFF is discarded")
        let reply = QMPFramer.Line([0xFF] + Array(#"{"return": 1234, "id": 1}"#.utf8), terminator: .lf)
        let actions = session.receive(reply, at: now)
        guard case .reply(let answer, requestID: .int(1))? = actions.first, actions.count == 1 else {
            Issue.record("got \(actions)")
            return
        }
        #expect(answer.returnValue == 1234)
        #expect(!session.isAwaitingDelimiter)
    }

    @Test func aDelimiterNoGuestSyncDelimitedAskedForIsAFinding() {
        var session = QMPSession(dialect: .guestAgent)
        let actions = session.receive(QMPFramer.Line([0xFF] + Array(#"{"return": {}}"#.utf8), terminator: .lf), at: now)
        guard case .finding(.malformedMessage(let reason, _))? = actions.first else {
            Issue.record("got \(actions)")
            return
        }
        #expect(reason.contains("0xFF"))
    }

    @Test func aGuestSyncDelimitedCaseExpectsItsDelimiter() throws {
        var session = QMPSession(dialect: .guestAgent)
        _ = try session.request(["execute": "guest-sync-delimited", "arguments": ["id": 5], "id": "c"])
        let reply = QMPFramer.Line([0xFF] + Array(#"{"return": 5, "id": "c"}"#.utf8), terminator: .lf)
        guard case .reply(let answer, requestID: "c")? = session.receive(reply, at: now).first else {
            Issue.record("expected the reply alone")
            return
        }
        #expect(answer.returnValue == 5)
    }
}
