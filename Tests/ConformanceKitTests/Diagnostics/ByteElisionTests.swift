import Testing

@testable import ConformanceKit

struct ByteElisionTests {
    @Test func boundedTextKeepsWholeCharactersAndSummarisesTheRest() {
        #expect(ByteElision.bounded("short", limit: 10) == "short")
        // "é" is two bytes: a limit that would split it keeps the character out.
        let text = "aé" + String(repeating: "z", count: 100)
        var rest = ByteElision()
        rest.add(Array(text.utf8.dropFirst(1)))
        #expect(ByteElision.bounded(text, limit: 2) == "a... \(rest)")
        #expect(rest.description.hasPrefix("102 bytes elided, fnv1a 0x"))
        #expect(rest.description.count == "102 bytes elided, fnv1a 0x".count + 16)
    }

    @Test func aTranscriptKeepsItsByteLimitAndCountsWhatItLeftOut() {
        var transcript = QMPTranscript(byteLimit: 10)
        let now = ContinuousClock.now
        transcript.append(.sent, Array("12345".utf8), at: now)
        transcript.append(.received, Array("abcdefgh".utf8), at: now)
        transcript.append(.received, Array("never kept".utf8), at: now)
        #expect(transcript.entries.map { String(decoding: $0.bytes, as: UTF8.self) } == ["12345", "abcde"])
        #expect(transcript.entries[1].elided?.byteCount == 3)
        #expect(transcript.omittedEntries == 1)
        #expect(transcript.omitted.byteCount == 10)
        #expect(
            transcript.description.hasSuffix(
                "... 1 more entries, 10 bytes elided, fnv1a 0x\(hex(transcript.omitted.digest))"))
    }

    private func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
