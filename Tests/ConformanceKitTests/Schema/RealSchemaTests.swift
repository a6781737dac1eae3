import Testing
@testable import ConformanceKit

/// Facts pinned from the real QAPI trees under `../shared/qapi`.
struct RealSchemaTests {
    static let netFolders = ["net-2.12-e2k", "net-5.1", "net-7.1", "net-7.2"]

    static func load(_ relative: String, defines: Set<String>? = nil) throws -> SchemaLoader.Result {
        try SchemaLoader.load(path: TestPaths.qapi(relative), options: .init(defines: defines))
    }

    @Test(arguments: netFolders)
    func everyHistoricalNetSchemaLoads(folder: String) throws {
        let result = try Self.load("\(folder)/net.json")
        #expect(result.schema.command(named: "netdev_add") != nil)
        #expect(result.schema.command(named: "set_link") != nil)
        #expect(!result.diagnostics.contains { $0.severity == .error })
    }

    @Test func qemu72TreeLoadsWithAllItsFiles() throws {
        let result = try Self.load("qemu-7.2/qapi-schema.json")
        #expect(result.schema.commands.count == 220)
        #expect(result.schema.files.count == 38, "\(result.schema.files)")
        #expect(!result.diagnostics.contains { $0.severity >= .warning })
    }
}
