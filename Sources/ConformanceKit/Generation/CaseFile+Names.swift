extension CaseFile {
    /// A string naming one case of a closed set.
    /// - Parameters:
    ///   - value: the value; nil when the member is absent.
    ///   - path: where it sits.
    /// - Returns: the case.
    /// - Throws: `DiagnosticError` at an absent value, a non-string, or an unknown name (with
    ///   the known ones).
    public func named<Name: RawRepresentable & CaseIterable>(_ value: JSONValue?, at path: JSONPath)
        throws(DiagnosticError)
        -> Name where Name.RawValue == String
    {
        let text = try string(value ?? .null, at: path)
        guard let name = Name(rawValue: text) else {
            throw error(
                "unknown value '\(text)'", at: path,
                hint: "expected one of: " + Name.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return name
    }

    /// An optional list: the elements, or none when the member is absent.
    /// - Parameters:
    ///   - value: the value; nil when the member is absent.
    ///   - path: where it sits.
    /// - Returns: the elements.
    /// - Throws: `DiagnosticError` at a value that is not an array.
    public func list(_ value: JSONValue?, at path: JSONPath) throws(DiagnosticError) -> [JSONValue] {
        guard let value else { return [] }
        guard let elements = value.arrayValue else {
            throw error("expected an array, got \(value.kind.rawValue)", at: path)
        }
        return elements
    }
}
