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
}
