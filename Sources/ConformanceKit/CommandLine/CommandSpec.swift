/// The declaration of a command: its name, help, options, positional arguments and subcommands.
///
/// The executable declares one tree of these; `CommandLineParser` reads arguments against it and
/// `helpText(for:)` renders its help. A command with subcommands is a group: it takes no options
/// or arguments of its own (declare shared options on each leaf command instead). Every command
/// has `--help` and `-h`; the root has `--version` when it declares a version.
package struct CommandSpec: Sendable, Hashable {
    /// The name typed on the command line (the tool's name for the root).
    package var name: String
    /// One line saying what the command does.
    package var abstract: String
    /// Longer help shown after the abstract, printed as written.
    package var discussion: String?
    /// The version `--version` prints; only read on the root command.
    package var version: String?
    /// The named options, in the order help lists them.
    package var options: [OptionSpec]
    /// The positional arguments, in order.
    package var arguments: [ArgumentSpec]
    /// The subcommands, in the order help lists them.
    package var subcommands: [CommandSpec]

    /// Declares a command.
    /// - Parameters:
    ///   - name: the name typed on the command line.
    ///   - abstract: one line of help.
    ///   - discussion: more help, printed as written.
    ///   - version: what `--version` prints (root only).
    ///   - options: the named options.
    ///   - arguments: the positional arguments.
    ///   - subcommands: the subcommands; a command with subcommands has no options or arguments.
    package init(
        _ name: String, abstract: String, discussion: String? = nil, version: String? = nil,
        options: [OptionSpec] = [], arguments: [ArgumentSpec] = [], subcommands: [CommandSpec] = []
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.version = version
        self.options = options
        self.arguments = arguments
        self.subcommands = subcommands
        precondition(
            subcommands.isEmpty || (options.isEmpty && arguments.isEmpty),
            "'\(name)' has subcommands, so it takes no options or arguments"
        )
        precondition(
            !options.contains { $0.long == "help" || $0.short == "h" },
            "'\(name)' declares '--help' or '-h', which every command already has"
        )
    }

    /// The subcommand with this name.
    /// - Parameter name: the subcommand's name.
    /// - Returns: the subcommand, or `nil` when there is none by that name.
    package func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }

    /// The option with this long name.
    /// - Parameter long: the long name without `--`.
    /// - Returns: the option, or `nil` when there is none by that name.
    package func option(named long: String) -> OptionSpec? {
        options.first { $0.long == long }
    }

    /// The command a subcommand path leads to.
    /// - Parameter path: subcommand names below this command, e.g. `["schema", "diff"]`.
    /// - Returns: the command, or `nil` when a name along the path is unknown.
    package func descendant(_ path: [String]) -> CommandSpec? {
        path.reduce(self) { command, name in command?.subcommand(named: name) }
    }
}
