import TestSupport
import Testing

@testable import ConformanceKit

/// The cases generated for net-7.2's commands, pinned as sorted JSON: a change in generation
/// shows as a readable diff of the golden file.
struct CaseGoldenTests {
    @Test(.needsShared, arguments: ["set_link", "netdev_add", "netdev_del", "announce-self", "query-rx-filter"])
    func net72CasesMatchTheirGoldenFile(command: String) throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let cases = Fixtures.generate(schema).cases.filter { $0.command == command }.sorted()
        #expect(!cases.isEmpty)
        assertGolden(
            JSONWriter.pretty.string(.array(cases.map(\.json))) + "\n", named: "Generation/net-7.2-\(command).json")
    }
}
