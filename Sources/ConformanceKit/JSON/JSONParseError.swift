/// Why a JSON or QAPI text could not be read, and where: a byte offset into the input.
///
/// The offset becomes `line:column` through `SourceText`, or through `location(in:)` for text
/// that never had a file (a wire message).
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. `expected ',' or '}' after object member`.
    public var message: String
    /// Byte offset of the fault in the input.
    public var offset: Int

    /// Creates a parse error.
    /// - Parameters:
    ///   - message: what is wrong.
    ///   - offset: the byte offset of the fault.
    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// A located diagnostic for this error.
    /// - Parameter source: the text the offset refers to.
    /// - Returns: an error diagnostic at the fault.
    public func diagnostic(in source: SourceText) -> Diagnostic {
        Diagnostic(.error, message, at: source.location(of: offset))
    }

    public var description: String { "\(message) (at byte \(offset))" }
}
