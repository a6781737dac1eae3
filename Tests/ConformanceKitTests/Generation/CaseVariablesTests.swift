import Testing

@testable import ConformanceKit

struct CaseVariablesTests {
    static let variables = CaseVariables(
        scratch: "/tmp/s", ports: ["a": "4000", "free_port": "4001"], captured: ["n": 7, "name": "nic0"])

    @Test(arguments: [
        ("${scratch}", JSONValue.string("/tmp/s")),
        ("${scratch}/x.sock", "/tmp/s/x.sock"),
        ("${port:a}", "4000"),
        ("127.0.0.1:${port:a}", "127.0.0.1:4000"),
        ("${free_port}", "4001"),
        ("${n}", 7),
        ("n=${n}", "n=7"),
        ("${name}-${name}", "nic0-nic0"),
        ("$${name}", "${name}"),
        ("cost $5", "cost $5"),
        ("plain", "plain"),
    ])
    func substitutesReferences(text: String, expected: JSONValue) throws {
        #expect(try Self.variables.substitute(.string(text)) == expected)
    }

    @Test func substitutesInsideObjectsArraysAndKeys() throws {
        let value = try JSONParser.parse(#"{"id": "${name}", "list": ["${n}", 1], "${name}": true}"#)
        #expect(
            try Self.variables.substitute(value) == JSONParser.parse(#"{"id": "nic0", "list": [7, 1], "nic0": true}"#))
    }

    @Test func theScratchFilesAValueNamesAreTheWholeStringsDirectlyInsideIt() throws {
        let value = try JSONParser.parse(
            #"{"a": "${scratch}/disk", "b": ["${scratch}/tty", "${scratch}/sub/x", "${scratch}/${port:p}"],"#
                + #" "c": {"d": "${scratch}/disk", "e": "file:${scratch}/dump", "f": "${scratch}"}}"#)
        #expect(CaseVariables.scratchFiles(in: value) == ["disk", "tty"])
    }

    @Test func referencesAreListedInOrder() throws {
        let value = try JSONParser.parse(#"{"a": "${scratch}/${port:x}", "b": ["${v}", "$${w}"]}"#)
        #expect(try CaseVariables.references(in: value) == [.scratch, .port("x"), .captured("v")])
    }

    @Test(arguments: ["${", "${port:}", "${a b}", "${1x}", "x${scratch"])
    func malformedReferencesAreRejected(text: String) {
        #expect(throws: CaseVariables.Failure.self) { try CaseVariables.segments(in: text) }
    }

    @Test func aReferenceWithoutAValueFails() {
        #expect(throws: CaseVariables.Failure.self) { try Self.variables.substitute("${missing}") }
        #expect(throws: CaseVariables.Failure.self) { try Self.variables.substitute("${port:b}") }
    }

    @Test func patternsGetEscapedValues() throws {
        let variables = CaseVariables(scratch: "/s", captured: ["v": "a(b)"])
        #expect(try variables.substitute(pattern: "^${v}$") == #"^a\(b\)$"#)
    }
}
