/// The bytes of one input file (shared, immutable) and the knowledge to turn a byte offset into `line:column`.
///
/// Parsers keep plain byte offsets (cheap), and only a diagnostic pays for the conversion.
public final class SourceText: Sendable {
    /// The path or label used in locations.
    public let file: String
    /// The UTF-8 bytes of the file.
    public let bytes: [UInt8]
    private let lineStarts: [Int]
    /// Whether every byte is ASCII, so that a column is a byte distance.
    private let isASCII: Bool

    /// Wraps bytes read from a file.
    /// - Parameters:
    ///   - file: the path or label shown in locations.
    ///   - bytes: the file's contents.
    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        var starts = [0]
        var highBits: UInt8 = 0
        bytes.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                let byte = buffer[index]
                highBits |= byte
                if byte == UInt8(ascii: "\n") { starts.append(index + 1) }
            }
        }
        lineStarts = starts
        isASCII = highBits & 0x80 == 0
    }

    /// Wraps a string (tests, inline snippets).
    /// - Parameters:
    ///   - file: the label shown in locations.
    ///   - text: the contents.
    public convenience init(file: String, text: String) { self.init(file: file, bytes: Array(text.utf8)) }

    /// The location of a byte offset.
    /// - Parameter offset: a byte offset into `bytes` (clamped to the end).
    /// - Returns: its 1-based line and column, the column counted in Unicode scalars.
    public func location(of offset: Int) -> SourceLocation {
        let offset = min(max(offset, 0), bytes.count)
        // The last line start at or before the offset (line starts are ascending; the first is 0).
        let low = lineStarts.withUnsafeBufferPointer { starts in
            var low = 0
            var high = starts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= offset { low = mid } else { high = mid - 1 }
            }
            return low
        }
        let start = lineStarts[low]
        // Count scalars: continuation bytes (10xxxxxx) do not start a column.
        let column = isASCII ? offset - start + 1 : bytes[start..<offset].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return SourceLocation(file: file, line: low + 1, column: column)
    }

    /// The text of the 1-based line `line`, without its line end.
    /// - Parameter line: 1-based line number.
    /// - Returns: the line's text, or an empty string past the end.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }
}
