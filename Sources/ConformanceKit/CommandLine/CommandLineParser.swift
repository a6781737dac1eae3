/// Reads a command line against a `CommandSpec` tree: the first stage of the executable.
///
/// Follows swift-argument-parser's conventions: `--name value`, `--name=value`, `-n value`, `--`
/// ending the options, options before or after positional arguments, `--help`/`-h` on every
/// command, `help <subcommand> ...` at the root, and `--version` on the root when it has one.
/// A value that starts with `-` must be attached with `=`. It returns strings only: converting
/// them into typed options belongs to the executable.
package struct CommandLineParser: Sendable {
    /// The root command (the tool itself).
    package var root: CommandSpec

    /// Creates a parser for a command tree.
    /// - Parameter root: the root command.
    package init(root: CommandSpec) { self.root = root }

    /// Reads a command line.
    ///
    /// `--help` or `-h` anywhere before `--` asks for help, even when the line has other faults.
    /// A group command without a subcommand asks for its help too.
    /// - Parameter arguments: the arguments after the program name.
    /// - Returns: the command to run, or a help or version request.
    /// - Throws: `UsageError` for an unknown option or subcommand, a missing, disallowed or
    ///   repeated value, and a missing or extra positional argument.
    package func parse(_ arguments: [String]) throws(UsageError) -> ParseResult {
        var reading = Reading(root: root)
        do {
            return try reading.read(arguments)
        } catch {
            let beforeTerminator = arguments.prefix { $0 != "--" }
            if beforeTerminator.contains("--help") || beforeTerminator.contains("-h") {
                return .help(subcommandPath: reading.path)
            }
            throw error
        }
    }
}

/// The state of one parse: where in the command tree it is and what it has collected.
private struct Reading {
    let root: CommandSpec
    var command: CommandSpec
    var path: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    init(root: CommandSpec) {
        self.root = root
        command = root
    }

    mutating func read(_ arguments: [String]) throws(UsageError) -> ParseResult {
        var rest = arguments[...]
        var optionsEnded = false
        while let argument = rest.popFirst() {
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                if command.subcommands.isEmpty {
                    positionals.append(argument)
                } else if path.isEmpty, argument == "help" {
                    return try readHelpCommand(Array(rest))
                } else {
                    try enter(argument)
                }
            } else if argument == "--" {
                optionsEnded = true
            } else if argument == "--help" || argument == "-h" {
                return .help(subcommandPath: path)
            } else if argument == "--version", path.isEmpty, let version = root.version {
                return .version(version)
            } else {
                try readOption(argument, rest: &rest)
            }
        }
        if !command.subcommands.isEmpty { return .help(subcommandPath: path) }
        try checkPositionals()
        return .command(
            ParsedCommand(
                subcommandPath: path, command: command, values: values, flags: flags, positionals: positionals
            )
        )
    }

    /// `help schema diff`: the names after `help` lead to the command whose help is wanted.
    mutating func readHelpCommand(_ names: [String]) throws(UsageError) -> ParseResult {
        for name in names { try enter(name) }
        return .help(subcommandPath: path)
    }

    mutating func enter(_ name: String) throws(UsageError) {
        guard let subcommand = command.subcommand(named: name) else {
            let candidates = command.subcommands.map(\.name) + (path.isEmpty ? ["help"] : [])
            throw failure("unknown subcommand '\(name)'" + didYouMean(name, among: candidates, prefix: ""))
        }
        command = subcommand
        path.append(name)
    }

    mutating func readOption(_ argument: String, rest: inout ArraySlice<String>) throws(UsageError) {
        var typed = Substring(argument)
        var attached: Substring?
        let found: OptionSpec?
        if argument.hasPrefix("--") {
            if let equals = argument.firstIndex(of: "=") {
                typed = argument[..<equals]
                attached = argument[argument.index(after: equals)...]
            }
            found = command.option(named: String(typed.dropFirst(2)))
        } else {
            found = argument.count == 2 ? command.options.first { $0.short == argument.last } : nil
        }
        guard let option = found else {
            var candidates = command.options.map(\.long) + ["help"]
            if path.isEmpty, root.version != nil { candidates.append("version") }
            let hint =
                typed.hasPrefix("--") ? didYouMean(String(typed.dropFirst(2)), among: candidates, prefix: "--") : ""
            throw failure("unknown option '\(typed)'" + hint)
        }
        let name = "--\(option.long)"
        if !option.isRepeatable, flags.contains(option.long) || values[option.long] != nil {
            throw failure("option '\(name)' given more than once")
        }
        guard let valueName = option.valueName else {
            if attached != nil { throw failure("option '\(name)' takes no value") }
            flags.insert(option.long)
            return
        }
        let value: String
        if let attached {
            value = String(attached)
        } else if let next = rest.first, next == "-" || !next.hasPrefix("-") {
            value = next
            rest.removeFirst()
        } else {
            throw failure("missing value for '\(name) <\(valueName)>'")
        }
        if !option.allowedValues.isEmpty, !option.allowedValues.contains(value) {
            let allowed = option.allowedValues.joined(separator: ", ")
            throw failure("invalid value '\(value)' for '\(name)'; expected one of: \(allowed)")
        }
        values[option.long, default: []].append(value)
    }

    func checkPositionals() throws(UsageError) {
        var rest = positionals[...]
        for argument in command.arguments {
            switch argument.arity {
            case .one, .oneOrMore:
                guard !rest.isEmpty else { throw failure("missing argument '<\(argument.name)>'") }
                if argument.arity == .one { rest.removeFirst() } else { rest.removeAll() }
            case .optional:
                _ = rest.popFirst()
            case .zeroOrMore:
                rest.removeAll()
            }
        }
        if let extra = rest.first { throw failure("unexpected argument '\(extra)'") }
    }

    func didYouMean(_ word: String, among candidates: [String], prefix: String) -> String {
        Suggestion.closest(to: word, among: candidates).map { ". Did you mean '\(prefix)\($0)'?" } ?? ""
    }

    func failure(_ message: String) -> UsageError {
        UsageError(message, commandPath: [root.name] + path, usage: root.usage(for: path))
    }
}
