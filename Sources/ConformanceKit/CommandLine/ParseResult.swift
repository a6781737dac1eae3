/// What a command line asks for: run a command, show help, or show the version.
///
/// Help and version requests are not errors: the executable prints to standard output and exits
/// with `ExitStatus.success`.
package enum ParseResult: Sendable, Hashable {
    /// Run this command.
    case command(ParsedCommand)
    /// Show the help of the command at this subcommand path (empty for the root), via `CommandSpec.helpText(for:)`.
    case help(subcommandPath: [String])
    /// Show this version string.
    case version(String)
}
