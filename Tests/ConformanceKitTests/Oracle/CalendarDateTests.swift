import Testing

@testable import ConformanceKit

/// Days as waiver files write them and as the wall clock gives them, compared by date.
struct CalendarDateTests {
    @Test(arguments: [
        (0.0, "1970-01-01"), (86_399.9, "1970-01-01"), (951_782_400, "2000-02-29"), (1_795_322_036, "2026-11-22"),
        (-1, "1969-12-31"), (4_107_542_400, "2100-03-01"),
    ])
    func secondsSinceTheEpochNameTheirUTCDay(seconds: Double, day: String) {
        #expect(CalendarDate(secondsSince1970: seconds).description == day)
    }

    @Test(arguments: [
        "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-05", "26-01-05", "2026-01-05 ", "２０２６-01-05", "",
    ])
    func textThatNamesNoDayIsRejected(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func daysCompareInCalendarOrder() throws {
        let days = try ["2024-02-29", "2023-12-31", "2024-01-01"].map { try #require(CalendarDate($0)) }
        #expect(days.sorted().map(\.description) == ["2023-12-31", "2024-01-01", "2024-02-29"])
    }
}
