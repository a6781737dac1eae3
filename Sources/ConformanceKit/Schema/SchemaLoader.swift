import Foundation

/// The entry point for reading a schema: a QAPI source file (with its includes) or a saved
/// `query-qmp-schema` reply, told apart by content, into one resolved `Schema`.
///
/// Faults stop the load with located errors; style findings come back as warnings (errors in
/// strict mode). With defines, the schema is narrowed to that build configuration.
public enum SchemaLoader {
    /// How to load.
    public struct Options: Sendable, Hashable {
        /// Whether style warnings (naming, doc layout) are errors.
        public var strict: Bool
        /// The configuration symbols to evaluate `if` conditions with; nil keeps everything, marked conditional.
        public var defines: Set<String>?

        /// Creates options.
        public init(strict: Bool = false, defines: Set<String>? = nil) {
            self.strict = strict
            self.defines = defines
        }
    }

    /// A loaded schema and the non-fatal findings.
    public struct Result: Sendable {
        /// The schema.
        public var schema: Schema
        /// Warnings and notes (errors are thrown instead).
        public var diagnostics: [Diagnostic]
    }

    /// Loads a schema file of either form.
    /// - Parameters:
    ///   - path: a `.json` QAPI file or a saved introspection reply.
    ///   - options: strictness and defines.
    /// - Returns: the schema and its warnings.
    /// - Throws: `DiagnosticError` with located errors.
    public static func load(path: String, options: Options = Options()) throws(DiagnosticError) -> Result {
        guard let data = LocalFiles.contents(atPath: path) else {
            throw DiagnosticError(
                Diagnostic(
                    .error, "cannot read schema file '\(path)'",
                    hint: "check the path; it must be a QAPI .json file or a saved query-qmp-schema reply"))
        }
        let bytes = data
        if let introspection = introspectionValue(bytes) {
            let schema = try IntrospectionLoader.load(introspection, file: path)
            return Result(schema: options.defines.map { schema.applying(defines: $0) } ?? schema, diagnostics: [])
        }
        return try loadSource(path: path, options: options, loader: QAPISourceLoader.fileSystem)
    }

    /// Loads a schema file of either form from async code without holding a thread of the
    /// concurrency pool: the source loader waits on its parse threads, so the load runs on a
    /// Dispatch thread of its own and this task awaits it.
    /// - Parameters:
    ///   - path: a `.json` QAPI file or a saved introspection reply.
    ///   - options: strictness and defines.
    /// - Returns: the schema and its warnings.
    /// - Throws: `DiagnosticError` with located errors.
    public static func loadWithoutBlocking(path: String, options: Options = Options()) async throws(DiagnosticError)
        -> Result
    {
        let outcome: Swift.Result<Result, DiagnosticError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: Swift.Result { () throws(DiagnosticError) in try load(path: path, options: options) })
            }
        }
        return try outcome.get()
    }

    /// Loads QAPI source from in-memory files (snippet tests, embedded schemas).
    /// - Parameters:
    ///   - files: file name to contents; `main` is the top file.
    ///   - main: the top file's name.
    ///   - options: strictness and defines.
    /// - Returns: the schema and its warnings.
    /// - Throws: `DiagnosticError` with located errors.
    public static func loadSource(files: [String: String], main: String, options: Options = Options())
        throws(DiagnosticError)
        -> Result
    {
        let loader = QAPISourceLoader { path in
            let key = URL(fileURLWithPath: path).standardizedFileURL.path
            guard let text = files.first(where: { URL(fileURLWithPath: $0.key).standardizedFileURL.path == key })?.value
            else {
                throw CocoaError(.fileReadNoSuchFile)
            }
            return Array(text.utf8)
        }
        return try loadSource(path: main, options: options, loader: loader)
    }

    static func loadSource(path: String, options: Options, loader: QAPISourceLoader) throws(DiagnosticError) -> Result {
        var builder = SchemaBuilder(diagnostics: DiagnosticCollector(strict: options.strict))
        let output = try loader.load(path, strict: options.strict) { builder.add($0) }
        // The files' doc-layout warnings come first, then the definitions' findings.
        var findings = output.diagnostics
        if builder.era < .qemu10_0 { findings.add(contentsOf: output.diagnosticsBeforeTenZero) }
        findings.add(contentsOf: builder.diagnostics.diagnostics)
        builder.diagnostics = findings
        var resolver = SchemaResolver(builder)
        let (schema, diagnostics) = resolver.resolve(files: output.files)
        if diagnostics.hasErrors {
            throw DiagnosticError(
                diagnostics.errors.sorted { ($0.location?.description ?? "") < ($1.location?.description ?? "") })
        }
        let narrowed = options.defines.map { schema.applying(defines: $0) } ?? schema
        return Result(schema: narrowed, diagnostics: diagnostics.diagnostics)
    }

    /// The `SchemaInfo` list when the bytes are a saved introspection reply (`[...]` or
    /// `{"return": [...]}`); nil for QAPI source.
    static func introspectionValue(_ bytes: [UInt8]) -> JSONValue? {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }),
            first == UInt8(ascii: "[") || first == UInt8(ascii: "{"),
            let value = try? JSONParser.parse(bytes)
        else { return nil }
        if case .array = value { return value }
        if case .array = value["return"] { return value["return"] }
        return nil
    }
}
