import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// Facts pinned from the real QAPI trees under `../shared/qapi`.
@Suite(.enabled(if: TestPaths.sharedIsPresent, TestPaths.sharedMissing))
struct RealSchemaTests {
    static let netFolders = ["net-2.12-e2k", "net-5.1", "net-7.1", "net-7.2"]

    /// The warnings (and promoted errors) of loading a tree.
    static func warnings(_ path: String, strict: Bool = false) throws -> [Diagnostic] {
        try SchemaLoader.load(path: TestPaths.qapi(path), options: .init(strict: strict)).diagnostics
            .filter { $0.severity >= .warning }
    }

    @Test(arguments: ["qemu-7.2/qapi-schema.json", "qemu-10.0/qapi-schema.json", "qga-7.2/qapi-schema.json"])
    func treesQEMUAcceptsPassStrictCheck(tree: String) throws {
        #expect(try Self.warnings(tree, strict: true) == [])
    }

    @Test func qemu52LoadsWithoutWarningsAndOnlyItsOldDialectFailsStrictCheck() throws {
        #expect(try Self.warnings("qemu-5.2/qapi-schema.json") == [])
        do {
            _ = try SchemaLoader.load(path: TestPaths.qapi("qemu-5.2/qapi-schema.json"), options: .init(strict: true))
            Issue.record("QEMU 7.2 rules reject 5.2's simple unions")
        } catch {
            // Simple unions (removed in QEMU 6.2) and the 'if' lists and C conditions of 6.0 and earlier.
            let unexpected = error.diagnostics.filter {
                !$0.message.hasPrefix("simple union") && !$0.message.hasPrefix("'if' condition")
            }
            #expect(unexpected == [])
        }
    }

    /// `net.json` after `pragma.json`, as QEMU's `qapi-schema.json` reads them.
    static func withQEMUsPragma(_ folder: String) throws -> [Diagnostic] {
        let top = TestPaths.qapi("\(folder)/with-pragma.json")
        let loader = QAPISourceLoader { path in
            if path == top { return Array("{ 'include': 'pragma.json' }\n{ 'include': 'net.json' }".utf8) }
            return try QAPISourceLoader.fileSystem.readFile(path)
        }
        return try SchemaLoader.loadSource(path: top, options: .init(), loader: loader).diagnostics
            .filter { $0.severity >= .warning }
    }

    @Test(arguments: ["net-7.1", "net-7.2"])
    func netSchemasAfterQEMUsPragmaHaveNoWarnings(folder: String) throws {
        #expect(try Self.withQEMUsPragma(folder) == [])
    }

