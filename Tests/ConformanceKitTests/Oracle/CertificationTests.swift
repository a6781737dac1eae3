import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// Certification of a downstream build against its upstream reference: each rule named when
/// broken, what is reported apart, and the verdict line. The endpoint is scripted as what a
/// run reads from it: its introspection (rendered from QAPI text, then loaded back as
/// `query-qmp-schema`) and its greeting line.
struct CertificationTests {
    static let upstream = """
        ##
        # @Color:
        #
        # Since: 7.2
        ##
        { 'enum': 'Color', 'data': [ 'red', 'green' ] }

        ##
        # @QMPCapability:
        #
        # Since: 2.12
        ##
        { 'enum': 'QMPCapability', 'data': [ 'oob' ] }

        ##
        # @qmp_capabilities:
        #
        # Since: 0.13
        ##
        { 'command': 'qmp_capabilities', 'data': { '*enable': [ 'QMPCapability' ] } }

        ##
        # @paint:
        #
        # @color: the colour
        #
        # @size: the brush size
        #
        # @x-glossy: experimental
        #
        # Since: 7.1
        ##
        { 'command': 'paint', 'data': { 'color': 'Color', '*size': 'int', '*x-glossy': 'bool' } }

        ##
        # @PAINTED:
        #
        # Since: 7.1
        ##
        { 'event': 'PAINTED', 'data': { 'color': 'Color' } }

        ##
        # @query-canvas:
        #
        # Since: 7.2
        ##
        { 'command': 'query-canvas', 'returns': 'Color' }
        """

    static let greeting7_2 =
        #"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "vendor-1.0"}, "capabilities": ["oob"]}}"#

    /// The reference schema from QAPI source.
    static func reference() throws -> Schema {
        try SchemaLoader.loadSource(files: ["up.json": upstream], main: "up.json").schema
    }

    /// A scripted endpoint's schema: `source` as its `query-qmp-schema` reply would describe it.
    static func endpoint(_ source: String) throws -> Schema {
        let schema = try SchemaLoader.loadSource(files: ["down.json": source], main: "down.json").schema
        return try IntrospectionLoader.load(IntrospectionRenderer.render(schema))
    }

    /// A scripted endpoint's greeting line, as the client classifies it.
    static func greeting(_ line: String) throws -> QMPGreeting {
        let object = try #require(try JSONParser.parse(line).objectValue)
        guard case .greeting(let greeting) = QMPMessage(classifying: object, receivedAt: .now) else {
            throw CocoaError(.coderInvalidValue)
        }
        return greeting
    }

    static func judge(
        _ source: String, greeting line: String = greeting7_2, runResults: [CaseResult] = []
    ) throws -> Certification.Outcome {
        Certification(reference: try reference()).judge(
            endpoint: try endpoint(source), greeting: try greeting(line), runResults: runResults)
    }

    static func failures(_ outcome: Certification.Outcome, _ rule: CertificationRule) -> [String] {
        let result = outcome.results.first { $0.summary == rule.summary }
        guard case .failed(let failures)? = result?.verdict else { return [] }
        return failures.map(\.actual)
    }

    @Test func theUpstreamSchemaAndGreetingAreCertified() throws {
        let outcome = try Self.judge(Self.upstream)
        #expect(outcome.brokenRules.isEmpty, "\(outcome.results)")
        #expect(outcome.verdictLine == "CERTIFIED")
        #expect(outcome.results.map(\.suite) == Array(repeating: "certify", count: CertificationRule.allCases.count))
    }

