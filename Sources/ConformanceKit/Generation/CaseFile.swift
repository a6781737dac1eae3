/// A JSON data file under `cases/` (value table, safety policy, scenarios), read with positions so
/// that every loader error points at `file:line:column`.
public struct CaseFile: Sendable {
    /// The parsed document.
    public let value: JSONValue
    /// Where each part of it sits.
    let node: JSONNode
    /// The file's text, for locations.
    let source: SourceText

    /// Parses a file.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: its path, for diagnostics.
    /// - Throws: `DiagnosticError` at the syntax fault.
    public init(bytes: [UInt8], file: String) throws(DiagnosticError) {
        source = SourceText(file: file, bytes: bytes)
        do {
            (value, node) = try JSONParser.parseLocated(bytes)
        } catch {
            throw DiagnosticError(error.diagnostic(in: source))
        }
    }

    /// The location of the value at a path (or of its nearest existing ancestor).
    /// - Parameter path: a path from the document root.
    /// - Returns: its location.
    public func location(of path: JSONPath) -> SourceLocation {
        var current = value
        var currentNode = node
        for component in path.components {
            switch component {
            case .key(let key):
                guard let index = current.objectValue?.members.firstIndex(where: { $0.key == key }) else {
                    return source.location(of: currentNode.offset)
                }
                current = current.objectValue!.members[index].value
                currentNode = currentNode.child(index)
            case .index(let index):
                guard let array = current.arrayValue, array.indices.contains(index) else {
                    return source.location(of: currentNode.offset)
                }
                current = array[index]
                currentNode = currentNode.child(index)
            }
        }
        return source.location(of: currentNode.offset)
    }

    /// A located error.
    /// - Parameters:
    ///   - message: what is wrong.
    ///   - path: where in the document.
    ///   - hint: the next step, if useful.
    /// - Returns: an error to throw.
    public func error(_ message: String, at path: JSONPath, hint: String? = nil) -> DiagnosticError {
        DiagnosticError(Diagnostic(.error, message, at: location(of: path), hint: hint))
    }

    /// A top-level member that must be an object of strings, as a dictionary (empty when absent).
    /// - Parameter key: the member name.
    /// - Returns: its entries.
    /// - Throws: `DiagnosticError` at a non-string entry.
    public func stringMap(_ key: String) throws(DiagnosticError) -> [String: String] {
        guard let member = value[key] else { return [:] }
        guard let object = member.objectValue else {
            throw error("'\(key)' must be an object", at: JSONPath.root.appending(key))
        }
        var map: [String: String] = [:]
        for entry in object {
            guard let text = entry.value.stringValue else {
                throw error(
                    "'\(key).\(entry.key)' must be a string", at: JSONPath.root.appending(key).appending(entry.key))
            }
            map[entry.key] = text
        }
        return map
    }
}
