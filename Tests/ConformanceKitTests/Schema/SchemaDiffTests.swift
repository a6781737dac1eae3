import TestSupport
import Testing

@testable import ConformanceKit

struct SchemaDiffTests {
    @Test(.needsShared) func net71ToNet72ListsExactlyTheNewBackendsEventsAndInclude() throws {
        let diff = SchemaDiff.compare(try Fixtures.source("net-7.1/net.json"), try Fixtures.source("net-7.2/net.json"))
        assertGolden(
            diff.changes.map(\.description).joined(separator: "\n") + "\n", named: "Schema/net-7.1-to-7.2.diff")
        #expect(!diff.hasBreakingChanges)
    }

    @Test(.needsShared) func net72ToNet71IsBreakingForClients() throws {
        let diff = SchemaDiff.compare(try Fixtures.source("net-7.2/net.json"), try Fixtures.source("net-7.1/net.json"))
        let breaking = diff.changes.filter { $0.compatibility == .breaking }.map(\.description)
        #expect(breaking.contains("- event 'NETDEV_STREAM_CONNECTED': event removed [breaking]"))
        #expect(breaking.contains("- type 'Netdev': branch 'stream' removed [breaking]"))
        #expect(breaking.contains("- type 'NetClientDriver': enum value 'dgram' removed [breaking]"))
    }

    @Test func includesCompareTheSameWhetherTheTopFileIsNamedRelativeOrAbsolute() throws {
        func tree(_ top: String) -> [String: String] {
            let directory = top.hasSuffix("/top.json") ? String(top.dropLast("top.json".count)) : ""
            return [
                top: "{ 'include': 'sub/x.json' }\n{ 'include': './sub/../y.json' }",
                directory + "sub/x.json": "{ 'struct': 'X', 'data': {} }",
                directory + "y.json": "{ 'struct': 'Y', 'data': {} }",
            ]
        }
        let relative = try SchemaLoader.loadSource(files: tree("a/top.json"), main: "a/top.json").schema
        let absolute = try SchemaLoader.loadSource(files: tree("/t/a/top.json"), main: "/t/a/top.json").schema
        #expect(relative.files.dropFirst().map(relative.relativePath) == ["sub/x.json", "y.json"])
        #expect(SchemaDiff.compare(relative, absolute).changes.isEmpty)
        #expect(SchemaDiff.compare(absolute, relative).changes.isEmpty)
    }

    static func diff(_ old: String, _ new: String, downstream: Bool = false) throws -> [String] {
        let before = try SchemaLoader.loadSource(files: ["x": old], main: "x").schema
        let after = try SchemaLoader.loadSource(files: ["x": new], main: "x").schema
        return SchemaDiff.compare(before, after, downstream: downstream).changes.map(\.description)
    }

    @Test func argumentAndReturnChangesAreClassifiedFromTheClientsSide() throws {
        let old = """
            { 'struct': 'R', 'data': { 'a': 'int', '*b': 'str' } }
            { 'command': 'c', 'data': { 'x': 'int', '*y': 'str' }, 'returns': 'R' }
            """
        let new = """
            { 'struct': 'R', 'data': { '*a': 'int', 'b': 'str', 'c': 'bool' } }
            { 'command': 'c', 'data': { '*x': 'int', 'y': 'str', 'z': 'bool', '*w': 'int8' }, 'returns': 'R' }
            """
        let changes = try Self.diff(old, new)
        #expect(changes.contains("+ command 'c': arguments: member 'z' added [breaking]"))
        #expect(changes.contains("+ command 'c': arguments: optional member 'w' added [compatible]"))
        #expect(changes.contains("~ command 'c': arguments.y: optional member became required [breaking]"))
        #expect(changes.contains("~ command 'c': arguments.x: required member became optional [compatible]"))
        #expect(changes.contains("~ type 'R': a: required member became optional [breaking]"))
        #expect(changes.contains("~ type 'R': b: optional member became required [compatible]"))
        #expect(changes.contains("+ type 'R': member 'c' added [compatible]"))
        #expect(changes.count == 7)
    }

    @Test func integerNarrowingBreaksArgumentsAndWideningBreaksReturns() throws {
        let changes = try Self.diff(
            "{ 'struct': 'R', 'data': { 'v': 'int32' } }\n{ 'command': 'c', 'data': { 'n': 'int32' }, 'returns': 'R' }",
            "{ 'struct': 'R', 'data': { 'v': 'int64' } }\n{ 'command': 'c', 'data': { 'n': 'int8' }, 'returns': 'R' }")
        #expect(changes.contains("~ command 'c': arguments.n: integer type changed from int32 to int8 [breaking]"))
        #expect(changes.contains("~ type 'R': v: integer type changed from int32 to int64 [breaking]"))
    }

    @Test func downstreamAdditionsWithoutTheDoubleUnderscorePrefixAreFlagged() throws {
        let changes = try Self.diff(
            "{ 'command': 'c', 'data': { 'a': 'int' } }",
            "{ 'command': 'c', 'data': { 'a': 'int', '*__com.example_b': 'int', '*c': 'int' } }\n{ 'command': 'd' }\n{ 'command': '__com.example_e' }",
            downstream: true)
        #expect(
            changes.contains(
                "+ command 'd': new command [compatible] [downstream name without '__' prefix, QMP spec section 6]"))
        #expect(
            changes.contains(
                "+ command 'c': arguments: optional member 'c' added [compatible] [downstream name without '__' prefix, QMP spec section 6]"
            ))
        #expect(changes.contains("+ command '__com.example_e': new command [compatible]"))
        #expect(changes.contains("+ command 'c': arguments: optional member '__com.example_b' added [compatible]"))
    }

    @Test func typeNamesDoNotMatterAcrossIntrospection() throws {
        let source = try SchemaLoader.loadSource(
            files: ["x": "{ 'struct': 'A', 'data': { 'v': 'int' } }\n{ 'command': 'c', 'returns': 'A' }"], main: "x"
        ).schema
        var entries = IntrospectionRenderer.render(source).arrayValue ?? []
        let renamed = JSONWriter.compact.string(.array(entries)).replacingOccurrences(of: "\"A\"", with: "\"17\"")
        entries = try JSONParser.parse(renamed).arrayValue ?? []
        let obfuscated = try IntrospectionLoader.load(.array(entries))
        #expect(SchemaDiff.compare(source, obfuscated).changes.isEmpty)
    }
}
