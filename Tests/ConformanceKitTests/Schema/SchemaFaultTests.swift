import TestSupport
import Testing

@testable import ConformanceKit

/// Every structural or semantic fault in a schema stops the load with an error at the place of
/// the fault; `1️⃣` marks where each diagnostic must point.
struct SchemaFaultTests {
    struct Fault: CustomTestStringConvertible, Sendable {
        var name: String
        var marked: String
        var message: String
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(
            name: "unterminated string", marked: "{ 'struct': 1️⃣'Foo }\n{ 'struct': 'Bar' }",
            message: "unterminated string"),
        Fault(name: "missing comma", marked: "{ 'struct': 'Foo' 1️⃣'data': {} }", message: "expected ',' or '}'"),
        Fault(
            name: "unterminated expression", marked: "{ 'struct': 'Foo', 'data': { 'a': 'int' }1️⃣\n",
            message: "unterminated object"),
        Fault(name: "number in schema", marked: "{ 'struct': 'Foo', 'data': { 'a': 1️⃣42 } }", message: "no numbers"),
        Fault(name: "top level not an object", marked: "1️⃣[ 'struct' ]", message: "expected '{'"),
        Fault(
            name: "unknown meta-type", marked: "1️⃣{ 'structure': 'Foo', 'data': {} }",
            message: "must have one of the keys"),
        Fault(name: "unknown key", marked: "{ 'struct': 'Foo', 1️⃣'date': {} }", message: "unknown key 'date'"),
        Fault(
            name: "unknown type", marked: "{ 'struct': 'Foo', 'data': { 'a': 1️⃣'Bar' } }", message: "unknown type 'Bar'"),
        Fault(
            name: "unknown type in array", marked: "{ 'command': 'x', 'returns': 1️⃣['Nope'] }",
            message: "unknown type 'Nope'"),
        Fault(
            name: "duplicate definition", marked: "{ 'enum': 'E', 'data': ['a'] }\n{ 'struct': 1️⃣'E', 'data': {} }",
            message: "'E' is already defined at <snippet>:1:11"),
        Fault(
            name: "duplicate member", marked: "{ 'struct': 'Foo', 'data': { 'a': 'int', 1️⃣'*a': 'str' } }",
            message: "member 'a' of 'Foo' is duplicated"),
        Fault(
            name: "duplicate enum value", marked: "{ 'enum': 'E', 'data': ['a', 1️⃣'a'] }",
            message: "enum value 'a' is duplicated"),
        Fault(
            name: "member clashes with base",
            marked:
                "{ 'struct': 'B', 'data': { 'a': 'int' } }\n{ 'struct': 'S', 'base': 'B', 'data': { 1️⃣'a': 'str' } }",
            message: "collides with member 'a' of its base"),
        Fault(
            name: "dash and underscore clash", marked: "{ 'struct': 'Foo', 'data': { 'a-b': 'int', 1️⃣'a_b': 'str' } }",
            message: "member 'a_b' of 'Foo' collides"),
        Fault(
            name: "base cycle",
            marked: "{ 'struct': 1️⃣'A', 'base': 'B', 'data': {} }\n{ 'struct': 'B', 'base': 'A', 'data': {} }",
            message: "base cycle: A -> B -> A"),
        Fault(
            name: "base is not a struct",
            marked: "{ 'enum': 'E', 'data': ['x'] }\n{ 'struct': 'S', 'base': 1️⃣'E', 'data': {} }",
            message: "base 'E' of 'S' must be a struct type, not enum"),
        Fault(
            name: "discriminator not in base",
            marked:
                "{ 'enum': 'E', 'data': ['x'] }\n{ 'union': 'U', 'base': { 'kind': 'E' }, 'discriminator': 1️⃣'type', 'data': {} }",
            message: "discriminator 'type' of union 'U' is not a member of its base"),
        Fault(
            name: "discriminator not an enum",
            marked: "{ 'union': 'U', 'base': { 'type': 'str' }, 'discriminator': 1️⃣'type', 'data': {} }",
            message: "must be of enum type"),
        Fault(
            name: "optional discriminator",
            marked:
                "{ 'enum': 'E', 'data': ['x'] }\n{ 'union': 'U', 'base': { '*type': 'E' }, 'discriminator': 1️⃣'type', 'data': {} }",
            message: "must not be optional"),
        Fault(
            name: "branch not an enum value",
            marked: """
                { 'enum': 'E', 'data': ['x'] }
                { 'struct': 'S', 'data': {} }
                { 'union': 'U', 'base': { 'type': 'E' }, 'discriminator': 'type', 'data': { 1️⃣'y': 'S' } }
                """,
            message: "branch 'y' of union 'U' is not a value of enum 'E'"),
        Fault(
            name: "branch type not an object",
            marked:
                "{ 'enum': 'E', 'data': ['x'] }\n{ 'union': 'U', 'base': { 'type': 'E' }, 'discriminator': 'type', 'data': { 'x': 1️⃣'int' } }",
            message: "must be an object type"),
        Fault(
            name: "flat union without base", marked: "{ 'union': 1️⃣'U', 'discriminator': 'type', 'data': {} }",
            message: "requires 'base'"),
        Fault(
            name: "ambiguous alternate",
            marked: "{ 'enum': 'E', 'data': ['x'] }\n{ 'alternate': 1️⃣'A', 'data': { 'e': 'E', 's': 'str' } }",
            message: "can't be distinguished from 'e'"),
        Fault(name: "empty alternate", marked: "{ 'alternate': 1️⃣'A', 'data': {} }", message: "at least one branch"),
        Fault(
            name: "bad if operator", marked: "{ 'struct': 'S', 'data': {}, 'if': { 1️⃣'either': ['A'] } }",
            message: "unknown key 'either'"),
        Fault(
            name: "empty if list", marked: "{ 'struct': 'S', 'data': {}, 'if': { 'all': 1️⃣[] } }",
            message: "'if' condition [] is useless"),
        Fault(
            name: "if of wrong type", marked: "{ 'struct': 'S', 'data': {}, 'if': 1️⃣true }",
            message: "'if' condition must be"),
        Fault(
            name: "invalid name", marked: "{ 'struct': 'S', 'data': { 1️⃣'a b': 'int' } }",
            message: "not a valid QAPI name"),
        Fault(
            name: "array of two types", marked: "{ 'struct': 'S', 'data': { 'a': 1️⃣['int', 'str'] } }",
            message: "exactly one type name"),
        Fault(
            name: "boxed with inline data", marked: "{ 'command': 'c', 'data': 1️⃣{ 'a': 'int' }, 'boxed': true }",
            message: "'boxed': true requires 'data' to name a type"),
        Fault(
            name: "union as plain data",
            marked: """
                { 'enum': 'E', 'data': ['x'] }
                { 'union': 'U', 'base': { 'type': 'E' }, 'discriminator': 'type', 'data': {} }
                { 'command': 'c', 'data': 1️⃣'U' }
                """, message: "names union 'U'"),
        Fault(
            name: "pragma of the wrong kind", marked: "{ 'pragma': { 'command-name-exceptions': 1️⃣[ 'a', true ] } }",
            message: "pragma 'command-name-exceptions' must be a list of strings"),
        Fault(name: "redefined built-in", marked: "{ 'command': 1️⃣'int' }", message: "'int' is a built-in type"),
        Fault(
            name: "reserved member name", marked: "{ 'struct': 'Thing', 'data': { 1️⃣'has-a': 'int' } }",
            message: "member name 'has-a' is reserved"),
        Fault(name: "reserved q_ name", marked: "{ 'command': 1️⃣'q-unix' }", message: "is reserved"),
        Fault(
            name: "enum values clash in C", marked: "{ 'enum': 'Color', 'data': [ 'one-two', 1️⃣'one_two' ] }",
            message: "enum value 'one_two' collides with value 'one-two'"),
        Fault(
            name: "union with a base but no discriminator",
            marked: "{ 'union': 'Uni', 1️⃣'base': { 'kind': 'str' }, 'data': {} }",
            message: "has a 'base' but no 'discriminator'"),
        Fault(
            name: "union over an empty enum",
            marked: """
                { 'enum': 'Nothing', 'data': [] }
                { 'union': 'Uni', 'base': { 'kind': 'Nothing' }, 'discriminator': 1️⃣'kind', 'data': {} }
                """, message: "union 'Uni' has no branches"),
        Fault(
            name: "string and boolean branches", marked: "{ 'alternate': 1️⃣'Alt', 'data': { 'b': 'bool', 's': 'str' } }",
            message: "branch 's' of alternate 'Alt' can't be distinguished from 'b'"),
        Fault(
            name: "enum with 'on' and boolean",
            marked:
                "{ 'enum': 'Switch', 'data': [ 'on', 'auto' ] }\n{ 'alternate': 1️⃣'Alt', 'data': { 'b': 'bool', 'e': 'Switch' } }",
            message: "can't be distinguished from 'b'"),
        Fault(
            name: "allow-oob with coroutine", marked: "{ 'command': 'run', 'allow-oob': true, 1️⃣'coroutine': true }",
            message: "cannot be both 'allow-oob' and 'coroutine'"),
        Fault(
            name: "deprecated type", marked: "{ 'struct': 'Thing', 'data': {}, 'features': 1️⃣[ 'deprecated' ] }",
            message: "feature 'deprecated' is not supported for types"),
        Fault(
            name: "prefix not a string", marked: "{ 'enum': 'Color', 'data': [ 'red' ], 'prefix': 1️⃣[] }",
            message: "'prefix' must be a string"),
        Fault(
            name: "member object without type", marked: "{ 'struct': 'Thing', 'data': { 'a': 1️⃣{ 'if': 'X' } } }",
            message: "'data' member misses key 'type'"),
        Fault(
            name: "duplicate feature", marked: "{ 'struct': 'S', 'data': {}, 'features': ['a', 1️⃣'a'] }",
            message: "feature 'a' is duplicated"),
        Fault(
            name: "flag not a boolean", marked: "{ 'command': 'c', 'allow-oob': 1️⃣'maybe' }",
            message: "'allow-oob' must be true or false"),
    ]

