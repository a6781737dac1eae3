public import Foundation

/// How an endpoint words its argument-validation errors, one set of patterns per rule: what lets
/// the oracle tell "rejected by validation" from "failed for another reason" and check that the
/// error names the broken member.
///
/// QEMU's wording is the default (`Parameter 'up' is missing`, `Invalid parameter type for 'up',
/// expected: boolean`, ...). Another implementation's wording can be loaded from a JSON file
/// `{"missing-member": ["regex", ...], ...}`; each regex's first capture group is the member name.
public struct ValidationMessages: Sendable {
    /// Rule → patterns; the first capture group, when present, is the member's (dotted) name.
    public var patterns: [ValidationRule: [NSRegularExpression]]

    /// QEMU 7.2's messages (qobject-input-visitor and qmp-dispatch).
    public static let qemu: ValidationMessages = {
        let missing = #"^Parameter '([^']*)' is missing$"#
        let unexpected = #"^Parameter '([^']*)' is unexpected$"#
        let wrongType = #"^Invalid parameter type for '([^']*)', expected: .+$"#
        let badValue = #"^Parameter '([^']*)' does not accept value '.*'$"#
        let range = #"^Parameter '([^']*)' expects (u?int(8|16|32|64)|size|integer|number)$"#
        let table: [ValidationRule: [String]] = [
            .missingMember: [missing], .missingDiscriminator: [missing], .unknownMember: [unexpected],
            .wrongType: [wrongType, range], .noAlternateBranch: [wrongType], .unknownEnumValue: [badValue],
            .unknownDiscriminator: [badValue], .outOfRange: [range, wrongType],
            .argumentsNotObject: [#"^QMP input member '(arguments)' must be an object$"#],
        ]
        // The patterns are constants: a failure to compile them is a programming error.
        return ValidationMessages(patterns: table.mapValues { $0.map { try! NSRegularExpression(pattern: $0) } })
    }()

    /// Creates a set of patterns.
    public init(patterns: [ValidationRule: [NSRegularExpression]]) { self.patterns = patterns }

    /// Loads patterns from the JSON text of a messages file.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the patterns (rules the file omits keep QEMU's).
    /// - Throws: `DiagnosticError` at the fault: a file that is not an object, an unknown rule, a
    ///   rule that is not a list of strings, a bad regex, or one that can backtrack catastrophically.
    public static func load(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> ValidationMessages {
        let document = try CaseFile(bytes: bytes, file: file)
        guard let top = document.value.objectValue else {
            throw document.error(
                "a validation-messages file must be an object of rule: [patterns], got \(document.value.kind.rawValue)",
                at: .root, hint: "write {\"missing-member\": [\"^Parameter '([^']*)' is missing$\"]}")
        }
        var messages = ValidationMessages.qemu
        for entry in top where entry.key != "comment" {
            let path = JSONPath.root.appending(entry.key)
            guard let rule = ValidationRule(rawValue: entry.key) else {
                throw document.keyError(
                    "unknown rule '\(entry.key)'", at: path,
                    hint: "rules: " + ValidationRule.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let list = entry.value.arrayValue else {
                throw document.error(
                    "'\(entry.key)' must be a list of regular expressions, got \(entry.value.kind.rawValue)", at: path)
            }
            var compiled: [NSRegularExpression] = []
            for (index, pattern) in list.enumerated() {
                compiled.append(try regex(pattern, at: path.appending(index: index), in: document))
            }
            messages.patterns[rule] = compiled
        }
        return messages
    }

    /// One pattern of a messages file, compiled.
    private static func regex(_ value: JSONValue, at path: JSONPath, in document: CaseFile) throws(DiagnosticError)
        -> NSRegularExpression
    {
        let text = try document.string(value, at: path)
        if let hazard = PatternLimits.backtrackingHazard(in: text) { throw document.error(hazard, at: path) }
        guard let regex = try? NSRegularExpression(pattern: text) else {
            throw document.error("not a valid regular expression", at: path)
        }
        return regex
    }

    /// The rule whose pattern matches an error description, and the member name it captured.
    /// - Parameter description: the error's `desc`.
    /// - Returns: the first matching rule (in `ValidationRule` order) and the captured name.
    public func match(_ description: String) -> (rule: ValidationRule, member: String?)? {
        let range = PatternLimits.searchRange(in: description)
        for rule in ValidationRule.allCases {
            for regex in patterns[rule] ?? [] {
                guard let found = regex.firstMatch(in: description, range: range) else { continue }
                let member =
                    found.numberOfRanges > 1
                    ? Range(found.range(at: 1), in: description).map { String(description[$0]) } : nil
                return (rule, member)
            }
        }
        return nil
    }

    /// Whether an error description is an argument-validation message.
    public func isValidationError(_ description: String) -> Bool { match(description) != nil }
}
