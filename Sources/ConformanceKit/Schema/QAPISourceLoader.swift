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
        try include(path, from: nil, into: &output, seen: &seen)
        return output
    }

    private func include(
        _ path: String, from site: SourceLocation?, into output: inout Output, seen: inout Set<String>
    ) throws(DiagnosticError) {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        guard seen.insert(key).inserted else { return }
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw DiagnosticError(
                Diagnostic(
                    .error, site == nil ? "cannot read schema file '\(path)'" : "cannot read included file '\(path)'",
                    at: site, hint: "check that the file exists and is readable"))
        }
        output.files.append(path)
        let source = SourceText(file: path, bytes: bytes)
        let items: [JSONParser.SequenceItem]
        do {
            items = try JSONParser.parseSequenceItems(bytes, dialect: .qapi)
        } catch {
            throw DiagnosticError(Self.syntaxDiagnostic(error, in: source))
        }
        var pendingDoc: DocComment?
        var docLines: [DocCommentParser.Line]?
        var docStart = 0
        for item in items {
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
                    output.diagnostics.add(
                        Diagnostic(
                            .warning, "documentation comment is not terminated with '##'",
                            at: source.location(of: docStart)))
                    docLines = nil
                }
                let expression = QAPIExpression(
                    object: object, node: node, source: source, docBox: pendingDoc?.symbol == nil ? nil : pendingDoc.map(Boxed.init))
                pendingDoc = nil
                if let (target, targetNode, _) = expression.member("include") {
                    guard let relative = target.stringValue else {
                        throw DiagnosticError(
                            Diagnostic(.error, "value of 'include' must be a string", at: expression.location(targetNode.offset)))
                    }
                    let resolved = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(relative).path
                    try include(resolved, from: expression.location(targetNode.offset), into: &output, seen: &seen)
                } else {
                    output.expressions.append(expression)
                }
            }
        }
        if docLines != nil {
            output.diagnostics.add(
                Diagnostic(.warning, "documentation comment is not terminated with '##'", at: source.location(of: docStart)))
        }
    }

    /// A located syntax error, with a hint when the text looks like a line-numbered listing
    /// (a copy taken from a web page with line numbers, such as some old schema copies).
    static func syntaxDiagnostic(_ error: JSONParseError, in source: SourceText) -> Diagnostic {
        var diagnostic = error.diagnostic(in: source)
        let location = source.location(of: error.offset)
        let line = source.lineText(location.line).trimmingSpaces
        if let first = line.first, first.isNumber, line.drop(while: { $0.isNumber }).first == " " || line.allSatisfy(\.isNumber) {
            diagnostic.hint =
                "the line starts with a number: this looks like a listing with line numbers, not a QAPI file; "
                + "strip the numbers (and restore any lines the listing left out) before loading it"
        } else if error.message.hasPrefix("unterminated string") {
            diagnostic.hint = "close the string on the same line; QAPI strings cannot span lines"
        }
        return diagnostic
    }
}