    @Test func downstreamAdditionsUnderRFQDNNamesAreCertified() throws {
        let source =
            Self.upstream.replacingOccurrences(
                of: "'*x-glossy': 'bool'", with: "'*x-glossy': 'bool', '*__com.example_gloss': 'int'")
            + "\n{ 'command': '__com.example_refresh' }\n"
        let outcome = try Self.judge(
            source,
            greeting: Self.greeting7_2.replacingOccurrences(of: #"["oob"]"#, with: #"["oob", "__com.example_turbo"]"#))
        #expect(outcome.verdictLine == "CERTIFIED", "\(outcome.results)")
    }

    @Test func aMemberRenamedWithoutADownstreamNameBreaksTwoRules() throws {
        let outcome = try Self.judge(
            Self.upstream.replacingOccurrences(of: "'*size': 'int'", with: "'*brush-size': 'int'"))
        #expect(outcome.brokenRules == [.upstreamMembers, .downstreamNames])
        #expect(outcome.verdictLine == "NOT CERTIFIED (2 rules broken: upstream-members, downstream-names)")
        #expect(
            Self.failures(outcome, .upstreamMembers) == [
                "- command 'paint': arguments: optional member 'size' removed [breaking]"
            ])
        #expect(Self.failures(outcome, .downstreamNames).first?.contains("optional member 'brush-size' added") == true)
    }

    @Test func aDroppedEnumValueBreaksTheEnumValueRule() throws {
        let outcome = try Self.judge(Self.upstream.replacingOccurrences(of: "[ 'red', 'green' ]", with: "[ 'red' ]"))
        #expect(outcome.brokenRules == [.upstreamEnumValues])
        #expect(Self.failures(outcome, .upstreamEnumValues).allSatisfy { $0.contains("enum value 'green' removed") })
        #expect(outcome.verdictLine == "NOT CERTIFIED (1 rule broken: upstream-enum-values)")
    }

    @Test func aRemovedCommandAndEventBreakTheirRules() throws {
        let source = Self.upstream.replacingOccurrences(
            of: "{ 'event': 'PAINTED', 'data': { 'color': 'Color' } }", with: ""
        )
        .replacingOccurrences(of: "{ 'command': 'paint',", with: "{ 'command': 'repaint',")
        let outcome = try Self.judge(source)
        #expect(outcome.brokenRules == [.upstreamCommands, .upstreamEvents, .downstreamNames])
    }

    @Test func aGreetingChangedOtherThanByCapabilitiesBreaksTheShapeRule() throws {
        let line = Self.greeting7_2.replacingOccurrences(
            of: #""capabilities""#, with: #""vendor": "acme", "capabilities""#)
        let outcome = try Self.judge(Self.upstream, greeting: line)
        #expect(outcome.brokenRules == [.greetingShape])
        let result = try #require(outcome.results.first { $0.summary == CertificationRule.greetingShape.summary })
        guard case .failed(let failures) = result.verdict else {
            Issue.record("greeting-shape passed")
            return
        }
        #expect(failures.map(\.path.description) == ["QMP"])
        #expect(failures.first?.actual.contains("capabilities, vendor, version") == true)
    }

    @Test func aCapabilityWithoutADownstreamNameBreaksTheCapabilityRule() throws {
        let line = Self.greeting7_2.replacingOccurrences(of: #"["oob"]"#, with: #"["oob", "turbo"]"#)
        let outcome = try Self.judge(Self.upstream, greeting: line)
        #expect(outcome.brokenRules == [.greetingCapabilities])
    }

    @Test func unstableItemsAreReportedApartNotBroken() throws {
        let outcome = try Self.judge(Self.upstream.replacingOccurrences(of: ", '*x-glossy': 'bool'", with: ""))
        #expect(outcome.verdictLine == "CERTIFIED")
        let aside = try #require(
            outcome.results.first { $0.caseID.hasPrefix(Certification.Aside.unstable.rawValue + "/") })
        #expect(aside.verdict == .passed)
        #expect(aside.transcript.contains("optional member 'x-glossy' removed"))
    }

    @Test func referenceItemsNewerThanTheEndpointAreNotExpectedOfIt() throws {
        // A 7.1 endpoint lacks what 7.2 added (query-canvas, Color's doc says 7.2 for 'green' below).
        let source = Self.upstream.replacingOccurrences(
            of: "{ 'command': 'query-canvas', 'returns': 'Color' }", with: "")
        let line = Self.greeting7_2.replacingOccurrences(of: #""minor": 2"#, with: #""minor": 1"#)
        let outcome = try Self.judge(source, greeting: line)
        #expect(outcome.verdictLine == "CERTIFIED", "\(outcome.results)")
        let aside = try #require(
            outcome.results.first { $0.caseID.hasPrefix(Certification.Aside.newerThanEndpoint.rawValue + "/") })
        #expect(aside.transcript == "- command 'query-canvas': command removed [breaking] (since 7.2)")
        // The same schema from a 7.2 endpoint breaks the rule.
        #expect(try Self.judge(source).brokenRules == [.upstreamCommands])
    }

    @Test func additionsOfAnEndpointNewerThanTheReferenceAreCompatibleUpstreamAdditions() throws {
        let source = Self.upstream + "\n{ 'command': 'query-brushes' }\n"
        let line = Self.greeting7_2.replacingOccurrences(of: #""major": 7"#, with: #""major": 8"#)
        let outcome = try Self.judge(source, greeting: line)
        #expect(outcome.verdictLine == "CERTIFIED")
        let aside = try #require(
            outcome.results.first { $0.caseID.hasPrefix(Certification.Aside.newerThanReference.rawValue + "/") })
        #expect(aside.transcript == "+ command 'query-brushes': new command [compatible]")
    }

    @Test func aFailingRunBreaksTheRunRuleOnce() throws {
        let failed = CaseResult(
            caseID: "paint/valid/00000001", suite: "paint", summary: "valid paint", kind: .valid,
            verdict: .failed([Verdict.Failure(rule: .validRejected, expected: "accepted", actual: "rejected")]),
            duration: 0)
        let waived = CaseResult(
            caseID: "paint/valid/00000002", suite: "paint", summary: "known", kind: .valid,
            verdict: .waived(reason: "known", failures: []), duration: 0)
        let outcome = try Self.judge(Self.upstream, runResults: [failed, waived, failed])
        #expect(outcome.brokenRules == [.conformanceRun])
        #expect(Self.failures(outcome, .conformanceRun).count == 2)
        #expect(try Self.judge(Self.upstream, runResults: [waived]).brokenRules.isEmpty)
    }

    @Test func withoutAGreetingTheGreetingRulesError() throws {
        let outcome = Certification(reference: try Self.reference()).judge(
            endpoint: try Self.endpoint(Self.upstream), greeting: nil, runResults: [])
        #expect(outcome.brokenRules == [.greetingShape, .greetingCapabilities])
    }

    @Test(arguments: [
        ("__org.linux-kvm_enable_irqchip", true), ("__com.redhat_drive_add", true), ("__foo", false),
        ("__com_x", false), ("brush-size", false),
    ])
    func downstreamNamesNeedAReverseDomainPrefix(name: String, valid: Bool) {
        #expect(Certification.isDownstreamName(name) == valid)
    }

    @Test func theReferenceReleaseIsTheLatestSinceOfItsDefinitions() throws {
        #expect(Certification(reference: try Self.reference()).referenceRelease == Version(7, 2))
        #expect(
            Certification(reference: try Self.reference(), referenceRelease: Version(7, 1)).referenceRelease
                == Version(7, 1))
    }
}
