import Foundation

/// Reads a QAPI source file and everything it includes into a flat list of expressions, with
/// doc blocks attached: the first stage of loading a schema from source.
///
/// Includes are relative to the including file and each file is read once, as in QEMU. It does
/// not interpret definitions: `SchemaBuilder` does that.
struct QAPISourceLoader {
    /// What the loader produced: expressions in file order and the files read.
    struct Output {
        var expressions: [QAPIExpression] = []
        /// Every file read, in the order first included (paths as given, then as resolved).
        var files: [String] = []
        var diagnostics = DiagnosticCollector()
    }

    /// Reads a file's bytes; injectable so that tests can load in-memory trees.
    var readFile: @Sendable (String) throws -> [UInt8]

    /// A loader over the real file system.
    static let fileSystem = QAPISourceLoader { path in
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile)
        }
        return [UInt8](data)
    }

    /// Loads a file and its includes.
    /// - Parameters:
    ///   - path: the top file.
    ///   - strict: whether style warnings count as errors.
    /// - Returns: the expressions and diagnostics.
    /// - Throws: `DiagnosticError` for an unreadable file, a syntax error or a missing include.
    func load(_ path: String, strict: Bool = false) throws(DiagnosticError) -> Output {
        var output = Output()
        output.diagnostics.strict = strict
        var seen: Set<String> = []
        let files = readAll(from: path)
        try include(path, from: nil, files: files, into: &output, seen: &seen)
        return output
    }

    /// What one file contributes, in file order; files are read and parsed independently of each other.
    enum Item: Sendable {
        /// A definition or directive, with its doc block.
        case expression(QAPIExpression)
        /// An `include` of a path (resolved against the including file) written at `site`.
        case include(String, site: SourceLocation)
        /// A warning about the file's doc comments.
        case diagnostic(Diagnostic)
        /// A fault that stops the load here (the items before it still count).
        case failure(DiagnosticError)
    }

    /// A file's items, or nil when it could not be read.
    typealias ReadFile = [Item]?

    /// Reads and parses a file and everything it includes, transitively, one include level at a
    /// time with the files of a level in parallel. Only `include` decides what is used and in which
    /// order, so the result is the same as reading one file after another.
    /// - Parameter path: the top file.
    /// - Returns: each path (as `include` will ask for it) to its items.
    private func readAll(from path: String) -> [String: ReadFile] {
        var files: [String: ReadFile] = [:]
        var level = [path]
        while !level.isEmpty {
            let paths = level
            // Each iteration writes only its own slot.
            nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<ReadFile>.allocate(capacity: paths.count)
            slots.initialize(repeating: nil)
            DispatchQueue.concurrentPerform(iterations: paths.count) { index in
                slots[index] = (try? readFile(paths[index])).map { items(of: paths[index], bytes: $0) }
            }
            let results = Array(slots)
            slots.deinitialize().deallocate()
            var next: [String] = []
            for (file, items) in zip(level, results) {
                files[file] = items
                for case .include(let target, _) in items ?? [] where files[target] == nil && !next.contains(target) {
                    next.append(target)
                }
            }
            level = next.filter { files[$0] == nil && !level.contains($0) }
        }
        return files
    }

    private func include(
        _ path: String, from site: SourceLocation?, files: [String: ReadFile], into output: inout Output,
        seen: inout Set<String>
    ) throws(DiagnosticError) {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        guard seen.insert(key).inserted else { return }
        let read = files[path] ?? (try? readFile(path)).map { items(of: path, bytes: $0) }
        guard let items = read else {
            throw DiagnosticError(
                Diagnostic(
                    .error, site == nil ? "cannot read schema file '\(path)'" : "cannot read included file '\(path)'",
                    at: site, hint: "check that the file exists and is readable"))
        }
        output.files.append(path)
        for item in items {
            switch item {
            case .expression(let expression): output.expressions.append(expression)
            case .include(let target, let site):
                try include(target, from: site, files: files, into: &output, seen: &seen)
            case .diagnostic(let diagnostic): output.diagnostics.add(diagnostic)
            case .failure(let error): throw error
            }
        }
    }

    /// Parses one file into its items: expressions with their doc blocks attached, includes,
    /// doc-layout warnings, and a final failure if the file is faulty.
    private func items(of path: String, bytes: [UInt8]) -> [Item] {
        let source = SourceText(file: path, bytes: bytes)
        let parsed: [JSONParser.SequenceItem]
        do {
            parsed = try JSONParser.parseSequenceItems(bytes, dialect: .qapi)
        } catch {
            return [.failure(DiagnosticError(Self.syntaxDiagnostic(error, in: source)))]
        }
        var items: [Item] = []
        var pendingDoc: DocComment?
        var docLines: [DocCommentParser.Line]?
        var docStart = 0
        for item in parsed {
            switch item {
            case .comment(let text):
                let offset = text.lowerBound - 1
                let isDocMarker = text.count == 1 && bytes[text.lowerBound] == UInt8(ascii: "#")  // `##`
                if docLines != nil {
                    if isDocMarker {
                        pendingDoc = DocCommentParser.parse(docLines ?? [], at: docStart, in: source)
                        docLines = nil
                    } else {
                        docLines?.append(DocCommentParser.Line(text: text, offset: offset))
                    }
                } else if isDocMarker {
                    docLines = []
                    docStart = offset
                    pendingDoc = nil
                }
            case .value(let value, let node):
                guard let object = value.objectValue else { continue }
                if docLines != nil {
                    items.append(
                        .diagnostic(
                            Diagnostic(
                                .warning, "documentation comment is not terminated with '##'",
                                at: source.location(of: docStart))))
                    docLines = nil
                }
                let expression = QAPIExpression(
                    object: object, node: node, source: source, doc: pendingDoc?.symbol == nil ? nil : pendingDoc)
                pendingDoc = nil
                if let (target, targetNode, _) = expression.member("include") {
                    guard let relative = target.stringValue else {
                        items.append(
                            .failure(
                                DiagnosticError(
                                    Diagnostic(
                                        .error, "value of 'include' must be a string",
                                        at: expression.location(targetNode.offset)))))
                        return items
                    }
                    let resolved = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(
                        relative
                    ).path
                    items.append(.include(resolved, site: expression.location(targetNode.offset)))
                } else {
                    items.append(.expression(expression))
                }
            }
        }
        if docLines != nil {
            items.append(
                .diagnostic(
                    Diagnostic(
                        .warning, "documentation comment is not terminated with '##'", at: source.location(of: docStart)
                    )))
        }
        return items
    }

    /// A located syntax error, with a hint when the text looks like a line-numbered listing
    /// (a copy taken from a web page with line numbers, such as some old schema copies).
    static func syntaxDiagnostic(_ error: JSONParseError, in source: SourceText) -> Diagnostic {
        var diagnostic = error.diagnostic(in: source)
        let location = source.location(of: error.offset)
        let line = source.lineText(location.line).trimmingSpaces
        if let first = line.first, first.isNumber,
            line.drop(while: { $0.isNumber }).first == " " || line.allSatisfy(\.isNumber)
        {
            diagnostic.hint =
                "the line starts with a number: this looks like a listing with line numbers, not a QAPI file; "
                + "strip the numbers (and restore any lines the listing left out) before loading it"
        } else if error.message.hasPrefix("unterminated string") {
            diagnostic.hint = "close the string on the same line; QAPI strings cannot span lines"
        }
        return diagnostic
    }
}
