extension CommandSpec {
    /// The width help text is wrapped to.
    static let helpWidth = 80
    /// The widest label that keeps its help on the same line; longer labels put it below.
    static let labelColumnLimit = 24

    /// The usage line of a command in this tree, without the `USAGE:` label.
    /// - Parameter subcommandPath: the subcommand names below this command; must exist.
    /// - Returns: e.g. `qmp-conform schema diff [<options>] <old> <new>`.
    package func usage(for subcommandPath: [String]) -> String {
        resolve(subcommandPath).usageLine(invocation: invocation(subcommandPath))
    }

    /// The help text of a command in this tree: overview, discussion, usage, arguments, options
    /// and subcommands, with labels aligned and help wrapped at 80 columns.
    /// - Parameter subcommandPath: the subcommand names below this command; must exist.
    /// - Returns: the text, ending with a newline.
    package func helpText(for subcommandPath: [String]) -> String {
        let command = resolve(subcommandPath)
        let invocation = invocation(subcommandPath)
        let isRoot = subcommandPath.isEmpty

        let argumentRows = command.arguments.map { (label: $0.usage, help: $0.help) }
        var optionRows = command.options.map { (label: $0.label, help: $0.helpWithDetails) }
        optionRows.append((label: "-h, --help", help: "Show help information."))
        if isRoot, version != nil { optionRows.append((label: "--version", help: "Show the version.")) }
        var subcommandRows = command.subcommands.map { (label: $0.name, help: $0.abstract) }
        if isRoot, !subcommands.isEmpty {
            subcommandRows.append((label: "help", help: "Show help for a subcommand."))
        }
        let labelWidth = min(
            (argumentRows + optionRows + subcommandRows).map(\.label.count).max() ?? 0, Self.labelColumnLimit
        )

        var sections = [Self.wrap("OVERVIEW: \(command.abstract)", width: Self.helpWidth).joined(separator: "\n")]
        if let discussion = command.discussion { sections.append(discussion) }
        sections.append("USAGE: \(command.usageLine(invocation: invocation))")
        for (title, rows) in [("ARGUMENTS:", argumentRows), ("OPTIONS:", optionRows), ("SUBCOMMANDS:", subcommandRows)]
        where !rows.isEmpty {
            sections.append(
                ([title] + rows.map { Self.row($0.label, $0.help, labelWidth: labelWidth) }).joined(separator: "\n"))
        }
        if !command.subcommands.isEmpty {
            sections.append("  See '\(invocation) <subcommand> --help' for detailed help.")
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    private func resolve(_ subcommandPath: [String]) -> CommandSpec {
        guard let command = descendant(subcommandPath) else {
            preconditionFailure("'\(name)' has no subcommand path \(subcommandPath)")
        }
        return command
    }

    private func invocation(_ subcommandPath: [String]) -> String {
        ([name] + subcommandPath).joined(separator: " ")
    }

    private func usageLine(invocation: String) -> String {
        var parts = [invocation]
        if !options.isEmpty { parts.append("[<options>]") }
        if subcommands.isEmpty { parts += arguments.map(\.usage) } else { parts.append("<subcommand>") }
        return parts.joined(separator: " ")
    }

    /// One aligned entry: the label indented by two, the help in a column after it, wrapped.
    private static func row(_ label: String, _ help: String, labelWidth: Int) -> String {
        let column = 2 + labelWidth + 2
        let indent = String(repeating: " ", count: column)
        let lines = wrap(help, width: helpWidth - column)
        guard label.count <= labelWidth else {
            return (["  " + label] + lines.map { indent + $0 }).joined(separator: "\n")
        }
        let first = "  " + label + String(repeating: " ", count: labelWidth - label.count + 2) + lines[0]
        return ([first] + lines.dropFirst().map { indent + $0 }).joined(separator: "\n")
    }

    /// Splits text into lines of at most `width` characters at spaces (a longer word gets its own line).
    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " \(word)"
        }
        return lines + [line]
    }
}
