import Testing

struct GoldenTests {
    @Test func lineDiffMarksChangesAndElidesDistantContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n")
        let new = old.replacing("line 5", with: "line five")
        #expect(
            lineDiff(from: old, to: new, context: 1)
                == "...\n line 4\n-line 5\n+line five\n line 6\n..."
        )
    }

    @Test func lineDiffShowsAMissingFinalNewline() {
        #expect(lineDiff(from: "a\n", to: "a") == " a\n-")
    }
}
