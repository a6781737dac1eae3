import TestSupport
import Testing

@testable import ConformanceKit

/// Facts pinned from the real QAPI trees under `../shared/qapi`.
struct RealSchemaTests {
    static let netFolders = ["net-2.12-e2k", "net-5.1", "net-7.1", "net-7.2"]

    @Test(.needsShared, arguments: netFolders)
    func everyHistoricalNetSchemaLoadsWithItsIncludes(folder: String) throws {
        let result = try SchemaLoader.load(path: TestPaths.qapi("\(folder)/net.json"))
        #expect(result.schema.command(named: "netdev_add") != nil)
        #expect(result.schema.command(named: "set_link") != nil)
        #expect(result.schema.files.map { $0.split(separator: "/").last! }.contains("common.json"))
        #expect(!result.diagnostics.contains { $0.severity == .error })
    }

    @Test(.needsShared) func qemu72TreeLoadsCleanlyWithAllItsFiles() throws {
        let result = try SchemaLoader.load(path: TestPaths.qapi("qemu-7.2/qapi-schema.json"))
        #expect(result.schema.commands.count == 220)
        #expect(result.schema.files.count == 38)
        #expect(
            !result.diagnostics.contains { $0.severity >= .warning },
            "\(result.diagnostics.filter { $0.severity >= .warning })")
    }

    @Test(.needsShared) func net72NetdevUnionHasStreamAndDgramBranches() throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let netdev = try #require(schema.type(named: "Netdev")?.object)
        #expect(netdev.variants?.tag == "type")
        #expect(netdev.variants?.variant(named: "stream")?.type == .named("NetdevStreamOptions"))
        #expect(netdev.variants?.variant(named: "dgram")?.type == .named("NetdevDgramOptions"))
        #expect(netdev.members.map(\.name) == ["id", "type"])
    }

    @Test(.needsShared) func net72VhostVDPAsvqMemberCarriesTheUnstableFeature() throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let member = try #require(schema.type(named: "NetdevVhostVDPAOptions")?.object?.member(named: "x-svq"))
        #expect(member.features.map(\.name) == ["unstable"])
        #expect(member.isOptional)
        #expect(member.type == .named("bool"))
    }

    @Test(.needsShared) func net212E2kNetdevAddIsGenFalseAndTakesExtraArguments() throws {
        let schema = try Fixtures.source("net-2.12-e2k/net.json")
        let command = try #require(schema.command(named: "netdev_add"))
        #expect(command.generatesMarshalling == false)
        #expect(schema.object(command.arguments)?.acceptsExtraMembers == true)
        #expect(schema.argumentMembers(of: command).map(\.name) == ["type", "id"])
        #expect(schema.type(named: "NetLegacy") != nil)
    }

    @Test(.needsShared) func net72VmnetBranchesAreConditionalOnConfigVmnet() throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let variants = try #require(schema.type(named: "Netdev")?.object?.variants)
        let vmnet = variants.cases.filter { $0.name.hasPrefix("vmnet-") }
        #expect(vmnet.map(\.name) == ["vmnet-host", "vmnet-shared", "vmnet-bridged"])
        #expect(vmnet.allSatisfy { $0.condition == .name("CONFIG_VMNET") })
        let values = try #require(schema.type(named: "NetClientDriver")?.enumeration?.values)
        #expect(values.first { $0.name == "vmnet-host" }?.condition == .name("CONFIG_VMNET"))
    }

    @Test(.needsShared) func definesRemoveWhatTheirConditionsExclude() throws {
        let schema = try Fixtures.source("net-7.2/net.json", defines: [])
        let variants = try #require(schema.type(named: "Netdev")?.object?.variants)
        #expect(!variants.cases.contains { $0.name.hasPrefix("vmnet-") })
        #expect(variants.variant(named: "stream")?.condition == nil)
        let withVmnet = try Fixtures.source("net-7.2/net.json", defines: ["CONFIG_VMNET"])
        #expect(withVmnet.type(named: "Netdev")?.object?.variants?.variant(named: "vmnet-shared") != nil)
    }

    @Test(.needsShared) func net51HasVhostVDPAButNoVmnet() throws {
        let schema = try Fixtures.source("net-5.1/net.json")
        #expect(schema.type(named: "NetdevVhostVDPAOptions") != nil)
        #expect(schema.type(named: "NetdevVmnetHostOptions") == nil)
    }

    @Test(.needsShared) func setLinkDocsNameItsErrorClassSinceAndExample() throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let doc = try #require(schema.command(named: "set_link")?.doc)
        #expect(doc.symbol == "set_link")
        #expect(doc.errorClasses == ["DeviceNotFound"])
        #expect(doc.since == Version(0, 14))
        #expect(doc.member("up") == "true to set the link status to be up")
        #expect(doc.section("Notes")?.hasPrefix("Not all network adapters") == true)
        let exchanges = try #require(doc.examples.first)
        #expect(exchanges.map(\.direction) == [.request, .reply])
        #expect(exchanges[0].json == ["execute": "set_link", "arguments": ["name": "e1000.0", "up": false]])
        #expect(exchanges[1].json == ["return": [:]])
        #expect(exchanges[0].location.line == 32)
    }

    @Test(.needsShared) func onlyCamelCaseClassNamesCountAsDocumentedErrorClasses() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json")
        #expect(
            schema.command(named: "object-del")?.doc?.errorClasses == [],
            "'Error if @id is not a valid id' names no class")
        #expect(schema.command(named: "block_resize")?.doc?.errorClasses == ["DeviceNotFound"])
    }

    @Test(.needsShared) func qemu72ConditionsAreKeptWithoutDefines() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json")
        #expect(schema.command(named: "query-gic-capabilities")?.condition == .name("TARGET_ARM"))
        #expect(schema.conditionNames.contains("CONFIG_VNC"))
    }
}
