import Testing

@testable import ConformanceKit

struct OracleTests {
    static let schema: Schema = {
        let qapi = """
            { 'struct': 'Info', 'data': { 'name': 'str', '*size': 'uint8' } }
            { 'command': 'get', 'data': { 'name': 'str' }, 'returns': 'Info' }
            { 'command': 'ping' }
            { 'event': 'TICK', 'data': { 'n': 'int' } }
            """
        return try! SchemaLoader.loadSource(files: ["x": qapi], main: "x").schema
    }()
    static let oracle = Oracle(schema: schema)

    static func reply(_ object: JSONObject) -> QMPReply { QMPReply(object, receivedAt: .now)! }
    static func error(_ desc: String, _ errorClass: String = "GenericError") -> QMPReply {
        reply(["error": ["class": .string(errorClass), "desc": .string(desc)]])
    }
    static func testCase(_ expectation: TestCase.Expectation, kind: TestCase.Kind = .invalid, command: String = "get")
        -> TestCase
    {
        TestCase(
            command: command, kind: kind, summary: "s", arguments: ["name": 1], expectation: expectation, origin: "test"
        )
    }
    /// Judges a generated case from what a runner would observe.
    static func judge(
        _ testCase: TestCase, reply: QMPReply?, failure: String? = nil, events: [QMPEvent] = [],
        previous: QMPTimestamp? = nil, using oracle: Oracle = Self.oracle
    ) -> Verdict {
        let exchange = Observation.Exchange(request: [:], sentAt: .now, reply: reply, failure: failure)
        let observation = Observation(exchanges: [exchange], events: events, previousEventTimestamp: previous)
        return oracle.judge(.testCase(testCase), observation).verdict
    }

    static let missingName = TestCase.Expectation.reject(rule: .wrongType, path: JSONPath.root.appending("name"))

    @Test func anInvalidCaseRejectedNamingItsMemberPasses() {
        let verdict = Self.judge(
            Self.testCase(Self.missingName),
            reply: Self.error("Invalid parameter type for 'name', expected: string"))
        #expect(verdict == .passed)
    }

    @Test func anAcceptedInvalidCaseFailsWithTheBrokenRule() {
        let verdict = Self.judge(Self.testCase(Self.missingName), reply: Self.reply(["return": ["name": "x"]]))
        guard case .failed(let failures) = verdict else {
            Issue.record("\(verdict)")
            return
        }
        #expect(failures.map(\.rule.description) == ["invalid-accepted"])
        #expect(failures[0].path == JSONPath.root.appending("name"))
    }

    @Test func aRejectionNamingAnotherMemberIsAFailure() {
        let verdict = Self.judge(Self.testCase(Self.missingName), reply: Self.error("Parameter 'other' is missing"))
        guard case .failed(let failures) = verdict else {
            Issue.record("\(verdict)")
            return
        }
        #expect(failures.map(\.rule.description) == ["error-names-wrong-member"])
    }

    @Test func aValidCaseRejectedByValidationFailsButOtherErrorsPass() {
        let valid = Self.testCase(.accept, kind: .valid)
        guard
            case .failed(let failures) = Self.judge(valid, reply: Self.error("Parameter 'name' is unexpected"))
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(failures.map(\.rule.description) == ["valid-rejected"])
        #expect(Self.judge(valid, reply: Self.error("Device 'x' not found", "DeviceNotFound")) == .passed)
    }

    @Test func aSuccessReplyMustConformToReturns() {
        let valid = Self.testCase(.accept, kind: .valid)
        let verdict = Self.judge(
            valid, reply: Self.reply(["return": ["name": "x", "size": 300, "__org.example_x": 1]]))
        guard case .failed(let failures) = verdict else {
            Issue.record("\(verdict)")
            return
        }
        #expect(failures.map(\.rule.description) == ["returns-out-of-range"])
        #expect(failures[0].path == JSONPath.root.appending("size"))
        let strict = Oracle(schema: Self.schema, extraMembers: .strict)
        guard
            case .failed(let strictFailures) = Self.judge(
                valid, reply: Self.reply(["return": ["name": "x", "__org.example_x": 1]]), using: strict)
        else {
            Issue.record("strict mode must reject downstream members")
            return
        }
        #expect(strictFailures.map(\.rule.description) == ["returns-unknown-member"])
    }

    @Test func eventsMustBeKnownConformAndKeepTheirTimestampsInOrder() {
        func event(_ name: String, _ data: JSONObject, _ seconds: Int64) -> QMPEvent {
            QMPEvent(
                name: name, data: data, timestamp: QMPTimestamp(seconds: seconds, microseconds: 0), receivedAt: .now)
        }
        let failures = Self.oracle.eventFailures([
            event("TICK", ["n": 1], 10), event("TICK", ["n": "x"], 11), event("BOOM", [:], 12),
            event("TICK", ["n": 2], 9),
        ])
        #expect(failures.map(\.rule.description) == ["event-wrong-type", "event-unknown", "event-timestamp-order"])
    }

    @Test func aDocExampleThatNeedsMissingStateIsSkippedNotFailed() {
        let doc = Self.testCase(.reply(["return": [:]]), kind: .doc, command: "ping")
        guard
            case .skipped(let reason) = Self.judge(
                doc, reply: Self.error("Device 'e1000.0' not found", "DeviceNotFound"))
        else {
            Issue.record("expected a skip")
            return
        }
        #expect(reason.contains("DeviceNotFound"))
    }

    @Test func noReplyIsAnError() {
        #expect(
            Self.judge(Self.testCase(.accept), reply: nil, failure: "timed out") == .errored("timed out"))
    }

    @Test(arguments: [
        ("Parameter 'up' is missing", "up"),
        ("Parameter 'bogus' is unexpected", "bogus"),
        ("Invalid parameter type for 'addr.port', expected: string", "addr.port"),
        ("Parameter 'type' does not accept value 'qmp-conform-bogus'", "type"),
        ("Parameter 'size' expects uint8", "size"),
        ("QMP input member 'arguments' must be an object", "arguments"),
    ])
    func qemusValidationMessagesAreRecognisedWithTheirMember(desc: String, member: String) {
        let match = ValidationMessages.qemu.match(desc)
        #expect(match?.member == member)
        #expect(match != nil)
        #expect(!ValidationMessages.qemu.isValidationError("Device 'x' not found"))
    }

    @Test func waiversTurnMatchingFailuresIntoReportedWaivers() throws {
        let text = #"{"waivers": [{"case": "get/valid/*", "reason": "known bug"}]}"#
        let waivers = try Waivers.load(Array(text.utf8), file: "w.json")
        let failing = CaseResult(
            caseID: "get/valid/1", suite: "get", summary: "s", kind: .valid, verdict: .failed([]), duration: 0)
        let other = CaseResult(
            caseID: "get/invalid/2", suite: "get", summary: "s", kind: .invalid, verdict: .errored("x"), duration: 0)
        let applied = waivers.apply(to: [failing, other], today: CalendarDate("2026-01-01")!)
        #expect(applied[0].verdict == .waived(reason: "known bug", failures: []))
        #expect(applied[1].verdict == .errored("x"))
        #expect(!applied[0].verdict.isFailure)
    }

    @Test func aWaiverWithoutAReasonIsALocatedError() {
        let marked = MarkedText(#"{"waivers": [1️⃣{"case": "x"}]}"#)
        #expect {
            _ = try Waivers.load(Array(marked.text.utf8), file: "w.json")
        } throws: { error in
            let location = (error as? DiagnosticError)?.diagnostics.first?.location
            return location?.line == 1 && location?.column == marked.locations["1️⃣"]?.column
        }
    }
}
