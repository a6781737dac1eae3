import Testing

@testable import ConformanceKit

struct CommandSpecHelpTests {
    static let paths: [[String]] = [
        [], ["run"], ["schema"], ["schema", "check"], ["schema", "diff"], ["report", "merge"],
    ]

    @Test(arguments: paths)
    func helpTextMatchesTheGoldenFile(path: [String]) {
        let name = (["demo"] + path).joined(separator: "-")
        assertGolden(DemoCommand.root.helpText(for: path), named: "CommandLine/\(name)-help.txt")
    }

    @Test(arguments: paths)
    func helpTextFitsInEightyColumns(path: [String]) {
        let lines = DemoCommand.root.helpText(for: path).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func usageLineShowsOptionsAndArgumentArities() {
        #expect(DemoCommand.root.usage(for: []) == "demo <subcommand>")
        #expect(DemoCommand.root.usage(for: ["run"]) == "demo run [<options>] [<cases> ...]")
        #expect(DemoCommand.root.usage(for: ["report", "merge"]) == "demo report merge <results> ...")
    }
}
