/// Escapes text from endpoints (which may be hostile) for the places reports put it: XML
/// content and attributes, HTML, a terminal, a shell command line.
///
/// Characters XML 1.0 forbids or a terminal would act on (C0 controls except tab, line feed and
/// carriage return; DEL; C1 controls; U+FFFE, U+FFFF) become visible escapes such as `\x01` and
/// `\uFFFE`. A literal backslash is kept as it is, so `\x01` in the output may also be text the
/// endpoint sent.
package enum TextEscaping {
    /// The visible escape for a character that must not appear raw, or nil when it may.
    /// - Parameter scalar: the character.
    /// - Returns: `\xNN` for controls, `\uXXXX` for the XML non-characters, else nil.
    static func visibleEscape(for scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: nil
        case 0x00..<0x20, 0x7F...0x9F: "\\x" + hex(scalar.value, digits: 2)
        case 0xFFFE, 0xFFFF: "\\u" + hex(scalar.value, digits: 4)
        default: nil
        }
    }

    /// Text for XML element content: `&`, `<`, `>` as entities (so `]]>` cannot occur), carriage
    /// returns as `&#13;` (a parser would drop them), forbidden characters as visible escapes.
    /// - Parameter text: any text.
    /// - Returns: the escaped text.
    static func xmlText(_ text: String) -> String {
        escape(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\r": "&#13;"
            default: nil
            }
        }
    }

    /// Text for a quoted XML or HTML attribute value: as `xmlText`, plus both quotes, and tab,
    /// line feed and carriage return as character references (a parser would turn them into spaces).
    /// - Parameter text: any text.
    /// - Returns: the escaped text.
    static func xmlAttribute(_ text: String) -> String {
        escape(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&apos;"
            case "\t": "&#9;"
            case "\n": "&#10;"
            case "\r": "&#13;"
            default: nil
            }
        }
    }

    /// Text for HTML content or a quoted attribute: `&<>"'` as references, forbidden characters
    /// as visible escapes.
    /// - Parameter text: any text.
    /// - Returns: the escaped text.
    static func html(_ text: String) -> String {
        escape(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            default: nil
            }
        }
    }

    /// Text safe to print on a terminal: controls (including escape sequences and carriage
    /// returns, which could rewrite what was printed) as visible escapes; tab and line feed kept.
    /// - Parameter text: any text.
    /// - Returns: the escaped text.
    package static func terminal(_ text: String) -> String {
        escape(text) { $0 == "\r" ? "\\x0d" : nil }
    }

    /// A single-quoted POSIX shell word that stands for `text` exactly.
    /// - Parameter text: any text.
    /// - Returns: `'text'`, with each `'` written as `'\''`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }

    private static func escape(_ text: String, special: (Unicode.Scalar) -> String?) -> String {
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if let replacement = special(scalar) ?? visibleEscape(for: scalar) {
                output += replacement
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
