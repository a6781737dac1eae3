import Testing

@testable import ConformanceKit

struct ProtocolChecksTests {
    /// A sloppy server: no `package` in its greeting, bare LF line ends, and it runs every command
    /// (even before negotiation) with `{"return": {}}`.
    static let sloppy: ProtocolCheckContext.Connector = { () async throws(QMPProtocolError) -> QMPClient in
        let greeting =
            #"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 0, "major": 1}}, "capabilities": []}}"# + "\n"
        let transport = ScriptedTransport(initial: [Array(greeting.utf8)]) { bytes in
            guard let request = try? JSONParser.parse(bytes).objectValue else {
                return [Array((#"{"error": {"class": "GenericError", "desc": "bad"}}"# + "\n").utf8)]
            }
            var reply: JSONObject = ["return": [:]]
            if let id = request["id"] { reply["id"] = id }
            return [JSONWriter.compact.bytes(.object(reply)) + [10]]
        }
        return try await QMPClient.connect(
            over: transport, options: .init(recordsTranscript: true), negotiate: false, timeout: .seconds(1))
    }

    @Test func everyCheckHasAUniqueNameAndASection() {
        let names = ProtocolChecks.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(ProtocolChecks.all.allSatisfy { !$0.section.isEmpty && !$0.summary.isEmpty })
        #expect(names.count == 22)
        #expect(ProtocolChecks.all(for: .guestAgent).map(\.name).contains("resynchronizes-after-garbage"))
        #expect(!ProtocolChecks.all(for: .guestAgent).map(\.name).contains("greeting-shape"))
        #expect(!ProtocolChecks.all(for: .qmp).map(\.name).contains("resynchronizes-after-garbage"))
    }

    @Test(arguments: [
        ("greeting-shape", ProtocolCheckResult.Outcome.failed),
        ("commands-before-negotiation", .failed),
        ("messages-are-crlf-terminated-objects", .failed),
        ("negotiation-returns-empty-object", .passed),
        ("second-negotiation-fails", .failed),
        ("oob-accepted-with-capability", .skipped),
        ("output-is-ascii", .failed),
    ])
    func aSloppyServerFailsTheRulesItBreaks(name: String, expected: ProtocolCheckResult.Outcome) async throws {
        let check = try #require(ProtocolChecks.all.first { $0.name == name })
        let result = await ProtocolChecks.run(check, connector: Self.sloppy, timeout: .milliseconds(300))
        #expect(result.outcome == expected, "\(result.detail)")
        #expect(!result.transcript.entries.isEmpty)
    }
}
