import Testing

@testable import ConformanceKit

struct CaseFilterTests {
    @Test(arguments: [
        ("set_link/*", "set_link/invalid/1a2b3c4d", true), ("set_link/*", "set_linked/valid/1", false),
        ("*/invalid/*", "netdev_add/invalid/00ff00ff", true), ("*/invalid/*", "netdev_add/valid/00ff00ff", false),
        ("net?dd/*", "netdd/x", false), ("net?dd/*", "netadd/x", true), ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("set_link/invalid/406a5844", "set_link/invalid/406a5844", true),
    ])
    func globsMatchCaseIds(pattern: String, id: String, matches: Bool) {
        #expect(CaseFilter.glob(pattern, matches: id) == matches)
    }

    @Test func shardsSplitTheCasesIntoDisjointSlicesThatCoverThemAll() throws {
        let ids = Fixtures.generate(try Fixtures.introspection()).cases.map(\.id)
        let slices = (1...4).map { index in
            ids.filter { CaseFilter(shard: Shard(index: index, count: 4)).matches(id: $0, kind: .valid) }
        }
        #expect(slices.map(\.count).reduce(0, +) == ids.count)
        #expect(Set(slices.flatMap { $0 }).count == ids.count)
        #expect(slices.allSatisfy { $0.count > ids.count / 8 }, "no slice is starved: \(slices.map(\.count))")
    }

    @Test(arguments: [("2/4", true), ("1/1", true), ("0/4", false), ("5/4", false), ("x/2", false), ("3", false)])
    func shardOptionsParseOnlyWhenWellFormed(text: String, valid: Bool) {
        #expect((Shard(parsing: text) != nil) == valid)
    }
}
