import TestSupport
import Testing

@testable import ConformanceKit

/// What the value synthesizer gives a string by where it stands, beyond its member's role.
struct ValueSynthesizerTests {
    static let schema = """
        { 'struct': 'Options', 'data': { 'driver': 'str' } }
        { 'alternate': 'Ref', 'data': { 'definition': 'Options', 'reference': 'str' } }
        { 'alternate': 'TextOrNull', 'data': { 'text': 'str', 'none': 'null' } }
        { 'command': 'open-it', 'data': { 'file': 'Ref', 'path': 'TextOrNull' } }
        """

    @Test func theStringBranchOfAnObjectOrNameAlternateNamesAnExistingThing() throws {
        let schema = try SchemaLoader.loadSource(files: ["x": Self.schema], main: "x").schema
        let command = try #require(schema.command(named: "open-it"))
        let arguments = try #require(schema.object(command.arguments))
        let values = Fixtures.caseDirectory.values
        let built = ValueSynthesizer(schema: schema, table: values).minimalObject(arguments, branch: nil, depth: 0)
        #expect(values.referenceRole == "identifier")
        #expect(built["file"] == "qmp-conform-file", "a node's name, not the path values.json gives 'file'")
        #expect(built["path"] == "${scratch}/path", "an alternate without an object branch keeps its member's role")
    }

    @Test func withoutAReferenceRoleTheMembersRoleApplies() throws {
        let schema = try SchemaLoader.loadSource(files: ["x": Self.schema], main: "x").schema
        let command = try #require(schema.command(named: "open-it"))
        let arguments = try #require(schema.object(command.arguments))
        var values = Fixtures.caseDirectory.values
        values.referenceRole = nil
        let built = ValueSynthesizer(schema: schema, table: values).minimalObject(arguments, branch: nil, depth: 0)
        #expect(built["file"] == "${scratch}/file")
    }

    @Test func anUnknownReferenceRoleIsRefusedWhereItIsNamed() throws {
        let text = #"{ "roles": { "text": "x" }, "default": "text", "reference": "node" }"#
        #expect(throws: DiagnosticError.self) { try ValueTable.load(Array(text.utf8), file: "values.json") }
    }
}
