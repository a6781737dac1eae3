import Testing

@testable import ConformanceKit

struct ParsedCommandTests {
    @Test func accessorsReadValuesFlagsDefaultsAndPositionals() throws {
        let result = try DemoCommand.parser.parse(["run", "--seed", "7", "-D", "A", "-D", "B", "-v", "x.json"])
        guard case .command(let parsed) = result else {
            Issue.record("expected a command")
            return
        }
        #expect(parsed.value("seed") == "7")
        #expect(parsed.value("format") == "console")
        #expect(parsed.value("socket") == nil)
        #expect(parsed.values("define") == ["A", "B"])
        #expect(parsed.values("socket") == [])
        #expect(parsed.flag("verbose"))
        #expect(!parsed.flag("strict"))
        #expect(parsed.positional(0) == "x.json")
        #expect(parsed.positional(1) == nil)
    }

    @Test func readingAnUndeclaredOptionTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = ParsedCommand(subcommandPath: ["run"], command: DemoCommand.run).value("sede")
        }
    }

    @Test func readingAFlagAsAValueTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = ParsedCommand(subcommandPath: ["run"], command: DemoCommand.run).value("strict")
        }
    }
}
