import Foundation
import Testing

@testable import ConformanceKit

struct TextEscapingTests {
    @Test(arguments: [
        ("a<b>&c", "a&lt;b&gt;&amp;c"),
        ("]]>", "]]&gt;"),
        ("\"quoted\" 'single'", "\"quoted\" 'single'"),
        ("tab\tline\ncr\r", "tab\tline\ncr&#13;"),
        ("\u{00}\u{01}\u{08}\u{0B}\u{0C}\u{1B}\u{1F}", "\\x00\\x01\\x08\\x0B\\x0C\\x1B\\x1F"),
        ("\u{7F}\u{85}\u{9F}", "\\x7F\\x85\\x9F"),
        ("\u{FFFE}\u{FFFF}", "\\uFFFE\\uFFFF"),
        ("é ✓ 🚀 \u{FFFD}", "é ✓ 🚀 \u{FFFD}"),
    ])
    func xmlTextEscapesMarkupAndMakesForbiddenCharactersVisible(text: String, escaped: String) {
        #expect(TextEscaping.xmlText(text) == escaped)
    }

    @Test func xmlAttributeKeepsQuotesAndWhitespaceAsReferences() {
        #expect(
            TextEscaping.xmlAttribute("a\"b'c\td\ne\rf<&>\u{01}")
                == "a&quot;b&apos;c&#9;d&#10;e&#13;f&lt;&amp;&gt;\\x01")
    }

    @Test func htmlEscapesBothQuotes() {
        #expect(TextEscaping.html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }

    @Test func terminalTextKeepsLinesButNotEscapeSequencesOrCarriageReturns() {
        #expect(TextEscaping.terminal("ok\tline\n\u{1B}[2J\rover") == "ok\tline\n\\x1B[2J\\x0dover")
    }

    @Test(arguments: ["plain", "it's", "''", "a b $HOME `x`"])
    func shellQuotedWordsSurviveTheShell(word: String) async throws {
        let outcome = try await ExternalTool.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "printf %s " + TextEscaping.shellQuoted(word)])
        #expect(outcome.output == word)
    }
}
