/// Turns the comment lines of one `##` block into a `DocComment`.
///
/// Lenient by design: old schemas wrote docs loosely (lost indentation, `#optional` markers,
/// `Since 1.2` without a colon), and a doc that reads oddly is at most a style warning.
struct DocCommentParser {
    /// One comment line: the text after `#` and the byte offset of the `#` in its file.
    struct Line {
        var text: String
        var offset: Int
    }

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
    ///   - source: the file, to turn offsets into locations.
    /// - Returns: the doc comment.
    static func parse(_ lines: [Line], at offset: Int, in source: SourceText) -> DocComment {
        var doc = DocComment(
            symbol: nil, body: "", members: [], features: [], sections: [],
            location: source.location(of: offset))
        var part = Part.body
        var bodyLines: [String] = []
        var isFirst = true
        for line in lines {
            let text = line.text.utf8.first == UInt8(ascii: " ") ? line.text.dropFirst() : line.text[...]
            if isFirst {
                isFirst = false
                if let (name, rest) = atEntry(text), rest.isEmpty {
                    doc.symbol = name
                    continue
                }
            }
            if case .section(let index) = part, doc.sections[index].tag == "Example" || doc.sections[index].tag == "Notes",
                !startsSection(text)
            {
                doc.sections[index].text += "\n"
                doc.sections[index].text += text
                continue
            }
            if let (tag, rest) = sectionStart(text) {
                if tag == "Features" {
                    part = .featureList
                    continue
                }
                doc.sections.append(DocComment.Section(tag: tag, text: rest, location: source.location(of: line.offset)))
                part = .section(doc.sections.count - 1)
                continue
            }
            if let (name, rest) = atEntry(text) {
                let entry = DocComment.Entry(name: name, text: stripOptionalMarker(rest), location: source.location(of: line.offset))
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
            let trimmed = text.trimmingSpaces
            switch part {
            case .member(let index) where !trimmed.isEmpty:
                doc.members[index].text = joined(doc.members[index].text, trimmed)
            case .feature(let index) where !trimmed.isEmpty:
                doc.features[index].text = joined(doc.features[index].text, trimmed)
            case .section(let index):
                doc.sections[index].text += "\n"
                doc.sections[index].text += text
            case .member, .feature, .featureList:
                // A blank line ends a description; free text after it belongs to the body again.
                part = .body
            case .body:
                bodyLines.append(String(text))
            }
        }
        doc.body = bodyLines.joined(separator: "\n").trimmingBlankLines
        // Example text keeps its leading blank lines: exchange line numbers count from the tag line.
        for index in doc.sections.indices where doc.sections[index].tag != "Example" {
            doc.sections[index].text = doc.sections[index].text.trimmingBlankLines
        }
        return doc
    }

    /// `@name: rest` → (name, rest).
    static func atEntry(_ text: Substring) -> (String, String)? {
        guard text.utf8.first == UInt8(ascii: "@"), let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = text[text.index(after: text.startIndex)..<colon]
        let isNameByte: (UInt8) -> Bool = {
            isASCIILetter($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        guard !name.isEmpty, name.utf8.allSatisfy(isNameByte) else { return nil }
        return (String(name), text[text.index(after: colon)...].trimmingSpaces)
    }

    /// `Returns: rest` → ("Returns", rest); also `Since 1.2` without a colon.
    static func sectionStart(_ text: Substring) -> (String, String)? {
        let bytes = text.utf8
        guard let first = bytes.first, isASCIIUpper(first), bytes.count < 200 else { return nil }
        guard bytes.contains(UInt8(ascii: ":")) || bytes.starts(with: "Since ".utf8) else { return nil }
        // The tag word in ASCII letters; a non-ASCII byte after it never leaves ':' or ' ' next,
        // so byte and Character boundaries agree on every line that can start a section.
        let wordEnd = bytes.firstIndex { !isASCIILetter($0) } ?? bytes.endIndex
        guard let tag = sectionTags[String(text[..<wordEnd])] else { return nil }
        let rest = text[wordEnd...]
        if rest.hasPrefix(":") { return (tag, String(rest.dropFirst()).trimmingSpaces) }
        if tag == "Since", rest.hasPrefix(" "), Version(parsing: String(rest)) != nil {
            return (tag, String(rest).trimmingSpaces)
        }
        return nil
    }

    static func startsSection(_ text: Substring) -> Bool { sectionStart(text) != nil }

    static func stripOptionalMarker(_ text: String) -> String {
        text.utf8.first == UInt8(ascii: "#") && text.hasPrefix("#optional") ? String(text.dropFirst("#optional".count)).trimmingSpaces : text
    }

    static func joined(_ head: String, _ tail: String) -> String { head.isEmpty ? tail : head + "\n" + tail }

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
    var trimmingSpaces: String { trimming { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") } }

    /// The text without leading and trailing blank lines (and surrounding whitespace).
    var trimmingBlankLines: String {
        trimming {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n")
        }
    }

    /// The text without leading and trailing ASCII bytes matching `isTrimmed` (never splits a scalar).
    private func trimming(_ isTrimmed: (UInt8) -> Bool) -> String {
        let bytes = utf8
        guard let start = bytes.firstIndex(where: { !isTrimmed($0) }), let end = bytes.lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
