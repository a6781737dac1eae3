import Testing

@testable import ConformanceKit

struct QMPFramerTests {
    static let stream = Array(
        (#"{"QMP": {"version": {}, "capabilities": ["oob"]}}"# + "\r\n" + #"{"return": {}}"# + "\r\n"
            + #"{"return": {}, "id": 1}"# + "\n" + "\r\n" + #"{"event": "STOP"}"# + "\r\n").utf8)
    static let expected: [QMPFramer.Line] = [
        .init(Array(#"{"QMP": {"version": {}, "capabilities": ["oob"]}}"#.utf8), terminator: .crlf),
        .init(Array(#"{"return": {}}"#.utf8), terminator: .crlf),
        .init(Array(#"{"return": {}, "id": 1}"#.utf8), terminator: .lf),
        .init([], terminator: .crlf),
        .init(Array(#"{"event": "STOP"}"#.utf8), terminator: .crlf),
    ]

    static func drain(_ framer: inout QMPFramer) throws -> [QMPFramer.Line] {
        var lines: [QMPFramer.Line] = []
        while let line = try framer.nextLine() { lines.append(line) }
        return lines
    }

    @Test func splitsAStreamFedAllAtOnce() throws {
        var framer = QMPFramer()
        framer.append(Self.stream)
        #expect(try Self.drain(&framer) == Self.expected)
        #expect(!framer.isMidMessage)
    }

    @Test func splitsAStreamFedByteByByte() throws {
        var framer = QMPFramer()
        var lines: [QMPFramer.Line] = []
        for byte in Self.stream {
            framer.append([byte])
            lines += try Self.drain(&framer)
        }
        #expect(lines == Self.expected)
    }

    @Test(arguments: [1, 7, 42, 1234])
    func splitsAStreamFedInSeededRandomChunks(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        var framer = QMPFramer()
        var lines: [QMPFramer.Line] = []
        var index = 0
        while index < Self.stream.count {
            let size = Int(generator.next() % 17) + 1
            let end = min(Self.stream.count, index + size)
            framer.append(Self.stream[index..<end])
            lines += try Self.drain(&framer)
            index = end
        }
        #expect(lines == Self.expected)
    }

    @Test func reportsAPartialMessageAtTheEnd() throws {
        var framer = QMPFramer()
        framer.append(Array(#"{"return": {}}"#.utf8) + [13, 10] + Array(#"{"ret"#.utf8))
        #expect(try framer.nextLine() != nil)
        #expect(try framer.nextLine() == nil)
        #expect(framer.isMidMessage)
        #expect(framer.bufferedByteCount == 5)
    }

    @Test func rejectsAnOversizedLineOnceWithoutBufferingItThenRecovers() throws {
        var framer = QMPFramer(maximumMessageSize: 64)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 50)
        framer.append(chunk)
        #expect(try framer.nextLine() == nil)
        framer.append(chunk)
        #expect(throws: QMPProtocolError.messageTooLarge(limit: 64)) { try framer.nextLine() }
        #expect(framer.bufferedByteCount == 0)
        for _ in 0..<100 {
            framer.append(chunk)
            #expect(try framer.nextLine() == nil)
            #expect(framer.bufferedByteCount == 0)
        }
        framer.append(Array("xx\r\n{}\r\n".utf8))
        #expect(try framer.nextLine() == QMPFramer.Line([123, 125], terminator: .crlf))
    }

    @Test func rejectsAnOversizedLineThatArrivesWhole() throws {
        var framer = QMPFramer(maximumMessageSize: 8)
        framer.append(Array("0123456789\r\n{}\r\n".utf8))
        #expect(throws: QMPProtocolError.messageTooLarge(limit: 8)) { try framer.nextLine() }
        #expect(try framer.nextLine() == QMPFramer.Line([123, 125], terminator: .crlf))
    }

    @Test func acceptsALineOfExactlyTheLimit() throws {
        var framer = QMPFramer(maximumMessageSize: 8)
        framer.append(Array("01234567".utf8))
        #expect(try framer.nextLine() == nil)
        framer.append([13, 10])
        #expect(try framer.nextLine()?.bytes.count == 8)
    }
}

/// A small deterministic generator for seeded tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