    /// net-5.1 was rebuilt from a listing that lost some doc lines, `##` among them: under
    /// `doc-required`, QEMU calls each definition without a closed doc block right above it
    /// undocumented, and nothing else is flagged.
    @Test func net51AfterQEMUsPragmaFlagsOnlyTheDocBlocksItsCopyLost() throws {
        let warnings = try Self.withQEMUsPragma("net-5.1")
        #expect(warnings.allSatisfy { $0.message == "documentation comment required" })
        let lines = try String(contentsOfFile: TestPaths.qapi("net-5.1/net.json"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let undocumented = lines.indices.filter { index in
            lines[index].hasPrefix("{ '") && !lines[index].hasPrefix("{ 'include'") && lines[index - 1] != "##"
        }
        #expect(warnings.map { $0.location?.line ?? 0 } == undocumented.map { $0 + 1 })
    }

    /// Alone, `net.json` lacks `pragma.json`: QEMU then flags the names its exceptions list, and
    /// nothing else changes.
    @Test(arguments: netFolders)
    func netSchemasAloneBreakOnlyTheNamesQEMUsPragmaExempts(folder: String) throws {
        let pragmaFile = try Data(contentsOf: URL(fileURLWithPath: TestPaths.qapi("\(folder)/pragma.json")))
        let values = try JSONParser.parseSequence(Array(pragmaFile)).compactMap { item -> JSONValue? in
            if case .value(let value, _) = item { value } else { nil }
        }
        let exemptCommands = Set(
            values.flatMap { $0["pragma"]?["command-name-exceptions"]?.arrayValue?.compactMap(\.stringValue) ?? [] })
        let alone = try Self.warnings("\(folder)/net.json")
        let naming = alone.filter { $0.message.contains(" name '") }
        #expect(!naming.isEmpty)
        let withPragma = try Self.withQEMUsPragma(folder).filter { $0.message != "documentation comment required" }
        #expect(alone.filter { !$0.message.contains(" name '") } == withPragma)
        for warning in naming where warning.message.hasPrefix("command name") {
            #expect(exemptCommands.contains(String(warning.message.split(separator: "'")[1])), "\(warning)")
        }
    }

    /// net-2.12-e2k lost its indentation: every continuation line flush left after `@name: text`
    /// (or `Tag: text`) breaks QEMU 6.0 to 9.x's rule, as QEMU 7.2's own generator reports (42
    /// lines, found by running it and fixing each line it named). Besides, its `net.json`
    /// repeats a definition of the newer `common.json` verbatim.
    @Test func net212E2kWarningsAreItsLostIndentation() throws {
        let warnings = try Self.withQEMUsPragma("net-2.12-e2k")
        let deIndents = warnings.filter { $0.message.hasPrefix("unexpected de-indent") }
        #expect(deIndents.count == 42)
        let lines = try String(contentsOfFile: TestPaths.qapi("net-2.12-e2k/net.json"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        for warning in deIndents {
            let line = lines[(warning.location?.line ?? 1) - 1]
            #expect(line.hasPrefix("# ") && line.dropFirst(2).first != " ", "\(warning): \(line)")
        }
        let others = warnings.filter { !$0.message.hasPrefix("unexpected de-indent") }
        #expect(others.count == 1)
        #expect(others.first?.message.hasPrefix("'NetFilterDirection' is defined again, identically") == true)
    }

    @Test(arguments: ["qemu-5.2/qapi-schema.json", "qemu-7.2/qapi-schema.json", "qemu-10.0/qapi-schema.json"])
    func everyEraTreeLoadsWithoutWarnings(tree: String) throws {
        let warnings = try Self.warnings(tree)
        #expect(warnings == [], "\(warnings)")
    }

    @Test func qemu72TreeLoadsCleanlyWithAllItsFiles() throws {
        let result = try SchemaLoader.load(path: TestPaths.qapi("qemu-7.2/qapi-schema.json"))
        #expect(result.schema.commands.count == 220)
        #expect(result.schema.files.count == 38)
        #expect(
            !result.diagnostics.contains { $0.severity >= .warning },
            "\(result.diagnostics.filter { $0.severity >= .warning })")
    }

    @Test func net72NetdevUnionHasStreamAndDgramBranches() throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let netdev = try #require(schema.type(named: "Netdev")?.object)
        #expect(netdev.variants?.tag == "type")
        #expect(netdev.variants?.variant(named: "stream")?.type == .named("NetdevStreamOptions"))
        #expect(netdev.variants?.variant(named: "dgram")?.type == .named("NetdevDgramOptions"))
        #expect(netdev.members.map(\.name) == ["id", "type"])
    }

    @Test func net72VhostVDPAsvqMemberCarriesTheUnstableFeature() throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let member = try #require(schema.type(named: "NetdevVhostVDPAOptions")?.object?.member(named: "x-svq"))
        #expect(member.features.map(\.name) == ["unstable"])
        #expect(member.isOptional)
        #expect(member.type == .named("bool"))
    }

    @Test func net212E2kNetdevAddIsGenFalseAndTakesExtraArguments() throws {
        let schema = try Fixtures.source("net-2.12-e2k/net.json")
        let command = try #require(schema.command(named: "netdev_add"))
        #expect(command.generatesMarshalling == false)
        #expect(schema.object(command.arguments)?.acceptsExtraMembers == true)
        #expect(schema.argumentMembers(of: command).map(\.name) == ["type", "id"])
        #expect(schema.type(named: "NetLegacy") != nil)
    }

    @Test func net72VmnetBranchesAreConditionalOnConfigVmnet() throws {
        let schema = try Fixtures.source("net-7.2/net.json")
        let variants = try #require(schema.type(named: "Netdev")?.object?.variants)
        let vmnet = variants.cases.filter { $0.name.hasPrefix("vmnet-") }
        #expect(vmnet.map(\.name) == ["vmnet-host", "vmnet-shared", "vmnet-bridged"])
        #expect(vmnet.allSatisfy { $0.condition == .name("CONFIG_VMNET") })
        let values = try #require(schema.type(named: "NetClientDriver")?.enumeration?.values)
        #expect(values.first { $0.name == "vmnet-host" }?.condition == .name("CONFIG_VMNET"))
    }

    @Test func definesRemoveWhatTheirConditionsExclude() throws {
        let schema = try Fixtures.source("net-7.2/net.json", defines: [])
        let variants = try #require(schema.type(named: "Netdev")?.object?.variants)
        #expect(!variants.cases.contains { $0.name.hasPrefix("vmnet-") })
        #expect(variants.variant(named: "stream")?.condition == nil)
        let withVmnet = try Fixtures.source("net-7.2/net.json", defines: ["CONFIG_VMNET"])
        #expect(withVmnet.type(named: "Netdev")?.object?.variants?.variant(named: "vmnet-shared") != nil)
    }

    @Test func net51HasVhostVDPAButNoVmnet() throws {
        let schema = try Fixtures.source("net-5.1/net.json")
        #expect(schema.type(named: "NetdevVhostVDPAOptions") != nil)
        #expect(schema.type(named: "NetdevVmnetHostOptions") == nil)
    }

    @Test func setLinkDocsNameItsErrorClassSinceAndExample() throws {
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

    @Test func onlyCamelCaseClassNamesCountAsDocumentedErrorClasses() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json")
        #expect(
            schema.command(named: "object-del")?.doc?.errorClasses == [],
            "'Error if @id is not a valid id' names no class")
        #expect(schema.command(named: "block_resize")?.doc?.errorClasses == ["DeviceNotFound"])
    }

    @Test func qemu72ConditionsAreKeptWithoutDefines() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json")
        #expect(schema.command(named: "query-gic-capabilities")?.condition == .name("TARGET_ARM"))
        #expect(schema.conditionNames.contains("CONFIG_VNC"))
    }
}
