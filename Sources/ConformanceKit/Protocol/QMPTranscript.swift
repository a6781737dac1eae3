/// Every byte exchanged on one connection, in order, with our monotonic time.
///
/// Sent entries are whole writes; received entries are whole lines, terminator included, so a
/// check can see exactly what the server wrote.
public struct QMPTranscript: Sendable, Hashable, CustomStringConvertible {
    /// Who wrote the bytes.
    public enum Direction: String, Sendable, Hashable {
        /// Client to server.
        case sent
        /// Server to client.
        case received
    }

    /// One write or one received line.
    public struct Entry: Sendable, Hashable {
        /// Who wrote it.
        public var direction: Direction
        /// The exact bytes.
        public var bytes: [UInt8]
        /// Our monotonic time.
        public var time: ContinuousClock.Instant

        /// Creates an entry.
        /// - Parameters:
        ///   - direction: who wrote it.
        ///   - bytes: the bytes.
        ///   - time: when.
        public init(_ direction: Direction, _ bytes: [UInt8], at time: ContinuousClock.Instant) {
            self.direction = direction
            self.bytes = bytes
            self.time = time
        }
    }

    /// The entries in order.
    public var entries: [Entry] = []

    /// Creates a transcript.
    /// - Parameter entries: initial entries.
    public init(entries: [Entry] = []) { self.entries = entries }

    /// The entries the server wrote.
    public var received: [Entry] { entries.filter { $0.direction == .received } }

    /// One line per entry: `+1.234ms -> {...}` (sent) or `<- {...}` (received), bytes escaped
    /// where not printable ASCII, times relative to the first entry.
    public var description: String {
        guard let origin = entries.first?.time else { return "" }
        return entries.map { entry in
            let offset = entry.time - origin
            let micros = offset.components.seconds * 1_000_000 + offset.components.attoseconds / 1_000_000_000_000
            let arrow = entry.direction == .sent ? "->" : "<-"
            let milliseconds = Double(micros) / 1000
            return "+\(milliseconds)ms \(arrow) \(Self.printable(entry.bytes))"
        }.joined(separator: "\n")
    }

    /// Bytes as text, with `\r`, `\n`, other control characters and non-ASCII bytes as `\xHH`.
    /// - Parameter bytes: the bytes.
    /// - Returns: a printable rendering.
    public static func printable(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case 13: text += "\\r"
            case 10: text += "\\n"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text
    }
}
