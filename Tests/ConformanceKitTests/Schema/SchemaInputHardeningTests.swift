import Testing

@testable import ConformanceKit

/// Hostile or odd input is read as QEMU reads it, in time linear in its size: huge objects and
/// names, CR and CRLF line ends, bytes that are not UTF-8.
struct SchemaInputHardeningTests {
    /// Loads one in-memory file given as bytes.
    static func load(_ bytes: [UInt8], strict: Bool = false) throws(DiagnosticError) -> SchemaLoader.Result {
        let loader = QAPISourceLoader { _ in bytes }
        return try SchemaLoader.loadSource(path: "input.json", options: .init(strict: strict), loader: loader)
    }

    /// The first error of a load that must fail.
    static func firstError(_ bytes: [UInt8]) throws -> Diagnostic {
        do {
            _ = try load(bytes)
        } catch {
            return try #require(error.diagnostics.first)
        }
        Issue.record("expected an error")
        return Diagnostic(.error, "")
    }

    /// 20,000 members took 3.2 s (release) when each member was compared with every other one:
    /// the duplicate-key check, the duplicate-member check and the base-clash check are linear now.
    @Test func aStructOfTwentyThousandMembersLoads() throws {
        let members = (0..<20_000).map { "'m\($0)': 'int'" }.joined(separator: ", ")
        let schema = try Self.load(
            Array(
                "{ 'struct': 'Big', 'base': 'Base', 'data': { \(members) } }\n{ 'struct': 'Base', 'data': { 'b': 'int' } }"
                    .utf8)
        ).schema
        #expect(schema.type(named: "Big")?.object?.members.count == 20_001)
    }

    @Test func duplicatesInLargeObjectsAreStillFound() throws {
        let members = (0..<100).map { "'m\($0)': 'int'" }.joined(separator: ", ")
        let key = try Self.firstError(Array("{ 'struct': 'Big', 'data': { \(members), 'm7': 'str' } }".utf8))
        #expect(key.message == "duplicate key 'm7'")
        let cName = try Self.firstError(
            Array("{ 'struct': 'Big', 'data': { \(members), 'm_7x': 'str', 'm-7x': 'int' } }".utf8))
        #expect(cName.message.hasPrefix("member 'm-7x' of 'Big' collides with member 'm_7x'"))
    }

    /// A 1 MB unknown type name took 2.75 s and 204 MB in the "did you mean" search, which built
    /// an edit-distance table against every type name; a name far longer than any is never near.
    @Test func aMegabyteUnknownTypeNameIsReportedWithoutASuggestion() throws {
        let name = String(repeating: "X", count: 1_000_000)
        let error = try Self.firstError(Array("{ 'struct': 'Thing', 'data': { 'a': '\(name)' } }".utf8))
        #expect(error.message.hasPrefix("unknown type 'XXX"))
        #expect(error.hint == nil)
        #expect(Suggestion.closest(to: name, among: ["XXXX", "str", "int"]) == nil)
        #expect(Suggestion.closest(to: "Strr", among: ["Str", "int"]) == "Str")
    }

    @Test(arguments: ["\r", "\r\n", "\n"])
    func everyLineEndQEMUReadsEndsALine(lineEnd: String) throws {
        let text =
            ["# a comment", "{ 'command': 'one' }", "{ 'command': 'two' }", "{ 'command': 'three', 'data': 'Nope' }"]
            .joined(separator: lineEnd) + lineEnd
        let error = try Self.firstError(Array(text.utf8))
        #expect(error.message.hasPrefix("unknown type 'Nope'"))
        #expect(error.location?.line == 4)
        #expect(error.location?.column == 31)
        let loaded = try Self.load(Array(text.utf8.dropLast(lineEnd.utf8.count + 18)) + Array("}".utf8))
        #expect(loaded.schema.commands.map(\.name) == ["one", "two", "three"])
    }

    @Test func invalidUTF8InACommentIsALocatedError() throws {
        let bytes = Array("{ 'command': 'one' }\n# caf".utf8) + [0xE9] + Array(" au lait\n".utf8)
        let error = try Self.firstError(bytes)
        #expect(error.message == "invalid UTF-8")
        #expect(error.location == SourceLocation(file: "input.json", line: 2, column: 6))
        #expect(try Self.load(Array("# café\n{ 'command': 'one' }\n".utf8)).schema.commands.count == 1)
    }
}
