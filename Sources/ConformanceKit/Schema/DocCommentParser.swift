/// Turns the comment lines of one `##` block into a `DocComment`.
///
/// Lenient by design: old schemas wrote docs loosely (lost indentation, `#optional` markers,
/// `Since 1.2` without a colon), and a doc that reads oddly is at most a style warning.
struct DocCommentParser {
    /// One comment line: where its text (after `#`, without a trailing `\r`) is in the file, and
    /// the byte offset of the `#`. Lines stay byte ranges: strings are built once per entry.
    struct Line {
        var text: Range<Int>
        var offset: Int
    }

    /// A line's bytes (or part of them), indexed from 0.
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Tags that open a section, with the normalised name they are stored under.
    static let sectionTags: [String: String] = [
        "Returns": "Returns", "Return": "Returns", "Errors": "Errors", "Error": "Errors", "Since": "Since",
        "Notes": "Notes", "Note": "Notes", "Example": "Example", "Examples": "Example", "TODO": "TODO",
        "Features": "Features",
    ]

    private enum Part {
        case body
        case member(Int)
        case feature(Int)
        case featureList
        case section(Int)
    }

    /// Parses a block.
    /// - Parameters:
    ///   - lines: the lines between the opening and closing `##`, exclusive.
    ///   - offset: where the opening `##` is.
    ///   - source: the file: its bytes hold the lines, and it turns offsets into locations.
    /// - Returns: the doc comment.
    static func parse(_ lines: [Line], at offset: Int, in source: SourceText) -> DocComment {
        source.bytes.withUnsafeBufferPointer { parse(lines, at: offset, in: source, bytes: $0) }
    }

    private static func parse(_ lines: [Line], at offset: Int, in source: SourceText, bytes: Bytes) -> DocComment {
        var doc = DocComment(
            symbol: nil, body: "", members: [], features: [], sections: [],
            location: source.location(of: offset))
        var part = Part.body
        // The text of the current member, feature or section, and of the body, as UTF-8.
        var current: [UInt8] = []
        var body: [UInt8] = []
        var hasBodyLine = false
        /// Stores `current` into the entry or section it belongs to; call before `part` changes.
        func finish() {
            switch part {
            case .member(let index): doc.members[index].text = String(decoding: current, as: UTF8.self)
            case .feature(let index): doc.features[index].text = String(decoding: current, as: UTF8.self)
            case .section(let index): doc.sections[index].text = String(decoding: current, as: UTF8.self)
            case .body, .featureList: break
            }
            current.removeAll(keepingCapacity: true)
        }
        for (number, line) in lines.enumerated() {
            var text = Bytes(rebasing: bytes[line.text])
            if text.first == UInt8(ascii: " ") { text = Bytes(rebasing: text.dropFirst()) }
            if number == 0, let (name, rest) = atEntry(text), rest.isEmpty {
                doc.symbol = name
                continue
            }
            if case .section(let index) = part,
                doc.sections[index].tag == "Example" || doc.sections[index].tag == "Notes",
                !startsSection(text)
            {
                current.append(UInt8(ascii: "\n"))
                current.append(contentsOf: text)
                continue
            }
            if let (tag, rest) = sectionStart(text) {
                finish()
                if tag == "Features" {
                    part = .featureList
                    continue
                }
                doc.sections.append(DocComment.Section(tag: tag, text: "", location: source.location(of: line.offset)))
                current.append(contentsOf: rest.utf8)
                part = .section(doc.sections.count - 1)
                continue
            }
            if let (name, rest) = atEntry(text) {
                finish()
                current.append(contentsOf: withoutOptionalMarker(rest))
                let entry = DocComment.Entry(name: name, text: "", location: source.location(of: line.offset))
                switch part {
                case .featureList, .feature:
                    doc.features.append(entry)
                    part = .feature(doc.features.count - 1)
                default:
                    doc.members.append(entry)
                    part = .member(doc.members.count - 1)
                }
                continue
            }
            let trimmed = trimmed(text, isTrimmed: isSpace)
            switch part {
            case .member, .feature:
                guard !trimmed.isEmpty else {
                    // A blank line ends a description; free text after it belongs to the body
                    // again, but `@name:` lines after a feature's stay in the `Features:` list.
                    let inFeatures = if case .feature = part { true } else { false }
                    finish()
                    part = inFeatures ? .featureList : .body
                    break
                }
                if !current.isEmpty { current.append(UInt8(ascii: "\n")) }
                current.append(contentsOf: trimmed)
            case .section:
                current.append(UInt8(ascii: "\n"))
                current.append(contentsOf: text)
            case .featureList:
                // `Features:` may be followed by a blank line (QEMU 9.x on); text ends the list.
                guard !trimmed.isEmpty else { break }
                part = .body
                if hasBodyLine { body.append(UInt8(ascii: "\n")) }
                body.append(contentsOf: text)
                hasBodyLine = true
            case .body:
                if hasBodyLine { body.append(UInt8(ascii: "\n")) }
                body.append(contentsOf: text)
                hasBodyLine = true
            }
        }
        finish()
        doc.body = body.withUnsafeBufferPointer { String(decoding: trimmed($0, isTrimmed: isBlank), as: UTF8.self) }
        // Example text keeps its leading blank lines: exchange line numbers count from the tag line.
        for index in doc.sections.indices where doc.sections[index].tag != "Example" {
            doc.sections[index].text = doc.sections[index].text.trimmingBlankLines
        }
        return doc
    }

