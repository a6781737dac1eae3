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
        #expect(UsageError.editDistance(lhs, rhs) == distance)
        #expect(UsageError.editDistance(rhs, lhs) == distance)
    }

    @Test func suggestionPrefersTheNearestThenTheFirstDeclared() {
        #expect(UsageError.suggestion(for: "formt", among: ["force", "format"]) == "format")
        #expect(UsageError.suggestion(for: "rum", among: ["run", "rub"]) == "run")
    }

    @Test func suggestionStaysSilentForDistantWords() {
        #expect(UsageError.suggestion(for: "zzz", among: ["run", "schema", "help"]) == nil)
        #expect(UsageError.suggestion(for: "ab", among: ["xy"]) == nil)
    }
}
