import Testing

@testable import ConformanceKit

struct ExitStatusTests {
    @Test func exitStatusesHaveTheDocumentedNumbers() {
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 130, 64])
    }
}
