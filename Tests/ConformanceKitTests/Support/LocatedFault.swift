import Testing

@testable import ConformanceKit

/// A row of a fault table for a file loader: input with a `1️⃣` marker where the error must point,
/// and the text its message must contain.
struct LocatedFault: Sendable, CustomTestStringConvertible {
    var marked: String
    var message: String
    var testDescription: String { message }

    /// Loads the input without its marker and expects the first diagnostic at the marker, saying
    /// `message`.
    /// - Parameter load: the loader under test.
    func expectError(from load: ([UInt8]) throws(DiagnosticError) -> Void) throws {
        let marked = MarkedText(self.marked)
        let expected = try #require(marked.locations["1️⃣"])
        do {
            try load(Array(marked.text.utf8))
            Issue.record("expected an error: \(message)")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.message.contains(message), "\(diagnostic)")
            #expect(diagnostic.location?.line == expected.line && diagnostic.location?.column == expected.column)
        }
    }
}
