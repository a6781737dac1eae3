/// Groups one file's comment lines into `##` doc blocks, in file order, and checks where each
/// block stands: a definition's doc must come right before it, a free-form doc must not, and
/// a block must open and close with a bare `##`. Part of `QAPISourceLoader`; the findings are
/// warnings (errors under `--strict`), as in QEMU they are doc-comment rules, not schema faults.
struct DocBlockReader {
    let source: SourceText
    /// The warnings so far, in file order.
    private(set) var findings: [Diagnostic] = []
    /// The warnings only QEMU 6.0 to 9.x rules give (see `DocCommentChecker.Findings`).
    private(set) var findingsBeforeTenZero: [Diagnostic] = []
    /// The last closed block, until an expression takes it.
    private var pending: DocComment?
    /// The lines of the block being read (one buffer for every block of the file).
    private var lines: [DocCommentParser.Line] = []
    /// Where the open block's `##` is, while one is open.
    private var openedAt: Int?

    init(source: SourceText) { self.source = source }

    /// Reads one comment (`text` is what follows its `#`).
    mutating func read(comment text: Range<Int>) {
        let offset = text.lowerBound - 1
        let bytes = source.bytes
        let isMarker = !text.isEmpty && bytes[text.lowerBound] == UInt8(ascii: "#")  // `##...`
        let isBareMarker = isMarker && text.count == 1
        if let start = openedAt {
            guard isMarker else {
                lines.append(DocCommentParser.Line(text: text, offset: offset))
                return
            }
            if !isBareMarker { warn("junk after '##' at end of documentation comment", at: offset) }
            let checked = DocCommentChecker.check(lines, end: offset, in: source)
            findings += checked.always
            findingsBeforeTenZero += checked.beforeTenZero
            pending = DocCommentParser.parse(lines, at: start, in: source)
            openedAt = nil
        } else if isMarker {
            if !isBareMarker { warn("junk after '##' at start of documentation comment", at: offset) }
            rejectUnattached()
            lines.removeAll(keepingCapacity: true)
            openedAt = offset
        }
    }

    /// The doc block an expression at `offset` takes: a definition's doc when one stands right
    /// before it (nil for a free-form block, which QEMU rejects there).
    /// - Parameter isDefinition: false for an `include` or `pragma`, which no doc may precede.
    mutating func take(before offset: Int, isDefinition: Bool) -> DocComment? {
        if openedAt != nil {
            warn("documentation comment must end with '##'", at: offset)
            openedAt = nil
        }
        guard isDefinition else {
            rejectUnattached()
            return nil
        }
        defer { pending = nil }
        guard let doc = pending else { return nil }
        guard doc.symbol != nil else {
            findings.append(Diagnostic(.warning, "definition documentation required", at: doc.location))
            return nil
        }
        return doc
    }

    /// Ends the file: an open block is unterminated, a pending definition doc documents nothing.
    mutating func finish() {
        if openedAt != nil {
            let bytes = source.bytes
            // At the end of the last line, as QEMU (which reads a final newline as the end) puts it.
            let end = bytes.last == UInt8(ascii: "\n") ? bytes.count - 1 : bytes.count
            warn("documentation comment must end with '##'", at: end)
            openedAt = nil
        }
        rejectUnattached()
    }

    /// Reports a pending definition doc that no definition follows.
    private mutating func rejectUnattached() {
        if let symbol = pending?.symbol, let location = pending?.location {
            findings.append(
                Diagnostic(.warning, "documentation for '\(symbol)' is not followed by the definition", at: location))
        }
        pending = nil
    }

    private mutating func warn(_ message: String, at offset: Int) {
        findings.append(Diagnostic(.warning, message, at: source.location(of: offset)))
    }
}
