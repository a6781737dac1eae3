import Foundation
import Testing

@testable import ConformanceKit

/// Validation-messages files and the time their patterns may take: a file of the wrong shape is
/// an error, not "no patterns", and no pattern or subject can make matching run long.
struct ValidationMessagesTests {
    @Test(
        arguments: [
            (#"["^x$"]"#, 1, 1, "must be an object of rule: [patterns], got array"),
            ("7", 1, 1, "must be an object of rule: [patterns], got integer"),
            (#""missing-member""#, 1, 1, "got string"),
            (#"{"missing-member": "x"}"#, 1, 20, "'missing-member' must be a list of regular expressions, got string"),
            (#"{"missing-member": 7}"#, 1, 20, "got integer"),
            (#"{"missing-member": [7]}"#, 1, 21, "expected a string, got integer"),
            (#"{"missing-memer": []}"#, 1, 2, "unknown rule 'missing-memer'"),
            (#"{"wrong-type": ["^([^X]+)+X$"]}"#, 1, 17, "nested quantifier: catastrophic backtracking"),
            (#"{"wrong-type": ["(unclosed"]}"#, 1, 17, "not a valid regular expression"),
        ] as [(String, Int, Int, String)])
    func aMalformedFileIsAnErrorAtItsLocation(text: String, line: Int, column: Int, message: String) {
        #expect {
            _ = try ValidationMessages.load(Array(text.utf8), file: "m.json")
        } throws: { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            return diagnostic?.message.contains(message) == true && diagnostic?.location?.line == line
                && diagnostic?.location?.column == column
        }
    }

    @Test func aWellFormedFileReplacesTheRulesItNames() throws {
        let messages = try ValidationMessages.load(
            Array(#"{"comment": "x", "missing-member": ["^member ([a-z]+) absent$"]}"#.utf8), file: "m.json")
        #expect(messages.match("member up absent")?.member == "up")
        #expect(messages.match("Parameter 'up' is missing")?.rule == .missingDiscriminator, "unnamed rules keep QEMU's")
    }

    @Test func matchingLooksOnlyAtTheFirstCharactersOfAHugeDescription() {
        let padding = String(repeating: "x", count: 1_000_000)
        let start = Date()
        #expect(ValidationMessages.qemu.match(padding + "Parameter 'a' is missing") == nil)
        #expect(ValueMatcher.regex("missing").mismatches(.string(padding + "missing")).count == 1)
        #expect(ValueMatcher.regex("^x+$").matches(.string(padding)))
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
