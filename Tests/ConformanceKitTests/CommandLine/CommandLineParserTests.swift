import Testing

@testable import ConformanceKit

struct CommandLineParserTests {
    struct ParseCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var path: [String]
        var values: [String: [String]] = [:]
        var flags: Set<String> = []
        var positionals: [String] = []
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        ParseCase(arguments: ["run"], path: ["run"]),
        ParseCase(arguments: ["run", "--socket", "/tmp/q.sock"], path: ["run"], values: ["socket": ["/tmp/q.sock"]]),
        ParseCase(arguments: ["run", "--socket=/tmp/q.sock"], path: ["run"], values: ["socket": ["/tmp/q.sock"]]),
        ParseCase(arguments: ["run", "--socket="], path: ["run"], values: ["socket": [""]]),
        ParseCase(arguments: ["run", "-f", "junit"], path: ["run"], values: ["format": ["junit"]]),
        ParseCase(arguments: ["run", "--seed=-1"], path: ["run"], values: ["seed": ["-1"]]),
        ParseCase(
            arguments: ["run", "a.json", "--strict", "b.json", "-v"], path: ["run"],
            flags: ["strict", "verbose"], positionals: ["a.json", "b.json"]
        ),
        ParseCase(
            arguments: ["run", "-D", "CONFIG_KVM", "--define=CONFIG_SLIRP", "--define", "X"], path: ["run"],
            values: ["define": ["CONFIG_KVM", "CONFIG_SLIRP", "X"]]
        ),
        ParseCase(arguments: ["run", "-"], path: ["run"], positionals: ["-"]),
        ParseCase(
            arguments: ["run", "--strict", "--", "--help", "-v", "--"], path: ["run"],
            flags: ["strict"], positionals: ["--help", "-v", "--"]
        ),
        ParseCase(
            arguments: ["schema", "diff", "old.json", "--format", "json", "new.json"], path: ["schema", "diff"],
            values: ["format": ["json"]], positionals: ["old.json", "new.json"]
        ),
        ParseCase(
            arguments: ["schema", "diff", "a", "b", "query-status"], path: ["schema", "diff"],
            positionals: ["a", "b", "query-status"]
        ),
        ParseCase(
            arguments: ["report", "merge", "1.json", "2.json"], path: ["report", "merge"],
            positionals: ["1.json", "2.json"]),
    ])
    func validCommandLinesYieldTheCommandAndItsInputs(_ test: ParseCase) throws {
        guard case .command(let parsed) = try DemoCommand.parser.parse(test.arguments) else {
            Issue.record("expected a command")
            return
        }
        #expect(parsed.subcommandPath == test.path)
        #expect(parsed.command.name == test.path.last)
        #expect(parsed.values == test.values)
        #expect(parsed.flags == test.flags)
        #expect(parsed.positionals == test.positionals)
    }

    @Test(
        arguments: [
            ([], []),
            (["--help"], []),
            (["-h"], []),
            (["help"], []),
            (["schema"], ["schema"]),
            (["schema", "--help"], ["schema"]),
            (["schema", "diff", "-h"], ["schema", "diff"]),
            (["help", "schema", "diff"], ["schema", "diff"]),
            (["run", "a.json", "-h"], ["run"]),
            (["run", "--bogus", "--help"], ["run"]),
            (["run", "--seed", "--help"], ["run"]),
            (["schema", "dif", "--help"], ["schema"]),
        ] as [([String], [String])])
    func helpIsARequestOnEveryLevelNotAnError(arguments: [String], path: [String]) throws {
        #expect(try DemoCommand.parser.parse(arguments) == .help(subcommandPath: path))
    }

    @Test func versionIsARequestOnTheRoot() throws {
        #expect(try DemoCommand.parser.parse(["--version"]) == .version("0.1.0-demo"))
    }

    @Test(
        arguments: [
            (["run", "--sead", "1"], "unknown option '--sead'. Did you mean '--seed'?", ["run"]),
            (["run", "--sead=1"], "unknown option '--sead'. Did you mean '--seed'?", ["run"]),
            (["run", "--stirct"], "unknown option '--stirct'. Did you mean '--strict'?", ["run"]),
            (["run", "--hepl"], "unknown option '--hepl'. Did you mean '--help'?", ["run"]),
            (["--verison"], "unknown option '--verison'. Did you mean '--version'?", []),
            (["run", "--version"], "unknown option '--version'", ["run"]),
            (["run", "--zzz"], "unknown option '--zzz'", ["run"]),
            (["run", "-x"], "unknown option '-x'", ["run"]),
            (["run", "-vD"], "unknown option '-vD'", ["run"]),
            (["shcema"], "unknown subcommand 'shcema'. Did you mean 'schema'?", []),
            (["hlep"], "unknown subcommand 'hlep'. Did you mean 'help'?", []),
            (["schema", "dif"], "unknown subcommand 'dif'. Did you mean 'diff'?", ["schema"]),
            (["schema", "frobnicate"], "unknown subcommand 'frobnicate'", ["schema"]),
            (["help", "schema", "chek"], "unknown subcommand 'chek'. Did you mean 'check'?", ["schema"]),
            (["run", "--socket"], "missing value for '--socket <path>'", ["run"]),
            (["run", "--socket", "--strict"], "missing value for '--socket <path>'", ["run"]),
            (
                ["run", "-f", "xml"], "invalid value 'xml' for '--format'; expected one of: console, junit, json, html",
                ["run"]
            ),
            (["run", "--seed", "1", "--seed=2"], "option '--seed' given more than once", ["run"]),
            (["run", "--strict", "--strict"], "option '--strict' given more than once", ["run"]),
            (["run", "--strict=yes"], "option '--strict' takes no value", ["run"]),
            (["schema", "check"], "missing argument '<schema>'", ["schema", "check"]),
            (["schema", "diff", "a"], "missing argument '<new>'", ["schema", "diff"]),
            (["report", "merge"], "missing argument '<results>'", ["report", "merge"]),
            (["schema", "check", "a", "b"], "unexpected argument 'b'", ["schema", "check"]),
            (["schema", "diff", "a", "b", "c", "d"], "unexpected argument 'd'", ["schema", "diff"]),
        ] as [([String], String, [String])])
    func usageErrorsSayWhatIsWrongAndWhere(arguments: [String], message: String, path: [String]) {
        #expect {
            _ = try DemoCommand.parser.parse(arguments)
        } throws: { error in
            guard let error = error as? UsageError else { return false }
            return error.message == message && error.commandPath == ["demo"] + path
        }
    }

    @Test func aUsageErrorPrintsTheMessageTheUsageLineAndWhereHelpIs() {
        do {
            _ = try DemoCommand.parser.parse(["schema", "diff", "--sead"])
            Issue.record("expected a usage error")
        } catch {
            #expect(
                error.description == """
                    error: unknown option '--sead'
                    USAGE: demo schema diff [<options>] <old> <new> [<command>]
                    See 'demo schema diff --help'.
                    """
            )
        }
    }
}
