public import Foundation

/// The limits that keep every regular-expression match short, whatever a scenario, a
/// validation-messages file or an endpoint's reply holds: patterns whose backtracking can blow up
/// exponentially are refused when their file is loaded, and a match looks at a bounded prefix of
/// its subject.
///
/// Used by `ScenarioLoader` and `ValidationMessages.load` (refusal) and by `ValueMatcher` and
/// `ValidationMessages.match` (the subject bound). It does not compile or cache patterns.
public enum PatternLimits {
    /// A match looks at no more than this many UTF-16 code units of its subject (an error
    /// description, a returned string): 4096, far beyond any QEMU message, small enough that a
    /// polynomial pattern still ends quickly.
    public static let maximumSubjectLength = 4096

    /// The part of a subject a match looks at.
    /// - Parameter text: the subject.
    /// - Returns: its first `maximumSubjectLength` UTF-16 code units (all of a shorter one).
    public static func searchRange(in text: String) -> NSRange {
        NSRange(location: 0, length: min(text.utf16.count, maximumSubjectLength))
    }

    /// Why a pattern can backtrack catastrophically, if it can in the way this check knows: a
    /// repeated group that itself holds a repetition, such as `(a+)+`, `(x*)*` or `((a+)b){2,}`.
    /// - Parameter pattern: the pattern (ICU syntax).
    /// - Returns: the reason in words, nil when no nested quantifier was found.
    public static func backtrackingHazard(in pattern: String) -> String? {
        let characters = Array(pattern)
        // For each open group: whether it holds a repeating quantifier so far.
        var groups: [Bool] = [false]
        var closedGroupRepeats = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            var nextClosedGroupRepeats = false
            if character == "\\" {
                index += 2
            } else if character == "[" {
                index = endOfClass(characters, from: index)
            } else if character == "(" {
                groups.append(false)
                index += 1
                if index < characters.count, characters[index] == "?" { index += 1 }
            } else if character == ")" {
                let repeats = groups.count > 1 ? groups.removeLast() : false
                groups[groups.count - 1] = groups[groups.count - 1] || repeats
                nextClosedGroupRepeats = repeats
                index += 1
            } else if let length = repeatingQuantifier(characters, at: index) {
                if closedGroupRepeats {
                    return "nested quantifier: catastrophic backtracking; rewrite without (x+)+"
                }
                groups[groups.count - 1] = true
                index += length
            } else {
                index += 1
            }
            closedGroupRepeats = nextClosedGroupRepeats
        }
        return nil
    }

    /// The index after a character class that starts at `start` (`[`).
    private static func endOfClass(_ characters: [Character], from start: Int) -> Int {
        var index = start + 1
        if index < characters.count, characters[index] == "^" { index += 1 }
        if index < characters.count, characters[index] == "]" { index += 1 }
        while index < characters.count, characters[index] != "]" {
            index += characters[index] == "\\" ? 2 : 1
        }
        return index + 1
    }

    /// The length of a quantifier that repeats (`+`, `*`, `{n,}`, `{n,m}` with m > 1) at an
    /// index, with its lazy or possessive suffix; nil when there is none.
    private static func repeatingQuantifier(_ characters: [Character], at index: Int) -> Int? {
        var length: Int
        switch characters[index] {
        case "+", "*": length = 1
        case "{":
            guard let close = characters[index...].firstIndex(of: "}") else { return nil }
            let bounds = String(characters[(index + 1)..<close]).split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.isEmpty || Int($0) != nil }),
                Int(bounds[0]) != nil
            else { return nil }
            let maximum = bounds.count == 1 ? Int(bounds[0])! : Int(bounds[1]) ?? Int.max
            guard maximum > 1 else { return nil }
            length = close - index + 1
        default: return nil
        }
        if index + length < characters.count, characters[index + length] == "?" || characters[index + length] == "+" {
            length += 1
        }
        return length
    }
}
