import Testing

@testable import ConformanceKit

struct UsageErrorTests {
    @Test(
        arguments: [
            ("seed", "seed", 0),
            ("sead", "seed", 1),
            ("shcema", "schema", 1),
            ("", "abc", 3),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3),
        ] as [(String, String, Int)])
    func editDistanceCountsAnAdjacentTranspositionAsOneEdit(lhs: String, rhs: String, distance: Int) {
        #expect(Suggestion.editDistance(lhs, rhs) == distance)
        #expect(Suggestion.editDistance(rhs, lhs) == distance)
    }

    @Test func suggestionPrefersTheNearestThenTheFirstDeclared() {
        #expect(Suggestion.closest(to: "formt", among: ["force", "format"]) == "format")
        #expect(Suggestion.closest(to: "rum", among: ["run", "rub"]) == "run")
    }

    @Test func suggestionStaysSilentForDistantWords() {
        #expect(Suggestion.closest(to: "zzz", among: ["run", "schema", "help"]) == nil)
        #expect(Suggestion.closest(to: "ab", among: ["xy"]) == nil)
    }
}
