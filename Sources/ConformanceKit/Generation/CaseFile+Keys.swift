extension CaseFile {
    /// The location of an object member's key (rather than its value), for errors about the key
    /// itself such as an unknown member; falls back to `location(of:)` when the path does not end
    /// in an existing member.
    /// - Parameter path: a path from the document root ending in a member name.
    /// - Returns: the key's location.
    public func keyLocation(of path: JSONPath) -> SourceLocation {
        guard case .key(let key)? = path.components.last else { return location(of: path) }
        let parent = JSONPath(components: Array(path.components.dropLast()))
        var current = value
        var currentNode = node
        for component in parent.components {
            switch component {
            case .key(let name):
                guard let index = current.objectValue?.members.firstIndex(where: { $0.key == name }) else {
                    return location(of: path)
                }
                current = current.objectValue!.members[index].value
                currentNode = currentNode.child(index)
            case .index(let index):
                guard let array = current.arrayValue, array.indices.contains(index) else { return location(of: path) }
                current = array[index]
                currentNode = currentNode.child(index)
            }
        }
        guard let index = current.objectValue?.members.firstIndex(where: { $0.key == key }) else {
            return location(of: path)
        }
        return source.location(of: currentNode.keyOffset(index))
    }

    /// A located error pointing at an object member's key.
    /// - Parameters:
    ///   - message: what is wrong.
    ///   - path: the member's path.
    ///   - hint: the next step, if useful.
    /// - Returns: an error to throw.
    public func keyError(_ message: String, at path: JSONPath, hint: String? = nil) -> DiagnosticError {
        DiagnosticError(Diagnostic(.error, message, at: keyLocation(of: path), hint: hint))
    }

    /// The file name used in this file's locations.
    var locationFile: String { source.file }

    /// An object value whose keys must all be known: what every case-file loader checks, so
    /// that a misspelt key is an error rather than silently ignored.
    /// - Parameters:
    ///   - value: the value.
    ///   - path: where it sits.
    ///   - keys: the keys it may have.
    ///   - what: what it is, for messages ("a waiver").
    /// - Returns: its members.
    /// - Throws: `DiagnosticError` at a non-object, or at an unknown key with the known keys
    ///   (and the closest one).
    public func object(_ value: JSONValue, at path: JSONPath, keys: [String], what: String) throws(DiagnosticError)
        -> JSONObject
    {
        guard let object = value.objectValue else {
            throw error("expected \(what) (an object), got \(value.kind.rawValue)", at: path)
        }
        for member in object where !keys.contains(member.key) {
            var hint = "known keys: " + keys.joined(separator: ", ")
            if let near = Suggestion.closest(to: member.key, among: keys) {
                hint = "did you mean '\(near)'? " + hint
            }
            throw keyError("unknown key '\(member.key)' in \(what)", at: path.appending(member.key), hint: hint)
        }
        return object
    }

    /// A string value.
    /// - Parameters:
    ///   - value: the value.
    ///   - path: where it sits.
    /// - Returns: the string.
    /// - Throws: `DiagnosticError` at a value of another kind.
    public func string(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> String {
        guard let text = value.stringValue else {
            throw error("expected a string, got \(value.kind.rawValue)", at: path)
        }
        return text
    }
}
