/// Splits the byte stream from a QMP server into lines (one message per line).
///
/// A pure struct: `append` bytes as they arrive, then call `nextLine()` until it returns `nil`.
/// Lines end with CRLF (QMP spec §2.1.1) or a bare LF (the guest agent); each line records which,
/// so a check can report a missing CR. A line longer than `maximumMessageSize` throws
/// `QMPProtocolError.messageTooLarge` once and is then skipped up to its end, without ever
/// holding more than the limit in memory. It does not parse JSON.
public struct QMPFramer: Sendable {
    /// One complete line.
    public struct Line: Sendable, Hashable {
        /// How a line ended.
        public enum Terminator: Sendable, Hashable {
            /// `\r\n`, as the spec requires.
            case crlf
            /// A bare `\n`.
            case lf
        }

        /// The line's bytes without the terminator.
        public var bytes: [UInt8]
        /// How it ended.
        public var terminator: Terminator

        /// Creates a line.
        /// - Parameters:
        ///   - bytes: content without terminator.
        ///   - terminator: how it ended.
        public init(_ bytes: [UInt8], terminator: Terminator) {
            self.bytes = bytes
            self.terminator = terminator
        }

        /// The line as it was on the wire, terminator included.
        public var rawBytes: [UInt8] { bytes + (terminator == .crlf ? [13, 10] : [10]) }
    }

    /// The default limit: 8 MiB (QEMU 7.2's `query-qmp-schema` reply is about 207 KB).
    public static let defaultMaximumMessageSize = 8 << 20

    /// The largest line accepted, terminator excluded.
    public let maximumMessageSize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var discarding = false

    /// Creates a framer.
    /// - Parameter maximumMessageSize: the largest line accepted, in bytes.
    public init(maximumMessageSize: Int = QMPFramer.defaultMaximumMessageSize) {
        self.maximumMessageSize = max(1, maximumMessageSize)
    }

    /// Adds bytes received from the server.
    /// - Parameter bytes: the next bytes of the stream.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if discarding {
            guard let newline = bytes.firstIndex(of: 10) else { return }
            discarding = false
            buffer.append(contentsOf: bytes[bytes.index(after: newline)...])
            return
        }
        buffer.append(contentsOf: bytes)
    }

    /// Takes out the next complete line, if one is buffered.
    /// - Returns: the line, or `nil` when more bytes are needed.
    /// - Throws: `QMPProtocolError.messageTooLarge` when a line exceeds the limit (once per line).
    public mutating func nextLine() throws(QMPProtocolError) -> Line? {
        if discarding { return nil }
        guard let newline = buffer[scanned...].firstIndex(of: 10) else {
            scanned = buffer.count
            if buffer.count - start > maximumMessageSize + 1 {
                buffer.removeAll(keepingCapacity: false)
                start = 0
                scanned = 0
                discarding = true
                throw .messageTooLarge(limit: maximumMessageSize)
            }
            compactIfNeeded()
            return nil
        }
        var end = newline
        var terminator = Line.Terminator.lf
        if end > start, buffer[end - 1] == 13 {
            end -= 1
            terminator = .crlf
        }
        let length = end - start
        let line = length <= maximumMessageSize ? Line(Array(buffer[start..<end]), terminator: terminator) : nil
        start = newline + 1
        scanned = start
        compactIfNeeded()
        guard let line else { throw .messageTooLarge(limit: maximumMessageSize) }
        return line
    }

    /// Bytes received but not yet part of a complete line.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Whether the stream stopped inside a message (bytes buffered or a long line being skipped).
    public var isMidMessage: Bool { discarding || bufferedByteCount > 0 }

    private mutating func compactIfNeeded() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
            start = 0
            scanned = 0
        } else if start > 4096, start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
    }
}
