/// A command line that cannot be run, with what the user needs to fix it.
///
/// Thrown by `CommandLineParser`. Prints as the message, the command's usage line and where to
/// find its help; the executable writes it to standard error and exits with `ExitStatus.usage`.
package struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in one line, e.g. `unknown option '--sead'. Did you mean '--seed'?`.
    package var message: String
    /// The command names from the root to the command being read, e.g. `["qmp-conform", "schema", "diff"]`.
    package var commandPath: [String]
    /// That command's usage line, without the `USAGE:` label.
    package var usage: String

    /// Creates a usage error.
    /// - Parameters:
    ///   - message: what is wrong.
    ///   - commandPath: the command names from the root to the command being read.
    ///   - usage: that command's usage line.
    package init(_ message: String, commandPath: [String], usage: String) {
        self.message = message
        self.commandPath = commandPath
        self.usage = usage
    }

    package var description: String {
        "error: \(message)\nUSAGE: \(usage)\nSee '\(commandPath.joined(separator: " ")) --help'."
    }
}
