import Foundation

/// The bytes of one input file (shared, immutable) and the knowledge to turn a byte offset into `line:column`.
///
/// Parsers keep plain byte offsets (cheap), and only a diagnostic pays for the conversion: the
/// table of line starts is built the first time a location is resolved. (Sendable: the table is
/// written once under `lock`; a pthread lock, which ThreadSanitizer understands.)
public final class SourceText: @unchecked Sendable {
    /// The path or label used in locations.
    public let file: String
    /// The UTF-8 bytes of the file.
    public let bytes: [UInt8]
    private let lock = NSLock()
    /// The table, once built (guarded by `lock`).
    private var lines: Lines?

    /// Where each line starts, and whether a column is a byte distance.
    private struct Lines: Sendable {
        var starts: [Int]
        /// Whether every byte is ASCII, so that a column is a byte distance.
        var isASCII: Bool

        init(_ bytes: [UInt8]) {
            var starts = [0]
            var highBits: UInt8 = 0
            bytes.withUnsafeBufferPointer { buffer in
                for index in buffer.indices {
                    let byte = buffer[index]
                    highBits |= byte
                    if byte == UInt8(ascii: "\n") { starts.append(index + 1) }
                }
            }
            self.starts = starts
            isASCII = highBits & 0x80 == 0
        }
    }

    /// Wraps bytes read from a file.
    /// - Parameters:
    ///   - file: the path or label shown in locations.
    ///   - bytes: the file's contents.
    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
    }

    /// Wraps a string (tests, inline snippets).
    /// - Parameters:
    ///   - file: the label shown in locations.
    ///   - text: the contents.
    public convenience init(file: String, text: String) { self.init(file: file, bytes: Array(text.utf8)) }

    /// The location of a byte offset.
    /// - Parameter offset: a byte offset into `bytes` (clamped to the end).
    /// - Returns: its location; the line and column are worked out when read.
    public func location(of offset: Int) -> SourceLocation {
        SourceLocation(self, offset: min(max(offset, 0), bytes.count))
    }

    private var table: Lines {
        lock.withLock {
            if let lines { return lines }
            let built = Lines(bytes)
            lines = built
            return built
        }
    }

    /// The 1-based line and column of a byte offset, the column counted in Unicode scalars.
    func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        let table = table
        // The last line start at or before the offset (line starts are ascending; the first is 0).
        let low = table.starts.withUnsafeBufferPointer { starts in
            var low = 0
            var high = starts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= offset { low = mid } else { high = mid - 1 }
            }
            return low
        }
        let start = table.starts[low]
        // Count scalars: continuation bytes (10xxxxxx) do not start a column.
        let column =
            table.isASCII ? offset - start + 1 : bytes[start..<offset].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return (low + 1, column)
    }

    /// The text of the 1-based line `line`, without its line end.
    /// - Parameter line: 1-based line number.
    /// - Returns: the line's text, or an empty string past the end.
    public func lineText(_ line: Int) -> String {
        let starts = table.starts
        guard line >= 1, line <= starts.count else { return "" }
        let start = starts[line - 1]
        var end = line < starts.count ? starts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }
}
