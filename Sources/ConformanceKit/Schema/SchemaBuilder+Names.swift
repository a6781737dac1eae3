/// QAPI's name rules, as QEMU's `expr.py` applies them: what makes a name invalid or reserved
/// (errors) and the naming conventions (warnings, errors under `--strict`).
///
/// Every rule looks at the name's stem: the name without its downstream `__RFQDN_` prefix and
/// its experimental `x-` prefix. Schemas that use the pragma names of QEMU 5.2 and earlier get
/// that era's conventions: only upper case in member names and enum values is flagged.
extension SchemaBuilder {
    /// What a checked name names: the text is how messages call it.
    enum NameKind: String, CustomStringConvertible {
        case `struct`, union, `enum`, alternate, command, event, member, feature
        case enumValue = "enum value"
        case unionBranch = "union branch"
        case alternateBranch = "alternate branch"

        var description: String { rawValue }

        /// Whether the name belongs to a type definition (CamelCase).
        var isType: Bool { [.struct, .union, .enum, .alternate].contains(self) }
    }

    /// Checks a name's characters and reserved forms (errors) and QEMU's naming conventions (warnings).
    /// - Parameters:
    ///   - name: the name as written (for a member, without its `*`).
    ///   - location: where it is written.
    ///   - what: what it names.
    ///   - exemptOwner: the definition whose `member-name-exceptions` entry lets a member or enum
    ///     value use upper case and `_`; nil where QEMU grants no exception.
    /// - Returns: false when the name is invalid and the definition should be skipped.
    mutating func checkName(
        _ name: String, at location: SourceLocation, what: NameKind, exemptOwner: String? = nil
    ) -> Bool {
        let scan =
            name.utf8.withContiguousStorageIfAvailable { NameScan($0) }
            ?? Array(name.utf8).withUnsafeBufferPointer { NameScan($0) }
        let allowsLeadingDigit = what == .enumValue || what == .unionBranch
        guard scan.isValid(allowingLeadingDigit: allowsLeadingDigit) else {
            error(
                "\(what) name '\(name)' is not a valid QAPI name", at: location,
                hint: "names start with a letter and use only letters, digits, '-' and '_' "
                    + "(downstream: '__RFQDN_' prefix; experimental: 'x-' prefix)")
            return false
        }
        guard !scan.startsWithReservedQ else {
            error(
                "\(what) name '\(name)' is reserved: names starting with 'q-' or 'q_' belong to the generator",
                at: location)
            return false
        }
        if what == .member, scan.isReservedMemberName {
            error(
                "member name '\(name)' is reserved: 'u' and names starting with 'has-' or 'has_' clash with "
                    + "generated C", at: location)
            return false
        }
        checkNamingConvention(scan, full: name, at: location, what: what, exemptOwner: exemptOwner)
        return true
    }

