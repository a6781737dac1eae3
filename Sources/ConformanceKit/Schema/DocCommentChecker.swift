/// Checks the layout of one `##` block against QEMU's doc-comment rules and returns each
/// breach as a located warning (an error under `--strict`); `DocCommentParser` reads the content.
///
/// The rules are those every QEMU era from 6.0 on enforces, read leniently enough that the
/// free text of 5.2, the section style of 6.x to 8.x and the rST style of 9.x on (`Features:`
/// followed by a blank line, `Errors:` sections, continuation lines indented by four) pass:
/// a space after `#`, a symbol line ending in `:`, no `=` heading in a definition's doc, named
/// and unique `@name:` descriptions before the tagged sections, one `Returns:` and one `Since:`,
/// no empty section, and continuation lines that do not fall back left of their description.
struct DocCommentChecker {
    typealias Bytes = DocCommentParser.Bytes

    /// The tags that open a section (the union of every era's: 9.x added `Errors:`).
    static let sectionTags: Set<String> = [
        "Returns", "Since", "Note", "Notes", "Example", "Examples", "TODO", "Errors",
    ]
    /// The sections a block may have once.
    static let uniqueSections: Set<String> = ["Returns", "Since"]

    /// The part of the block the line being read belongs to.
    private enum Part: Equatable {
        case body
        case entry
        case featureList
        /// A tagged section, or (nil) free text after the descriptions.
        case section(String?)
    }

    /// The breaches found, and those only QEMU 6.0 to 9.x count (10.0 reads a flush-left line
    /// after `@name: text` as a new paragraph, where 6.x to 8.x see a description de-indented).
    struct Findings {
        var always: [Diagnostic] = []
        var beforeTenZero: [Diagnostic] = []
    }

    private let source: SourceText
    private var findings = Findings()
    private var isDefinition = false
    private var part = Part.body
    private var members: Set<String> = []
    private var features: Set<String> = []
    private var tags: Set<String> = []
    /// The first section's tag, for "can't follow" ("None" for free text, as QEMU says).
    private var firstSection: String?
    /// The description or section being read: its name, whether it has text yet, and the
    /// column its text started in on the tag line.
    private var current: (name: String, hasText: Bool, textColumn: Int?)?
    /// The least indentation the current text's continuation lines need, once its first one is read.
    private var indentBar: Int?
    private var previousBlank = false

    private init(source: SourceText) { self.source = source }

    /// The breaches of one block.
    /// - Parameters:
    ///   - lines: the lines between the opening and closing `##`.
    ///   - end: where the closing `##` is (an empty last section is reported there).
    ///   - source: the file.
    /// - Returns: the warnings, in line order.
    static func check(_ lines: [DocCommentParser.Line], end: Int, in source: SourceText) -> Findings {
        source.bytes.withUnsafeBufferPointer { bytes in
            var checker = DocCommentChecker(source: source)
            for (number, line) in lines.enumerated() {
                checker.read(Bytes(rebasing: bytes[line.text]), at: line.offset, isFirst: number == 0)
            }
            checker.finishCurrent(at: end)
            return checker.findings
        }
    }

    private mutating func warn(_ message: String, at offset: Int, beforeTenZeroOnly: Bool = false) {
        let diagnostic = Diagnostic(.warning, message, at: source.location(of: offset))
        if beforeTenZeroOnly {
            findings.beforeTenZero.append(diagnostic)
        } else {
            findings.always.append(diagnostic)
        }
    }

    private mutating func read(_ raw: Bytes, at offset: Int, isFirst: Bool) {
        guard let first = raw.first, !raw.allSatisfy(DocCommentParser.isSpace) else {
            previousBlank = true
            return
        }
        if first != UInt8(ascii: " ") { warn("missing space after #", at: offset) }
        let text = first == UInt8(ascii: " ") ? Bytes(rebasing: raw.dropFirst()) : raw
        if isDefinition, text.first == UInt8(ascii: "=") {
            warn("unexpected '=' markup in definition documentation", at: offset)
        }
        if isFirst, text.first == UInt8(ascii: "@") {
            readSymbol(text, at: offset)
        } else if !isDefinition {
            if let entry = Self.entryName(text) {
                warn("'@\(entry):' not allowed in free-form documentation", at: offset)
            }
        } else if let entry = Self.entryName(text) {
            readEntry(entry, text, at: offset)
        } else if text.elementsEqual("Features:".utf8) {
            finishCurrent(at: offset)
            part = .featureList
        } else if let tag = Self.sectionTag(text) {
            readSectionTag(tag, text, at: offset)
        } else {
            readText(text, at: offset)
        }
        previousBlank = false
    }

