import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `--compat POLICY`: reading the policy, and the cases planned from the schema's features.
struct CompatScenarioGeneratorTests {
    static let schemaText = """
        { 'command': 'old-cmd', 'data': { 'a': 'str' }, 'features': [ 'deprecated' ] }
        { 'command': 'x-new-cmd', 'features': [ 'unstable' ] }
        { 'command': 'eject', 'data': { 'id': 'str', '*device': { 'type': 'str', 'features': [ 'deprecated' ] } } }
        { 'command': 'plain' }
        { 'event': 'OLD_EVENT', 'features': [ 'deprecated' ] }
        """

    static func scenarios(_ policy: String) throws -> [Scenario] {
        let schema = try SchemaLoader.loadSource(files: ["s.json": schemaText], main: "s.json").schema
        return CompatScenarioGenerator(
            schema: schema, policy: try CompatPolicy(parsing: policy), values: Fixtures.caseDirectory.values
        ).generate()
    }

    @Test func thePolicyReadsAndWritesCompatsSyntax() throws {
        let policy = try CompatPolicy(parsing: "unstable-output=hide,deprecated-input=reject")
        #expect(policy.input == [.deprecated: .reject])
        #expect(policy.output == [.unstable: .hide])
        #expect(policy.description == "deprecated-input=reject,unstable-output=hide")
        #expect(policy.hiddenFeatures == ["unstable"])
    }

    @Test(arguments: ["deprecated-input=drop", "obsolete-input=reject", "deprecated-input", "deprecated-sideways=hide"])
    func anUnknownSettingIsRejectedNamingIt(text: String) {
        #expect(throws: DiagnosticError.self) { try CompatPolicy(parsing: text) }
    }

    @Test func rejectedInputPlansEachFlaggedCommandAndMemberWithAControl() throws {
        let scenarios = try Self.scenarios("deprecated-input=reject")
        #expect(
            scenarios.map(\.relativePath) == [
                "compat/deprecated-input=reject/command", "compat/deprecated-input=reject/command/control",
                "compat/deprecated-input=reject/member 'device'",
                "compat/deprecated-input=reject/member 'device'/control",
            ])
        #expect(scenarios.allSatisfy { $0.kind == .compat })
        let (command, control) = (scenarios[0], scenarios[1])
        #expect(command.launch == ["-machine", "${machine}", "-S", "-compat", "deprecated-input=reject"])
        #expect(command.compat == (try CompatPolicy(parsing: "deprecated-input=reject")))
        #expect(control.launch == nil && control.compat == nil)
        #expect(
            command.steps.map(\.reply) == [
                .error(ErrorExpectation(errorClass: .commandNotFound, descPattern: "disabled by policy"))
            ])
        #expect(control.steps.map(\.reply) == [.error(ErrorExpectation(errorClass: .genericError))])
        // Every request carries the probe member, so no flagged command ever runs.
        let member = scenarios[2].steps[0]
        guard case .execute("eject", let arguments?) = member.action else {
            Issue.record("not an eject request: \(member.action)")
            return
        }
        #expect(arguments["device"]?.stringValue != nil)
        #expect(arguments["id"]?.stringValue != nil, "required members are filled in")
        #expect(arguments[CompatScenarioGenerator.probeMember] == true)
    }

    @Test func hiddenOutputPlansTheIntrospectionCheckAndItsControl() throws {
        let scenarios = try Self.scenarios("deprecated-output=hide")
        #expect(scenarios.map(\.name) == ["query-qmp-schema", "query-qmp-schema"])
        let flag: JSONValue = ["features": ["deprecated"]]
        #expect(scenarios[0].steps.map(\.reply) == [.success(.all([.lacks(flag), .lacks(["members": [flag]])]))])
        #expect(
            scenarios[1].steps.map(\.reply) == [
                .success(
                    .subset([
                        ["name": "old-cmd", "features": ["deprecated"]],
                        ["name": "OLD_EVENT", "features": ["deprecated"]],
                    ]))
            ])
    }

    @Test func acceptAndCrashPlanNothing() throws {
        #expect(try Self.scenarios("deprecated-input=accept,unstable-input=crash,deprecated-output=accept").isEmpty)
    }

    @Test func aHiddenRequiredMemberMayBeAbsentOnlyUnderThePolicy() throws {
        let schema = try SchemaLoader.loadSource(
            files: [
                "s.json": "{ 'struct': 'Info', 'data': { 'old': { 'type': 'int', 'features': [ 'deprecated' ] } } }\n"
                    + "{ 'command': 'query-info', 'returns': 'Info' }"
            ], main: "s.json"
        ).schema
        let oracle = Oracle(schema: schema)
        #expect(oracle.returnFailures("query-info", [:], hiding: ["deprecated"]).isEmpty)
        #expect(oracle.returnFailures("query-info", [:]).map(\.rule) == [.returns(.missingMember)])
    }
}