    @Test(arguments: faults)
    func faultIsReportedAtItsLocation(fault: Fault) throws {
        let marked = MarkedText(fault.marked)
        let expected = try #require(marked.locations["1️⃣"])
        do {
            _ = try SchemaLoader.loadSource(files: ["<snippet>": marked.text], main: "<snippet>")
            Issue.record("\(fault.name): expected an error")
        } catch {
            let matching = error.diagnostics.first { $0.message.contains(fault.message) }
            let diagnostic = try #require(matching, "no error containing '\(fault.message)' in: \(error)")
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.location?.line == expected.line, "\(diagnostic)")
            #expect(diagnostic.location?.column == expected.column, "\(diagnostic)")
        }
    }

    @Test func faultCountCoversAtLeastTwentyDistinctFaults() {
        #expect(Set(Self.faults.map(\.message)).count >= 20)
    }

    @Test func missingIncludeIsReportedAtTheIncludeDirective() throws {
        let marked = MarkedText("{ 'include': 1️⃣'nowhere.json' }")
        do {
            _ = try SchemaLoader.loadSource(files: ["/s/main.json": marked.text], main: "/s/main.json")
            Issue.record("expected an error")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.message == "cannot read included file '/s/nowhere.json'")
            #expect(diagnostic.location == SourceLocation(file: "/s/main.json", line: 1, column: 14))
        }
    }

    @Test func unknownTypeSuggestsTheClosestName() throws {
        do {
            _ = try SchemaLoader.loadSource(
                files: [
                    "x":
                        "{ 'struct': 'NetdevUserOptions', 'data': {} }\n{ 'command': 'c', 'data': { 'a': 'NetdevUserOption' } }"
                ],
                main: "x")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.first?.hint == "did you mean 'NetdevUserOptions'?")
        }
    }

    @Test(.needsShared) func lossyEarlySeedFailsWithALocatedExplanation() throws {
        let path = TestPaths.shared.appendingPathComponent("seeds/003_ff5165e49ed48a9c.txt").path
        do {
            _ = try SchemaLoader.load(path: path)
            Issue.record("expected the line-numbered seed to be rejected")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.location == SourceLocation(file: path, line: 1, column: 1))
            #expect(diagnostic.message.contains("stray '8'"))
            #expect(diagnostic.hint?.contains("line numbers") == true)
            #expect(diagnostic.description.hasPrefix("\(path):1:1: error: "))
        }
    }
}
