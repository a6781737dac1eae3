import Testing

@testable import ConformanceKit

struct ValueMatcherTests {
    static func value(_ text: String) -> JSONValue { try! JSONParser.parse(text) }

    @Test func exactComparesObjectsWithoutOrder() {
        #expect(
            ValueMatcher.exact(Self.value(#"{"a": 1, "b": [1, 2]}"#)).matches(Self.value(#"{"b": [1, 2], "a": 1}"#)))
        #expect(!ValueMatcher.exact(Self.value(#"{}"#)).matches(Self.value(#"{"a": 1}"#)))
        #expect(!ValueMatcher.exact(Self.value("[1, 2]")).matches(Self.value("[2, 1]")))
    }

    @Test func subsetAllowsExtraMembersAndElementsInAnyOrder() {
        let matcher = ValueMatcher.subset(Self.value(#"[{"name": "nic0", "addr": {"type": "inet"}}]"#))
        #expect(
            matcher.matches(
                Self.value(#"[{"name": "x"}, {"name": "nic0", "extra": 1, "addr": {"type": "inet", "port": "1"}}]"#)))
        #expect(!matcher.matches(Self.value(#"[{"name": "nic0", "addr": {"type": "unix"}}]"#)))
        #expect(!matcher.matches(Self.value(#"{"name": "nic0"}"#)))
    }

    @Test func subsetMismatchesNameTheirPaths() {
        let mismatches = ValueMatcher.subset(Self.value(#"{"a": {"b": 1, "c": 2}}"#))
            .mismatches(Self.value(#"{"a": {"b": 3}}"#), at: JSONPath.root.appending("return"))
        #expect(mismatches.map(\.path.description) == ["return.a.b", "return.a.c"])
        #expect(mismatches.map(\.expected) == ["1", "2"])
        #expect(mismatches.map(\.actual) == ["3", "absent"])
    }

    @Test(arguments: [
        ("null", JSONValue.Kind.null, true), ("1", .integer, true), ("1", .number, true), ("1.5", .integer, false),
        ("1.5", .number, true), (#""x""#, .string, true), ("[]", .array, true), ("{}", .array, false),
        ("true", .boolean, true),
    ])
    func kindMatchesTheJSONKind(text: String, kind: JSONValue.Kind, expected: Bool) {
        #expect(ValueMatcher.kind(kind).matches(Self.value(text)) == expected)
    }

    @Test func shapeChecksMemberTypesAndEveryElement() {
        let shape = ValueMatcher.shape(Self.value(#"[{"name": "string", "table": ["integer"]}]"#))
        #expect(
            shape.matches(Self.value(#"[{"name": "a", "table": [1, 2], "more": null}, {"name": "b", "table": []}]"#)))
        let mismatches = shape.mismatches(Self.value(#"[{"name": "a", "table": [1, "2"]}, {"table": []}]"#))
        #expect(mismatches.map(\.path.description) == ["[0].table[1]", "[1].name"])
    }

    @Test func regexMatchesStringsOnly() {
        #expect(ValueMatcher.regex("^Device '.*' not found$").matches("Device 'x' not found"))
        #expect(ValueMatcher.regex("found").matches("Device 'x' not found"), "unanchored: found anywhere")
        #expect(!ValueMatcher.regex("^found").matches("Device 'x' not found"))
        #expect(!ValueMatcher.regex(".*").matches(1))
    }

    @Test func countAndCombinations() {
        let matcher = ValueMatcher.all([.kind(.array), .count(2)])
        #expect(matcher.matches(Self.value("[1, 2]")))
        #expect(matcher.mismatches(Self.value("[1]")).map(\.expected) == ["2 elements"])
        #expect(matcher.mismatches(Self.value("{}")).count == 2)
    }

    @Test func substitutionRewritesValuesAndEscapesPatterns() throws {
        let variables = CaseVariables(scratch: "/s", captured: ["v": "a.b"])
        let matcher = try ValueMatcher.all([.exact("${v}"), .regex("^${v}$")]).substituting(
            values: { (value) throws(CaseVariables.Failure) in try variables.substitute(value) },
            patterns: { (pattern) throws(CaseVariables.Failure) in try variables.substitute(pattern: pattern) })
        #expect(matcher == .all([.exact("a.b"), .regex(#"^a\.b$"#)]))
        #expect(!matcher.matches("axb"))
    }

    @Test func errorExpectationChecksClassAndDescription() {
        let expectation = ErrorExpectation(errorClass: .deviceNotFound, descPattern: "not found")
        #expect(expectation.mismatches(QMPErrorInfo(errorClass: .deviceNotFound, desc: "Device 'x' not found")).isEmpty)
        let mismatches = expectation.mismatches(QMPErrorInfo(errorClass: .genericError, desc: "nope"))
        #expect(mismatches.map(\.path.description) == ["error.class", "error.desc"])
        #expect(ErrorExpectation().mismatches(QMPErrorInfo(errorClass: .genericError, desc: "x")).isEmpty)
    }
}