    /// What one pass over a name's bytes tells: validity and the traits the naming conventions
    /// look at, for the stem (the name without its `__RFQDN_` and `x-` prefixes).
    struct NameScan {
        /// Whether every byte of the stem is a letter, digit, `-` or `_` (and the stem is not empty).
        var hasValidBytes = true
        var first: UInt8?
        var hasLower = false
        var hasUpper = false
        var hasUnderscore = false
        var hasDash = false
        /// Whether the stem is CamelCase: a capital, then letters and digits with a lower-case letter.
        var isCamelCase: Bool
        var endsWithList: Bool
        /// Whether the whole name starts with `q-`, `q_` or `q.` (C name `q_…`).
        var startsWithReservedQ: Bool
        /// Whether the stem is `u` or starts with `has-`/`has_` (C names the generator uses).
        var isReservedMemberName: Bool

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            let whole = bytes[...]
            startsWithReservedQ =
                whole.count >= 2 && whole.first == UInt8(ascii: "q") && Self.isCSeparator(whole[whole.startIndex + 1])
            var body = whole
            if body.starts(with: "__".utf8), let underscore = body.dropFirst(2).firstIndex(of: UInt8(ascii: "_")) {
                body = body[(underscore + 1)...]  // downstream prefix __RFQDN_
            }
            if body.count > 2, body.first! | 0x20 == UInt8(ascii: "x"), body.dropFirst().first == UInt8(ascii: "-") {
                body = body.dropFirst(2)  // experimental prefix x- (QEMU matches it in either case)
            }
            first = body.first
            var hasCamelLower = false
            for byte in body {
                if isASCIILower(byte) {
                    hasLower = true
                    hasCamelLower = true
                } else if isASCIIUpper(byte) {
                    hasUpper = true
                } else if byte == UInt8(ascii: "_") {
                    hasUnderscore = true
                } else if byte == UInt8(ascii: "-") {
                    hasDash = true
                } else if !isASCIIDigit(byte) {
                    hasValidBytes = false
                }
            }
            hasValidBytes = hasValidBytes && !body.isEmpty
            isCamelCase = first.map(isASCIIUpper) == true && hasCamelLower && !hasUnderscore && !hasDash
            endsWithList = whole.count >= 4 && whole.suffix(4).elementsEqual("List".utf8)
            // Without building the C name: `u`, or `has` and a separator.
            isReservedMemberName =
                body.elementsEqual("u".utf8)
                || (body.count >= 4 && body.prefix(3).elementsEqual("has".utf8)
                    && Self.isCSeparator(body[body.startIndex + 3]))
        }

        /// Whether the name is valid: the stem starts with a letter (or, for enum values, a digit).
        func isValid(allowingLeadingDigit: Bool) -> Bool {
            guard hasValidBytes, let first else { return false }
            return isASCIILetter(first) || (allowingLeadingDigit && isASCIIDigit(first))
        }

        /// `-` and `.`, which C spells `_`, and `_` itself.
        static func isCSeparator(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }

    /// QEMU's naming conventions for the era the schema's pragmas name (warnings).
    mutating func checkNamingConvention(
        _ scan: NameScan, full name: String, at location: SourceLocation, what: NameKind, exemptOwner: String?
    ) {
        if what.isType, scan.endsWithList, what != .enum {
            warning(
                "type name '\(name)' should not end with 'List': that suffix names array types in generated C",
                at: location)
        }
        let exempt = exemptOwner.map { pragmaList(Pragma.memberNameExceptions.rawValue).contains($0) } ?? false
        if era == .qemu2_10 {
            // QEMU 5.2 and earlier flagged upper case in member names and enum values only.
            if what == .member || what == .enumValue, scan.hasUpper, !exempt {
                warning("\(what) name '\(name)' should not use upper case", at: location)
            }
            return
        }
        switch what {
        case .event:
            if scan.hasLower || scan.hasDash {
                warning("event name '\(name)' should be ALL_CAPS with '_'", at: location)
            }
        case .command:
            if scan.hasUnderscore
                && !pragmaList(Pragma.commandNameExceptions.rawValue).contains(name)
            {
                warning("command name '\(name)' should use '-', not '_'", at: location)
            }
            if scan.hasUpper {
                warning("command name '\(name)' should be lower-case", at: location)
            }
        case .struct, .union, .alternate, .enum:
            if !scan.isCamelCase {
                warning("type name '\(name)' should be CamelCase, starting with a capital", at: location)
            }
        case .member, .enumValue, .alternateBranch, .feature:
            if (scan.hasUpper || scan.hasUnderscore) && !exempt {
                warning("\(what) name '\(name)' should be lower-case with '-', not upper case or '_'", at: location)
            }
        case .unionBranch:
            break  // a branch is named by its enum value, checked there
        }
    }

    /// The name as generated C spells it: `-` and `.` become `_` (two names with one C name clash).
    static func cName(_ name: String) -> String {
        String(decoding: name.utf8.map { NameScan.isCSeparator($0) ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }

    func pragmaList(_ key: String) -> [String] { pragmas[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}