    /// `@name: rest` → (name, rest without surrounding spaces).
    static func atEntry(_ text: Bytes) -> (String, Bytes)? {
        guard text.first == UInt8(ascii: "@"), let colon = text.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = Bytes(rebasing: text[1..<colon])
        let isNameByte: (UInt8) -> Bool = {
            isASCIILetter($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                || $0 == UInt8(ascii: ".")
        }
        guard !name.isEmpty, name.allSatisfy(isNameByte) else { return nil }
        return (
            String(decoding: name, as: UTF8.self), trimmed(Bytes(rebasing: text[(colon + 1)...]), isTrimmed: isSpace)
        )
    }

    /// `Returns: rest` → ("Returns", rest); also `Since 1.2` without a colon.
    static func sectionStart(_ text: Bytes) -> (String, String)? {
        guard let first = text.first, isASCIIUpper(first) else { return nil }
        // The tag word in ASCII letters; a non-ASCII byte after it never leaves ':' or ' ' next,
        // so byte and Character boundaries agree on every line that can start a section.
        let wordEnd = text.firstIndex { !isASCIILetter($0) } ?? text.endIndex
        // Every tag is followed by ':' (or, for `Since 1.2`, a space): most prose lines stop here.
        guard wordEnd < text.endIndex, text[wordEnd] == UInt8(ascii: ":") || text[wordEnd] == UInt8(ascii: " "),
            let tag = sectionTags[String(decoding: Bytes(rebasing: text[..<wordEnd]), as: UTF8.self)],
            decodedCount(text) < 200
        else {
            return nil
        }
        let rest = Bytes(rebasing: text[wordEnd...])
        if startsWithCharacter(UInt8(ascii: ":"), rest) {
            return (
                tag, String(decoding: trimmed(Bytes(rebasing: rest.dropFirst()), isTrimmed: isSpace), as: UTF8.self)
            )
        }
        if tag == "Since", startsWithCharacter(UInt8(ascii: " "), rest),
            Version(parsing: String(decoding: rest, as: UTF8.self)) != nil
        {
            return (tag, String(decoding: trimmed(rest, isTrimmed: isSpace), as: UTF8.self))
        }
        return nil
    }

    static func startsSection(_ text: Bytes) -> Bool { sectionStart(text) != nil }

    /// The text without an old `#optional` marker (and the spaces after it).
    static func withoutOptionalMarker(_ text: Bytes) -> Bytes {
        let marker = "#optional".utf8
        guard text.starts(with: marker),
            text.count == marker.count || text[marker.count] < 0x80
                || String(decoding: text, as: UTF8.self).hasPrefix("#optional")
        else { return text }
        return trimmed(Bytes(rebasing: text.dropFirst(marker.count)), isTrimmed: isSpace)
    }

    /// Whether the text's first Character is the ASCII `byte` alone (not combined with a mark).
    static func startsWithCharacter(_ byte: UInt8, _ text: Bytes) -> Bool {
        guard text.first == byte else { return false }
        return text.count == 1 || text[1] < 0x80
            || String(decoding: text, as: UTF8.self).first == Character(Unicode.Scalar(byte))
    }

    /// The UTF-8 length of the text as a `String` would hold it (invalid bytes become U+FFFD).
    static func decodedCount(_ text: Bytes) -> Int {
        text.allSatisfy { $0 < 0x80 } ? text.count : String(decoding: text, as: UTF8.self).utf8.count
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    static func isBlank(_ byte: UInt8) -> Bool { isSpace(byte) || byte == UInt8(ascii: "\n") }

    /// The bytes without leading and trailing bytes matching `isTrimmed` (all ASCII, so never part of a scalar).
    static func trimmed(_ text: Bytes, isTrimmed: (UInt8) -> Bool) -> Bytes {
        guard let start = text.firstIndex(where: { !isTrimmed($0) }),
            let end = text.lastIndex(where: { !isTrimmed($0) })
        else {
            return Bytes(rebasing: text[0..<0])
        }
        return Bytes(rebasing: text[start...end])
    }

    /// The `->`/`<-` groups of an example section.
    static func exchanges(in section: DocComment.Section) -> [DocComment.Exchange] {
        var result: [DocComment.Exchange] = []
        var current: DocComment.Exchange?
        var line = section.location.line
        func finish() {
            guard var exchange = current else { return }
            exchange.text = exchange.text.trimmingSpaces
            result.append(exchange)
            current = nil
        }
        for (index, rawLine) in section.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = rawLine.trimmingSpaces
            let utf8 = Array(text.utf8.prefix(2))
            let isRequest = utf8 == [UInt8(ascii: "-"), UInt8(ascii: ">")]
            if isRequest || utf8 == [UInt8(ascii: "<"), UInt8(ascii: "-")] {
                finish()
                // The section text starts on the tag line; an example's first arrow is on a later line.
                line = section.location.line + index
                current = DocComment.Exchange(
                    direction: isRequest ? .request : .reply, text: String(text.dropFirst(2)),
                    location: SourceLocation(file: section.location.file, line: line, column: 1))
            } else if text.isEmpty {
                finish()
            } else if current != nil {
                current?.text += "\n" + text
            }
        }
        finish()
        return result
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        trimming { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }

    /// The text without leading and trailing blank lines (and surrounding whitespace).
    var trimmingBlankLines: String {
        trimming {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n")
        }
    }

    /// The text without leading and trailing ASCII bytes matching `isTrimmed` (never splits a scalar).
    private func trimming(_ isTrimmed: (UInt8) -> Bool) -> String {
        let bytes = utf8
        guard let start = bytes.firstIndex(where: { !isTrimmed($0) }),
            let end = bytes.lastIndex(where: { !isTrimmed($0) })
        else {
            return ""
        }
        return String(self[start...end])
    }
}
