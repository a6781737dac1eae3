/// Turns the comment lines of one `##` block into a `DocComment`.
///
/// Lenient by design: old schemas wrote docs loosely (lost indentation, `#optional` markers,
/// `Since 1.2` without a colon), and a doc that reads oddly is at most a style warning.
struct DocCommentParser {
    /// One comment line: the text after `#` and its location.
    struct Line {
        var text: String
        var location: SourceLocation
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
    ///   - location: where the opening `##` is.
    /// - Returns: the doc comment.
    static func parse(_ lines: [Line], at location: SourceLocation) -> DocComment {
        var doc = DocComment(
            symbol: nil, body: "", members: [], features: [], sections: [], examples: [], location: location)
        var part = Part.body
        var bodyLines: [String] = []
        var isFirst = true
        for line in lines {
            let text = line.text.hasPrefix(" ") ? String(line.text.dropFirst()) : line.text
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
                doc.sections[index].text += "\n" + text
                continue
            }
            if let (tag, rest) = sectionStart(text) {
                if tag == "Features" {
                    part = .featureList
                    continue
                }
                doc.sections.append(DocComment.Section(tag: tag, text: rest, location: line.location))
                part = .section(doc.sections.count - 1)
                continue
            }
            if let (name, rest) = atEntry(text) {
                let entry = DocComment.Entry(name: name, text: stripOptionalMarker(rest), location: line.location)
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
                doc.sections[index].text += "\n" + text
            case .member, .feature, .featureList:
                // A blank line ends a description; free text after it belongs to the body again.
                part = .body
            case .body:
                bodyLines.append(text)
            }
        }
        // Examples first: their line numbers count from the tag line, before blank lines are trimmed.
        doc.examples = doc.sections.filter { $0.tag == "Example" }.map { exchanges(in: $0) }
        doc.body = bodyLines.joined(separator: "\n").trimmingBlankLines
        for index in doc.sections.indices { doc.sections[index].text = doc.sections[index].text.trimmingBlankLines }
        return doc
    }

    /// `@name: rest` → (name, rest).
    static func atEntry(_ text: String) -> (String, String)? {
        guard text.hasPrefix("@"), let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[text.index(after: text.startIndex)..<colon]
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else { return nil }
        return (String(name), String(text[text.index(after: colon)...]).trimmingSpaces)
    }

    /// `Returns: rest` → ("Returns", rest); also `Since 1.2` without a colon.
    static func sectionStart(_ text: String) -> (String, String)? {
        let word = text.prefix { $0.isLetter }
        guard let tag = sectionTags[String(word)] else { return nil }
        let rest = text.dropFirst(word.count)
        if rest.hasPrefix(":") { return (tag, String(rest.dropFirst()).trimmingSpaces) }
        if tag == "Since", rest.hasPrefix(" "), Version(parsing: String(rest)) != nil {
            return (tag, String(rest).trimmingSpaces)
        }
        return nil
    }

    static func startsSection(_ text: String) -> Bool { sectionStart(text) != nil }

    static func stripOptionalMarker(_ text: String) -> String {
        text.hasPrefix("#optional") ? String(text.dropFirst("#optional".count)).trimmingSpaces : text
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
            exchange.json = try? JSONParser.parse(exchange.text)
            result.append(exchange)
            current = nil
        }
        for (index, rawLine) in section.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = rawLine.trimmingSpaces
            let arrow = text.prefix(2)
            if arrow == "->" || arrow == "<-" {
                finish()
                // The section text starts on the tag line; an example's first arrow is on a later line.
                line = section.location.line + index
                current = DocComment.Exchange(
                    direction: arrow == "->" ? .request : .reply, text: String(text.dropFirst(2)), json: nil,
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

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }

    /// The text without leading and trailing blank lines.
    var trimmingBlankLines: String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.trimmingSpaces.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.trimmingSpaces.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
