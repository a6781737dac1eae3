import Foundation

/// Reads a QAPI source file and everything it includes into a flat list of expressions, with
/// doc blocks attached: the first stage of loading a schema from source.
///
/// Includes are relative to the including file and each file is read once, as in QEMU. It does
/// not interpret definitions: it hands each expression, in include order, to its caller (the
/// `SchemaBuilder`). Files are parsed ahead on the other cores while the caller consumes them.
struct QAPISourceLoader {
    /// What the loader produced besides the expressions.
    struct Output {
        /// Every file read, in the order first included (paths as given, then as resolved).
        var files: [String] = []
        /// The files' doc-layout warnings.
        var diagnostics = DiagnosticCollector()
        /// The doc-layout warnings only QEMU 6.0 to 9.x give, for the caller to keep when the
        /// schema is of that era (its pragmas tell, once built).
        var diagnosticsBeforeTenZero: [Diagnostic] = []
    }

    /// Reads a file's bytes; injectable so that tests can load in-memory trees.
    var readFile: @Sendable (String) throws -> [UInt8]

    /// A loader over the real file system.
    static let fileSystem = QAPISourceLoader { path in
        guard let data = LocalFiles.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile)
        }
        return data
    }

    /// Loads a file and its includes.
    /// - Parameters:
    ///   - path: the top file.
    ///   - strict: whether style warnings count as errors.
    ///   - consume: called with each expression, in include order.
    /// - Returns: the files read and the doc-layout warnings.
    /// - Throws: `DiagnosticError` for an unreadable file, a syntax error or a missing include.
    func load(_ path: String, strict: Bool = false, expressions consume: (QAPIExpression) -> Void)
        throws(DiagnosticError) -> Output
    {
        var output = Output()
        output.diagnostics.strict = strict
        let queue = ParseQueue()
        let parse: @Sendable (String) -> ReadFile = { [self] path in parsedFile(path, queue: queue) }
        // Helpers parse queued files ahead (and free the consumed ones); this thread consumes,
        // and parses too rather than wait. After `stop()`, a helper finishes its file and the
        // freeing, then returns on its own.
        for _ in 1..<Host.processorCount {
            DispatchQueue.global().async { queue.parseQueued(with: parse) }
        }
        defer { queue.stop() }
        var seen: Set<String> = []
        var chain: [String] = []
        try include(
            path, from: nil, queue: queue, parse: parse, into: &output, seen: &seen, chain: &chain, consume)
        return output
    }

    /// What one file contributes, in file order.
    enum Item: Sendable {
        /// A definition or directive, with its doc block.
        case expression(QAPIExpression)
        /// An `include` of a path (resolved against the including file) written at `site`.
        case include(String, site: SourceLocation)
        /// A warning about the file's doc comments.
        case diagnostic(Diagnostic)
        /// A warning about the file's doc comments under QEMU 6.0 to 9.x rules only.
        case diagnosticBeforeTenZero(Diagnostic)
        /// A fault that stops the load here (the items before it still count).
        case failure(DiagnosticError)
    }

    /// A file's items, or nil when it could not be read.
    typealias ReadFile = [Item]?

    /// The files of one load: queued as includes reveal them (the files a file includes ahead of
    /// those queued before, as they are needed sooner), parsed by whichever thread is free. A
    /// file is known by its normalized path, so it is parsed once however often, and however
    /// spelled, it is included (the first spelling names it in locations).
    private final class ParseQueue: @unchecked Sendable {
        private let condition = NSCondition()
        /// Files not started, the next first: the path to read and its normalized key.
        private var pending: [(path: String, key: String)] = []
        /// Keys of the files being parsed.
        private var started: Set<String> = []
        /// Keys of every file queued or taken so far.
        private var known: Set<String> = []
        /// Parsed files not taken yet, by key.
        private var parsed: [String: ReadFile] = [:]
        private var stopped = false
        /// Consumed files, for a helper to free.
        private var consumed: [[Item]] = []

        /// Queues files a parsed file includes, ahead of the files queued earlier.
        func enqueue(_ paths: [String]) {
            let new = paths.map { (path: $0, key: QAPISourceLoader.normalized($0)) }
            condition.lock()
            pending.insert(contentsOf: new.filter { known.insert($0.key).inserted }, at: 0)
            condition.broadcast()
            condition.unlock()
        }

        /// A helper's loop: parses queued files and frees consumed ones until `stop()`.
        func parseQueued(with parse: (String) -> ReadFile) {
            condition.lock()
            while true {
                while pending.isEmpty && consumed.isEmpty && !stopped { condition.wait() }
                if pending.isEmpty, !consumed.isEmpty {
                    var garbage = consumed
                    consumed = []
                    condition.unlock()
                    garbage.removeAll()
                    condition.lock()
                    continue
                }
                if stopped { break }
                parseHere(pending.removeFirst(), with: parse)
            }
            condition.unlock()
        }

        /// Takes a file's items: parsed here if no one has started it; while another thread
        /// parses it, this one parses queued files instead of waiting.
        /// - Parameters:
        ///   - path: the file as the include names it.
        ///   - key: its normalized path.
        ///   - parse: reads and parses a file.
        func take(_ path: String, key: String, parse: (String) -> ReadFile) -> ReadFile {
            condition.lock()
            defer { condition.unlock() }
            known.insert(key)
            while true {
                if let file = parsed.removeValue(forKey: key) { return file }
                if !started.contains(key) {
                    let queued = pending.firstIndex { $0.key == key }.map { pending.remove(at: $0) }
                    parseHere(queued ?? (path, key), with: parse)
                } else if !pending.isEmpty {
                    parseHere(pending.removeFirst(), with: parse)
                } else {
                    condition.wait()
                }
            }
        }

        /// Parses a file on this thread (called and returning with the lock held).
        private func parseHere(_ file: (path: String, key: String), with parse: (String) -> ReadFile) {
            started.insert(file.key)
            condition.unlock()
            let items = parse(file.path)
            condition.lock()
            parsed[file.key] = items
            started.remove(file.key)
            condition.broadcast()
        }

        /// Hands consumed items to a helper to free (this thread goes on building).
        func discard(_ items: [Item]) {
            condition.lock()
            consumed.append(items)
            condition.signal()
            condition.unlock()
        }

        /// Ends the helpers' loops once their current file and the freeing are done.
        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Reads one file and, depth first, what it includes.
    /// - Parameter chain: the keys of the files whose includes are being read, outermost first:
    ///   a file including one of them is an inclusion loop.
    private func include(
        _ path: String, from site: SourceLocation?, queue: ParseQueue, parse: (String) -> ReadFile,
        into output: inout Output, seen: inout Set<String>, chain: inout [String],
        _ consume: (QAPIExpression) -> Void
    ) throws(DiagnosticError) {
        let key = Self.normalized(path)
        if chain.contains(key) {
            throw DiagnosticError(
                Diagnostic(
                    .error, "inclusion loop for \(path)", at: site,
                    hint: "remove this include: the file is already being read ("
                        + (chain.drop { $0 != key } + [key]).joined(separator: " -> ") + ")"))
        }
        guard seen.insert(key).inserted else { return }
        chain.append(key)
        defer { chain.removeLast() }
        guard let items = queue.take(path, key: key, parse: parse) else {
            throw DiagnosticError(
                Diagnostic(
                    .error, site == nil ? "cannot read schema file '\(path)'" : "cannot read included file '\(path)'",
                    at: site, hint: "check that the file exists and is readable"))
        }
        output.files.append(path)
        for item in items {
            switch item {
            case .expression(let expression): consume(expression)
            case .include(let target, let site):
                try include(
                    target, from: site, queue: queue, parse: parse, into: &output, seen: &seen, chain: &chain, consume
                )
            case .diagnostic(let diagnostic): output.diagnostics.add(diagnostic)
            case .diagnosticBeforeTenZero(let diagnostic): output.diagnosticsBeforeTenZero.append(diagnostic)
            case .failure(let error): throw error
            }
        }
        queue.discard(items)
    }

    /// The path an `include` names, resolved against the including file's directory (as text:
    /// a relative top path keeps the paths of its includes relative, as the user named them).
    static func resolve(_ relative: String, from path: String) -> String {
        guard !relative.hasPrefix("/"), let slash = path.lastIndex(of: "/") else { return relative }
        return String(path[...slash]) + relative
    }

    /// A path without `.` components and with `..` applied, as text, to tell whether two
    /// includes name the same file.
    static func normalized(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == "..", let last = components.last, last != ".." {
                components.removeLast()
            } else {
                components.append(component)
            }
        }
        return (path.hasPrefix("/") ? "/" : "") + components.joined(separator: "/")
    }

    /// Reads and parses a file; queues its includes as soon as its text is parsed.
    private func parsedFile(_ path: String, queue: ParseQueue) -> ReadFile {
        guard let read = try? readFile(path) else { return nil }
        let bytes = Self.withLineFeeds(read)
        let source = SourceText(file: path, bytes: bytes)
        if let invalid = Self.firstInvalidUTF8(in: bytes) {
            return [
                .failure(
                    DiagnosticError(
                        Diagnostic(
                            .error, "invalid UTF-8", at: source.location(of: invalid),
                            hint: "QAPI files are UTF-8 text: re-encode the file (QEMU refuses it too)")))
            ]
        }
        let parsed: [JSONParser.SequenceItem]
        let positions: JSONNode.Table
        do {
            (parsed, positions) = try JSONParser.parseSequenceItems(bytes, dialect: .qapi)
        } catch {
            return [.failure(DiagnosticError(Self.syntaxDiagnostic(error, in: source)))]
        }
        var includes: [String] = []
        for case .value(let value, _) in parsed {
            if let target = value["include"]?.stringValue { includes.append(Self.resolve(target, from: path)) }
        }
        queue.enqueue(includes)
        return items(of: path, parsed: parsed, positions: positions, source: source)
    }

    /// A parsed file's items: expressions with their doc blocks attached, includes, doc-layout
    /// warnings, and a final failure if the file is faulty.
    private func items(
        of path: String, parsed: [JSONParser.SequenceItem], positions: JSONNode.Table, source: SourceText
    ) -> [Item] {
        var items: [Item] = []
        var docs = DocBlockReader(source: source)
        for item in parsed {
            switch item {
            case .comment(let text):
                docs.read(comment: text)
            case .value(let value, let root):
                guard let object = value.objectValue else { continue }
                let node = JSONNode(positions, index: root)
                let isDirective = object["include"] != nil || object["pragma"] != nil
                let doc = docs.take(before: node.offset, isDefinition: !isDirective)
                let expression = QAPIExpression(object: object, node: node, source: source, doc: doc)
                if let (target, targetNode, _) = expression.member("include") {
                    guard let relative = target.stringValue else {
                        items.insert(contentsOf: docs.findings.map(Item.diagnostic), at: 0)
                        items.append(
                            .failure(
                                DiagnosticError(
                                    Diagnostic(
                                        .error, "value of 'include' must be a string",
                                        at: expression.location(targetNode.offset)))))
                        return items
                    }
                    if object.count > 1 {
                        items.append(
                            .failure(
                                DiagnosticError(
                                    Diagnostic(
                                        .error, "invalid 'include' directive: it must have no other key",
                                        at: expression.location))))
                        return items
                    }
                    items.append(
                        .include(Self.resolve(relative, from: path), site: expression.location(targetNode.offset)))
                } else {
                    items.append(.expression(expression))
                }
            }
        }
        docs.finish()
        // Doc findings go first: their order among the items does not matter, only their locations.
        return docs.findings.map(Item.diagnostic) + docs.findingsBeforeTenZero.map(Item.diagnosticBeforeTenZero)
            + items
    }

    /// A located syntax error, with a hint when the text looks like a line-numbered listing
    /// (a copy taken from a web page with line numbers, such as some old schema copies).
    static func syntaxDiagnostic(_ error: JSONParseError, in source: SourceText) -> Diagnostic {
        var diagnostic = error.diagnostic(in: source)
        if error.offset >= source.bytes.count, source.bytes.last == UInt8(ascii: "\n") {
            // The end of input is the end of the last line, as QEMU reports it (not a line after it).
            diagnostic.location = source.location(of: source.bytes.count - 1)
        }
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
