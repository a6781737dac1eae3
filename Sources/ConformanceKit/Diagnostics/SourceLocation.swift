/// A 1-based `file:line:column` position in a schema file, case file or other text the tool read.
///
/// Every diagnostic that concerns user input carries one, so that an editor can jump to the fault.
/// A location taken from a `SourceText` keeps only the byte offset and works out the line and
/// column when asked: loading a schema records thousands of locations and reads almost none.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    private enum Storage: Sendable {
        case resolved(file: String, line: Int, column: Int)
        case offset(SourceText, Int)
    }

    private let storage: Storage

    /// Creates a location.
    /// - Parameters:
    ///   - file: the file path or label.
    ///   - line: 1-based line.
    ///   - column: 1-based column.
    public init(file: String, line: Int, column: Int) {
        storage = .resolved(file: file, line: line, column: column)
    }

    /// The location of a byte offset in a text, resolved on use.
    init(_ source: SourceText, offset: Int) { storage = .offset(source, offset) }

    /// The path of the file as the user named it (or a label such as `<introspection>`).
    public var file: String {
        switch storage {
        case .resolved(let file, _, _): file
        case .offset(let source, _): source.file
        }
    }

    /// 1-based line number.
    public var line: Int { lineAndColumn.line }

    /// 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int { lineAndColumn.column }

    private var lineAndColumn: (line: Int, column: Int) {
        switch storage {
        case .resolved(_, let line, let column): (line, column)
        case .offset(let source, let offset): source.lineAndColumn(of: offset)
        }
    }

    public var description: String {
        let (line, column) = lineAndColumn
        return "\(file):\(line):\(column)"
    }

    public static func == (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if case .offset(let left, let leftOffset) = lhs.storage, case .offset(let right, let rightOffset) = rhs.storage,
            left === right
        {
            return leftOffset == rightOffset
        }
        return lhs.file == rhs.file && lhs.lineAndColumn == rhs.lineAndColumn
    }

    public func hash(into hasher: inout Hasher) {
        let (line, column) = lineAndColumn
        hasher.combine(file)
        hasher.combine(line)
        hasher.combine(column)
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
