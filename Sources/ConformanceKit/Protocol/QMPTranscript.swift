/// The bytes exchanged on one connection, in order, with our monotonic time, up to a byte limit.
///
/// Sent entries are whole writes; received entries are whole lines, terminator included, so a
/// check can see exactly what the server wrote. A transcript keeps at most `byteLimit` bytes
/// (default `defaultByteLimit`, 64 KiB, per case: `QMPClient.takeTranscript()` starts a new
/// one): the entry that crosses the limit keeps its first bytes and summarises the rest as a
/// `ByteElision` (count and FNV-1a digest), and later entries are only counted in `omitted`. A
/// hostile endpoint's 7 MiB reply or event flood thus costs a report 64 KiB, not the flood.
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
        /// The bytes of this entry left out after `bytes` (nil when it was kept whole).
        public var elided: ByteElision?
        /// How many file descriptors the write passed with its bytes (`SCM_RIGHTS`).
        public var passedDescriptors = 0

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

    /// The default `byteLimit`: 64 KiB.
    public static let defaultByteLimit = 64 << 10

    /// The entries kept, in order.
    public var entries: [Entry] = []
    /// The most bytes `append` keeps.
    public let byteLimit: Int
    /// How many entries arrived after the limit was reached and were not kept.
    public private(set) var omittedEntries = 0
    /// Those entries' bytes, counted and digested.
    public private(set) var omitted = ByteElision()
    private var keptBytes = 0

    /// Creates a transcript.
    /// - Parameters:
    ///   - entries: initial entries, kept as they are.
    ///   - byteLimit: the most bytes `append` keeps.
    public init(entries: [Entry] = [], byteLimit: Int = QMPTranscript.defaultByteLimit) {
        self.entries = entries
        self.byteLimit = max(0, byteLimit)
        keptBytes = entries.reduce(0) { $0 + $1.bytes.count }
    }

    /// Records bytes, within the byte limit: whole, cut short with the rest summarised, or only
    /// counted in `omitted` once the limit is reached.
    /// - Parameters:
    ///   - direction: who wrote them.
    ///   - bytes: the bytes (only the part kept is copied).
    ///   - passedDescriptors: how many file descriptors went with them.
    ///   - time: when.
    public mutating func append(
        _ direction: Direction, _ bytes: some Collection<UInt8>, passedDescriptors: Int = 0,
        at time: ContinuousClock.Instant
    ) {
        let room = byteLimit - keptBytes
        guard room > 0 else {
            omittedEntries += 1
            omitted.add(bytes)
            return
        }
        var entry = Entry(direction, Array(bytes.prefix(room)), at: time)
        entry.passedDescriptors = passedDescriptors
        if bytes.count > room {
            var elided = ByteElision()
            elided.add(bytes.dropFirst(room))
            entry.elided = elided
        }
        keptBytes += entry.bytes.count
        entries.append(entry)
    }

    /// Adds another transcript's entries and omissions (entries are then put in time order).
    /// - Parameter other: a transcript of another connection.
    public mutating func merge(_ other: QMPTranscript) {
        entries = (entries + other.entries).sorted { $0.time < $1.time }
        keptBytes += other.keptBytes
        omittedEntries += other.omittedEntries
        omitted.add(other.omitted)
    }

    /// The entries the server wrote.
    public var received: [Entry] { entries.filter { $0.direction == .received } }

    /// One line per entry: `+1.234ms -> {...}` (sent; `-> (+1 fd) {...}` when the write passed a
    /// file descriptor) or `<- {...}` (received), bytes escaped
    /// where not printable ASCII, times relative to the first entry; an entry cut short ends in
    /// `... N bytes elided, fnv1a 0x...`, and a last line counts the entries left out.
    public var description: String {
        guard let origin = entries.first?.time else { return "" }
        var lines = entries.map { entry in
            let offset = entry.time - origin
            let micros = offset.components.seconds * 1_000_000 + offset.components.attoseconds / 1_000_000_000_000
            let passed = entry.passedDescriptors > 0 ? " (+\(entry.passedDescriptors) fd)" : ""
            let arrow = (entry.direction == .sent ? "->" : "<-") + passed
            let milliseconds = Double(micros) / 1000
            let cut = entry.elided.map { "... \($0)" } ?? ""
            return "+\(milliseconds)ms \(arrow) \(Self.printable(entry.bytes))\(cut)"
        }
        if omittedEntries > 0 { lines.append("... \(omittedEntries) more entries, \(omitted)") }
        return lines.joined(separator: "\n")
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
