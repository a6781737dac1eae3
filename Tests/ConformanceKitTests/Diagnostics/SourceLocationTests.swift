import Testing

@testable import ConformanceKit

/// Locations taken from a text keep a byte offset and resolve `line:column` on use; they must
/// read, compare and hash exactly like locations written out by hand.
struct SourceLocationTests {
    static let text = SourceText(file: "f.json", text: "{ 'a': 1 }\n  é 'b'\r\nlast")

    @Test(arguments: [(0, 1, 1), (7, 1, 8), (11, 2, 1), (16, 2, 5), (21, 3, 1), (99, 3, 5)])
    func offsetsResolveToLineAndScalarColumn(offset: Int, line: Int, column: Int) {
        let location = Self.text.location(of: offset)
        #expect(location.file == "f.json")
        #expect(location.line == line)
        #expect(location.column == column)
        #expect(location.description == "f.json:\(line):\(column)")
    }

    @Test func aResolvedLocationEqualsAndHashesLikeTheSamePositionWrittenOut() {
        let taken = Self.text.location(of: 16)
        let written = SourceLocation(file: "f.json", line: 2, column: 5)
        #expect(taken == written)
        #expect(written == taken)
        #expect(taken.hashValue == written.hashValue)
        #expect(Set([taken, written]).count == 1)
        #expect(taken != Self.text.location(of: 15))
        #expect(taken != SourceLocation(file: "g.json", line: 2, column: 5))
    }

    @Test func locationsInTwoTextsOfTheSameFileCompareByPosition() {
        let again = SourceText(file: "f.json", bytes: Self.text.bytes)
        #expect(Self.text.location(of: 11) == again.location(of: 11))
        #expect(Self.text.location(of: 11) < again.location(of: 16))
    }

    @Test func lineTextDropsTheLineEnd() {
        #expect(Self.text.lineText(2) == "  é 'b'")
        #expect(Self.text.lineText(3) == "last")
        #expect(Self.text.lineText(4) == "")
    }
}