    private mutating func readSymbol(_ text: Bytes, at offset: Int) {
        guard text.last == UInt8(ascii: ":") else {
            warn("line should end with ':'", at: offset)
            return
        }
        isDefinition = true
        if text.count == 2 { warn("name required after '@'", at: offset) }
    }

    private mutating func readEntry(_ name: String, _ text: Bytes, at offset: Int) {
        if case .section = part {
            warn("'@\(name):' can't follow '\(firstSection ?? "None")' section", at: offset)
            return
        }
        finishCurrent(at: offset)
        let isFeature = part == .featureList
        if name.isEmpty {
            warn("invalid parameter name", at: offset)
        } else if !(isFeature ? features.insert(name).inserted : members.insert(name).inserted) {
            warn("'\(name)' parameter name duplicated", at: offset)
        }
        if part != .featureList { part = .entry }
        start(name, afterPrefixOf: text, prefixLength: name.utf8.count + 2)
    }

    private mutating func readSectionTag(_ tag: String, _ text: Bytes, at offset: Int) {
        finishCurrent(at: offset)
        if Self.uniqueSections.contains(tag), !tags.insert(tag).inserted {
            warn("duplicated '\(tag)' section", at: offset)
        }
        firstSection = firstSection ?? tag
        part = .section(tag)
        start(tag, afterPrefixOf: text, prefixLength: tag.utf8.count + 1)
    }

    /// Starts a description or tagged section whose tag takes `prefixLength` bytes of `text`.
    private mutating func start(_ name: String, afterPrefixOf text: Bytes, prefixLength: Int) {
        let rest = text.dropFirst(prefixLength)
        let textStart = rest.firstIndex { !DocCommentParser.isSpace($0) }
        current = (name, textStart != nil, textStart.map { $0 - text.startIndex })
        indentBar = nil
    }

    private mutating func readText(_ text: Bytes, at offset: Int) {
        let indent = text.prefix { $0 == UInt8(ascii: " ") }.count
        guard let description = current else {
            if part == .entry || part == .featureList, previousBlank, indent == 0 { startFreeText() }
            return
        }
        if previousBlank, indent == 0, description.hasText {
            // A paragraph flush left after a blank line ends the description (or section); in
            // a section whose text starts on the tag line, QEMU 6.x to 8.x call it a de-indent.
            if case .section(let tag?) = part, let column = description.textColumn {
                warn(
                    "unexpected de-indent (expected at least \(column) spaces) in the '\(tag)' section", at: offset,
                    beforeTenZeroOnly: true)
            }
            finishCurrent(at: offset)
            startFreeText()
            return
        }
        if let indentBar {
            if indent < indentBar, !previousBlank {
                warn("unexpected de-indent (expected at least \(indentBar) spaces)", at: offset)
            }
        } else if indent == 0, let column = description.textColumn {
            warn("unexpected de-indent (expected at least \(column) spaces)", at: offset, beforeTenZeroOnly: true)
        } else {
            // The first continuation line sets the bar: QEMU 6.x to 8.x align it with the text
            // after the tag, 9.x on indent it by four; either is at least as far as it needs.
            indentBar = description.textColumn.map { min($0, indent) } ?? indent
        }
        current?.hasText = true
    }

    /// Free text after the descriptions: an untagged section (further `@name:` lines are out of place).
    private mutating func startFreeText() {
        part = .section(nil)
        firstSection = firstSection ?? "None"
    }

    /// Ends the description or section being read; an empty one is reported where it ends.
    mutating func finishCurrent(at offset: Int) {
        if let description = current, !description.hasText {
            warn("empty doc section '\(description.name)'", at: offset)
        }
        current = nil
        indentBar = nil
    }

    /// The name of an `@name:` line (the first word starts with `@` and ends with `:`), or nil.
    static func entryName(_ text: Bytes) -> String? {
        guard text.first == UInt8(ascii: "@") else { return nil }
        let word = text.prefix { $0 != UInt8(ascii: " ") }
        guard word.count >= 2, word.last == UInt8(ascii: ":") else { return nil }
        return String(decoding: word.dropFirst().dropLast(), as: UTF8.self)
    }

    /// The tag of a line that opens a tagged section (`Returns: ...`), or nil.
    static func sectionTag(_ text: Bytes) -> String? {
        guard let first = text.first, isASCIIUpper(first) else { return nil }
        let word = text.prefix { $0 != UInt8(ascii: " ") }
        guard word.count >= 2, word.last == UInt8(ascii: ":") else { return nil }
        let tag = String(decoding: word.dropLast(), as: UTF8.self)
        return sectionTags.contains(tag) ? tag : nil
    }
}
