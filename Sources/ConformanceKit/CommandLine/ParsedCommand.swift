/// What `CommandLineParser` read from a valid command line: the command chosen and its inputs, as strings.
///
/// The executable turns these strings into its options value; this type does no conversion.
/// Asking for an option the command does not declare, or reading a flag as a value or a value
/// as a flag, is a programming error and traps.
package struct ParsedCommand: Sendable, Hashable {
    /// The subcommand names below the root, e.g. `["schema", "diff"]`; empty for the root itself.
    package var subcommandPath: [String]
    /// The declaration of the chosen command.
    package var command: CommandSpec
    /// The values given for each option, by long name, in command-line order.
    package var values: [String: [String]]
    /// The long names of the flags given.
    package var flags: Set<String>
    /// The positional arguments, in order.
    package var positionals: [String]

    /// Creates a parse result.
    /// - Parameters:
    ///   - subcommandPath: the subcommand names below the root.
    ///   - command: the chosen command.
    ///   - values: option values by long name.
    ///   - flags: the flags given.
    ///   - positionals: the positional arguments.
    package init(
        subcommandPath: [String], command: CommandSpec, values: [String: [String]] = [:],
        flags: Set<String> = [], positionals: [String] = []
    ) {
        self.subcommandPath = subcommandPath
        self.command = command
        self.values = values
        self.flags = flags
        self.positionals = positionals
    }

    /// The value of an option: the last one given, else its declared default.
    /// - Parameter long: the option's long name.
    /// - Returns: the value, or `nil` when absent without a default.
    package func value(_ long: String) -> String? {
        let option = valueOption(long)
        return values[long]?.last ?? option.defaultValue
    }

    /// Every value given for an option, in command-line order (no default).
    /// - Parameter long: the option's long name.
    /// - Returns: the values, empty when absent.
    package func values(_ long: String) -> [String] {
        _ = valueOption(long)
        return values[long] ?? []
    }

    /// Whether a flag was given.
    /// - Parameter long: the flag's long name.
    /// - Returns: `true` when it was given.
    package func flag(_ long: String) -> Bool {
        precondition(declaration(long).isFlag, "'--\(long)' is not a flag of '\(command.name)'")
        return flags.contains(long)
    }

    /// A positional argument by position.
    /// - Parameter index: its 0-based position among the positionals.
    /// - Returns: the argument, or `nil` past the end.
    package func positional(_ index: Int) -> String? {
        positionals.indices.contains(index) ? positionals[index] : nil
    }

    private func declaration(_ long: String) -> OptionSpec {
        guard let option = command.option(named: long) else {
            preconditionFailure("'\(command.name)' declares no option '--\(long)'")
        }
        return option
    }

    private func valueOption(_ long: String) -> OptionSpec {
        let option = declaration(long)
        precondition(!option.isFlag, "'--\(long)' is a flag of '\(command.name)'; read it with flag(_:)")
        return option
    }
}
