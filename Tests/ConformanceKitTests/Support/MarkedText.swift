@testable import ConformanceKit

/// Input text with location markers (`1️⃣`, `2️⃣`, ...) removed, and the line:column each marked,
/// so a test can say "the diagnostic points here" inside the snippet itself.
struct MarkedText {
    static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣"]

    /// The text without markers.
    var text: String
    /// Marker → 1-based (line, column) in `text`.
    var locations: [String: (line: Int, column: Int)] = [:]

    init(_ marked: String) {
        var text = ""
        var line = 1
        var column = 1
        var rest = Substring(marked)
        outer: while let character = rest.first {
            for marker in Self.markers where rest.hasPrefix(marker) {
                locations[marker] = (line, column)
                rest = rest.dropFirst(marker.count)
                continue outer
            }
            text.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
            rest = rest.dropFirst()
        }
        self.text = text
    }
}
