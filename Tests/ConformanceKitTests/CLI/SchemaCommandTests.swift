import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `qmp-conform schema ...` as a user runs it: output, diagnostics and exit status.
@Suite(.enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
struct SchemaCommandTests {
    @Test(.needsShared) func checkOfQemu72TreeSucceeds() async throws {
        let outcome = try await CLIRunner.run(["schema", "check", TestPaths.qapi("qemu-7.2/qapi-schema.json")])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasSuffix("ok: 220 commands, 52 events, 618 types\n"))
    }

    @Test(.needsShared) func checkOfTheLineNumberedSeedFailsWithALocatedError() async throws {
        let path = TestPaths.shared.appendingPathComponent("seeds/003_ff5165e49ed48a9c.txt").path
        let outcome = try await CLIRunner.run(["schema", "check", path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("\(path):1:1: error: stray '8'"))
        #expect(outcome.stderr.contains("hint: the line starts with a number"))
    }

    @Test(.needsShared) func strictTurnsStyleWarningsIntoAFailedCheck() async throws {
        let path = TestPaths.qapi("net-7.2/net.json")
        #expect(try await CLIRunner.run(["schema", "check", path]).status == 0)
        let strict = try await CLIRunner.run(["schema", "check", "--strict", path])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("error: command name 'set_link' should use '-', not '_'"))
    }

    @Test(.needsShared) func diffExitsOneOnlyWhenAChangeBreaksClients() async throws {
        let (old, new) = (TestPaths.qapi("net-7.1/net.json"), TestPaths.qapi("net-7.2/net.json"))
        let forward = try await CLIRunner.run(["schema", "diff", old, new])
        #expect(forward.status == 0)
        #expect(forward.stdout.hasSuffix("23 changes, 0 breaking\n"))
        let backward = try await CLIRunner.run(["schema", "diff", new, old])
        #expect(backward.status == 1)
    }

    @Test(.needsShared) func diffSinceGroupsTheChangesByTheReleaseTheDocSectionsName() async throws {
        let (old, new) = (TestPaths.qapi("net-7.1/net.json"), TestPaths.qapi("net-7.2/net.json"))
        let outcome = try await CLIRunner.run(["schema", "diff", "--since", old, new])
        #expect(outcome.status == 0)
        assertGolden(outcome.stdout, named: "Schema/net-7.1-to-7.2-since.diff")
    }

    @Test(.needsShared) func showPrintsOneDefinitionInFull() async throws {
        let outcome = try await CLIRunner.run([
            "schema", "show", TestPaths.qapi("net-7.2/net.json"), "NetdevVhostVDPAOptions",
        ])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("x-svq (optional): bool  [features: unstable]"))
    }

    @Test(.needsShared) func showOfAnUnknownNameSuggestsTheClosest() async throws {
        let outcome = try await CLIRunner.run(["schema", "show", TestPaths.qapi("net-7.2/net.json"), "set-link"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("Did you mean 'set_link'?"))
    }

    @Test(.needsShared) func dumpWritesIntrospectionThatLoadsBack() async throws {
        let outcome = try await CLIRunner.run(["schema", "dump", "--introspection", TestPaths.qapi("net-7.2/net.json")])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("[{\"name\":\"set_link\",\"meta-type\":\"command\""))
        let reloaded = try IntrospectionLoader.load(
            try JSONParser.parse(outcome.stdout.trimmingCharacters(in: .newlines)))
        #expect(
            reloaded.commands.map(\.name) == [
                "set_link", "netdev_add", "netdev_del", "query-rx-filter", "announce-self",
            ])
    }

    @Test func misspelledSubcommandIsAUsageError() async throws {
        let outcome = try await CLIRunner.run(["schema", "chek", "x.json"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("Did you mean 'check'?"))
        #expect(outcome.stderr.contains("See 'qmp-conform schema --help'."))
    }

    @Test(arguments: [
        ["run", "--target", "qsd", "--socket", "/nonexistent/qmp.sock"],
        ["probe", "--target", "qemu", "--tcp", "127.0.0.1:4444"],
        ["exec", "--target", "qsd", "--launch", "qemu-storage-daemon", "query-version"],
        ["cases", "list", "--socket", "/nonexistent/qmp.sock", "--launch", "qemu-system-x86_64"],
    ])
    func twoEndpointOptionsAreAUsageError(arguments: [String]) async throws {
        let outcome = try await CLIRunner.run(arguments)
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("error: choose one of --socket, --tcp, --launch and --target (got --"))
        #expect(outcome.stderr.contains("USAGE: qmp-conform"))
        #expect(outcome.stderr.contains("--help'."))
    }

    @Test(arguments: [["probe", "--schema-timeout-ms", "0"], ["run", "--schema-timeout-ms", "x"]])
    func aMalformedSchemaTimeoutIsAUsageError(arguments: [String]) async throws {
        let outcome = try await CLIRunner.run(arguments)
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--schema-timeout-ms takes 1 to 3600000"))
    }

    @Test func anUnknownProfileIsAUsageErrorListingTheProfiles() async throws {
        let outcome = try await CLIRunner.run(["probe", "--target", "qgx"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("expected one of: qemu, qsd, qga"))
    }

    @Test(arguments: [["run", "--target", "qga"], ["run", "--socket", "/nonexistent", "--dialect", "guest-agent"]])
    func theGuestAgentWithoutASchemaIsAUsageErrorSayingToPassOne(arguments: [String]) async throws {
        let outcome = try await CLIRunner.run(arguments)
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("pass --schema with the agent's qapi-schema.json"))
    }

    @Test(arguments: [
        ["--help"], ["schema", "--help"], ["schema", "diff", "--help"], ["schema", "check", "--help"],
        ["run", "--help"], ["certify", "--help"],
        ["cases", "list", "--help"], ["probe", "--help"], ["exec", "--help"], ["report", "diff", "--help"],
        ["report", "merge", "--help"],
    ])
    func helpMatchesItsGoldenFile(arguments: [String]) async throws {
        let outcome = try await CLIRunner.run(arguments)
        #expect(outcome.status == 0)
        let name = (["qmp-conform"] + arguments.dropLast()).joined(separator: "-") + "-help.txt"
        assertGolden(outcome.stdout, named: "CLI/\(name)")
    }
}
