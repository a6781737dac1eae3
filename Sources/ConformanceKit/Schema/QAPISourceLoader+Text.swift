/// How the loader reads a file's bytes as text before parsing, as QEMU's front end (which
/// opens schema files as UTF-8 in universal-newline mode) does.
extension QAPISourceLoader {
    /// The bytes with every line end a line feed: `\r\n` and a lone `\r` become `\n` (a file
    /// with CR line ends is otherwise one long comment). The bytes themselves when they hold no `\r`.
    static func withLineFeeds(_ bytes: [UInt8]) -> [UInt8] {
        guard let firstReturn = bytes.firstIndex(of: UInt8(ascii: "\r")) else { return bytes }
        var result = Array(bytes[..<firstReturn])
        result.reserveCapacity(bytes.count)
        var index = firstReturn
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\r") {
                result.append(UInt8(ascii: "\n"))
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            } else {
                result.append(byte)
            }
            index += 1
        }
        return result
    }

    /// The offset of the first byte that is not valid UTF-8, or nil when all of it is.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        // ASCII (almost every schema byte) needs no decoding: only a run with a high bit is parsed.
        guard let firstHigh = bytes.firstIndex(where: { $0 >= 0x80 }) else { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes[firstHigh...].makeIterator()
        var offset = firstHigh
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
