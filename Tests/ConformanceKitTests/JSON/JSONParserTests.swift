import Testing

@testable import ConformanceKit

struct JSONParserTests {
    @Test(arguments: [
        ("18446744073709551615", JSONValue.uint(UInt64.max)),
        ("9223372036854775807", JSONValue.int(Int64.max)),
        ("9223372036854775808", JSONValue.uint(UInt64(Int64.max) + 1)),
        ("-9223372036854775808", JSONValue.int(Int64.min)),
        ("0", JSONValue.int(0)),
        ("-0", JSONValue.int(0)),
        ("1.5", JSONValue.double(1.5)),
        ("1e3", JSONValue.double(1000)),
        ("18446744073709551616", JSONValue.double(18_446_744_073_709_551_616)),
    ])
    func integersAreExactAcrossInt64AndUInt64(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(arguments: ["18446744073709551615", "-9223372036854775808", "9223372036854775807", "0", "-1"])
    func integersRoundTripThroughTheWriter(text: String) throws {
        #expect(JSONWriter.compact.string(try JSONParser.parse(text)) == text)
    }

    @Test func objectsKeepMemberOrderButCompareWithoutIt() throws {
        let value = try JSONParser.parse(#"{"b": 1, "a": [true, null, "x"]}"#)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value == ["a": [true, nil, "x"], "b": 1])
        #expect(value.hashValue == JSONValue(dictionaryLiteral: ("a", [true, nil, "x"]), ("b", 1)).hashValue)
    }

    @Test func stringEscapesAndSurrogatePairsDecode() throws {
        let value = try JSONParser.parse(#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"\\/\u{8}\u{c}\n\r\té😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 8, "expected a quoted member name"),
        ("[1, 2", 5, "unterminated array"),
        ("{\"a\" 1}", 5, "expected ':' after key 'a'"),
        ("\"abc", 0, "unterminated string"),
        ("01", 0, "leading zeros"),
        ("{\"a\":1,\"a\":2}", 7, "duplicate key 'a'"),
        ("tru", 0, "expected a value"),
        ("\"\\x\"", 1, "unknown escape"),
        ("\"\\ud800\"", 1, "unpaired UTF-16 surrogate"),
        ("{} x", 3, "after the end of the value"),
        ("", 0, "expected a JSON value"),
        ("\"a\u{01}\"", 2, "control character"),
    ])
    func malformedInputReportsTheOffendingOffset(text: String, offset: Int, message: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.offset == offset && error.message.contains(message)
        }
    }

    @Test func invalidUTF8IsAnErrorNotACrash() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func deepNestingIsRejectedInsteadOfOverflowingTheStack() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func errorOffsetsBecomeLineAndColumn() {
        let source = SourceText(file: "x.json", text: "{\n  \"a\": 1,\n  é: 2\n}")
        do {
            _ = try JSONParser.parse(source.bytes)
            Issue.record("expected an error")
        } catch {
            #expect(
                error.diagnostic(in: source).description.hasPrefix("x.json:3:3: error: expected a quoted member name"))
        }
    }

    @Test func qapiDialectTakesSingleQuotesCommentsAndBareKeys() throws {
        let text = """
            # leading comment
            ##
            # @Foo:
            ##
            { 'struct': 'Foo', # trailing comment
              'data': { '*a': 'str', b: ['int'] } }
            """
        let items = try JSONParser.parseSequence(Array(text.utf8))
        let comments = items.compactMap { if case .comment(let text, _) = $0 { text } else { nil } }
        #expect(comments == [" leading comment", "#", " @Foo:", "#"])
        guard case .value(let value, let node) = items.last else {
            Issue.record("no value")
            return
        }
        #expect(value == ["struct": "Foo", "data": ["*a": "str", "b": ["int"]]])
        #expect(node.keyOffsets.count == 2)
    }

    @Test func positionsLeadToEveryNestedMemberKeyAndElement() throws {
        let text = #"{"a": [1, {"b": true, "c": [null]}], "d": {}}"#
        let (_, root) = try JSONParser.parseLocated(Array(text.utf8))
        #expect(root.offset == 0)
        #expect(root.keyOffsets == [1, 37])
        let array = root.child(0)
        #expect(array.offset == 6 && array.count == 2)
        let inner = array.child(1)
        #expect(inner.offset == 10)
        #expect(inner.keyOffset(1) == 22)
        #expect(inner.child(1).child(0).offset == 28)
        #expect(root.child(1).count == 0)
        // Past the end, a node answers with itself, so a fault still has a location.
        #expect(inner.child(5).offset == inner.offset)
        #expect(inner.keyOffset(5) == inner.offset)
    }

    @Test func sequencePositionsBelongToTheirOwnExpression() throws {
        let text = "{ 'x': ['a'] }\n# note\n{ 'y': { 'z': 'b' } }"
        let items = try JSONParser.parseSequence(Array(text.utf8))
        let nodes = items.compactMap { if case .value(_, let node) = $0 { node } else { nil } }
        #expect(nodes.map(\.offset) == [0, 22])
        #expect(nodes[0].child(0).child(0).offset == 8)
        #expect(nodes[1].child(0).keyOffset(0) == 31)
        #expect(nodes[1].child(0).child(0).offset == 36)
    }

    @Test func qapiDialectRejectsNumbersWithALocatedMessage() {
        #expect {
            _ = try JSONParser.parseSequence(Array("8 # Guest name".utf8))
        } throws: { error in
            (error as? JSONParseError)?.offset == 0
        }
    }

    @Test func writerEscapesControlAndNonASCIICharacters() throws {
        let text = JSONWriter.compact.string(["k": "a\u{1}é\"\n"])
        #expect(text == #"{"k":"a\u0001\u00E9\"\n"}"#)
        #expect(try JSONParser.parse(text) == ["k": "a\u{1}é\"\n"])
    }

    @Test func prettyWriterSortsKeysAndIndents() {
        let text = JSONWriter.pretty.string(["b": [1, 2], "a": [:]])
        #expect(text == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ]\n}")
    }
}
