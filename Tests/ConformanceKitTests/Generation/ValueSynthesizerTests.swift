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

    static let scopedSchema = """
        { 'enum': 'Kind', 'data': [ 'nic', 'user' ] }
        { 'struct': 'Nic', 'data': { 'model': 'str' } }
        { 'struct': 'User', 'data': { 'hostname': 'str' } }
        { 'union': 'Netdev', 'base': { 'type': 'Kind' }, 'discriminator': 'type',
          'data': { 'nic': 'Nic', 'user': 'User' } }
        { 'command': 'qom-get', 'data': { 'path': 'str', 'property': 'str' } }
        { 'command': 'open-file', 'data': { 'path': 'str', 'size': 'uint8', 'granularity': 'uint32' } }
        { 'command': 'set-it', 'data': { 'value': 'any', 'size': 'uint8' } }
        { 'command': 'netdev_add', 'data': 'Netdev', 'boxed': true }
        """

    /// The arguments the synthesizer builds for a command of `scopedSchema`, scoped to it.
    static func built(_ name: String, table: ValueTable) throws -> JSONObject {
        let schema = try SchemaLoader.loadSource(files: ["x": Self.scopedSchema], main: "x").schema
        let command = try #require(schema.command(named: name))
        let arguments = try #require(schema.object(command.arguments))
        return ValueSynthesizer(schema: schema, table: table).building(for: name)
            .minimalObject(arguments, branch: nil, depth: 0)
    }

    static let scopedTable = """
        { "roles": { "text": "t", "path": "${scratch}/${member}", "qom-object": "/objects/x" },
          "members": { "path": "path" },
          "commands": {
            "qom-get": { "path": "qom-object" },
            "set-it": { "value": 7, "size": 300 },
            "netdev_add": { "type": { "enum": "user" } }
          },
          "integers": { "granularity": 65536 } }
        """

    @Test func aCommandsEntryGivesItsMemberAMeaningOnlyInThatCommand() throws {
        let table = try ValueTable.load(Array(Self.scopedTable.utf8), file: "values.json")
        #expect(try Self.built("qom-get", table: table)["path"] == "/objects/x", "a QOM path in qom-get")
        #expect(try Self.built("open-file", table: table)["path"] == "${scratch}/path", "a file elsewhere")
    }

    @Test func integersComeFromTheTableWhereTheirTypeTakesThem() throws {
        let table = try ValueTable.load(Array(Self.scopedTable.utf8), file: "values.json")
        let opened = try Self.built("open-file", table: table)
        #expect(opened["granularity"] == 65536, "the member's integer in every command")
        #expect(opened["size"] == 0, "no entry: the type's smallest value")
        let set = try Self.built("set-it", table: table)
        #expect(set["value"] == 7, "a value of any type takes the command's integer")
        #expect(set["size"] == 0, "300 is out of uint8's range: the smallest value instead")
    }

    @Test func anEnumEntryChoosesTheUnionBranchOfTheCommand() throws {
        let table = try ValueTable.load(Array(Self.scopedTable.utf8), file: "values.json")
        let netdev = try Self.built("netdev_add", table: table)
        #expect(netdev["type"] == "user")
        #expect(netdev["hostname"] == "t", "the chosen branch's members")
    }

    @Test func anUnknownReferenceRoleIsRefusedWhereItIsNamed() throws {
        let text = #"{ "roles": { "text": "x" }, "default": "text", "reference": "node" }"#
        #expect(throws: DiagnosticError.self) { try ValueTable.load(Array(text.utf8), file: "values.json") }
    }
}
