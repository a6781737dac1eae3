/// One positional argument of a command, such as `<schema>` or `<cases> ...`.
///
/// Part of a `CommandSpec`. Arguments are filled in declaration order, so an optional or
/// repeated argument goes after the required ones, and a repeated one goes last.
package struct ArgumentSpec: Sendable, Hashable {
    /// How many values an argument takes.
    package enum Arity: Sendable, Hashable {
        /// Exactly one value.
        case one
        /// Zero or one value.
        case optional
        /// Zero or more values.
        case zeroOrMore
        /// One or more values.
        case oneOrMore
    }

    /// The placeholder name shown as `<name>`.
    package var name: String
    /// One sentence of help.
    package var help: String
    /// How many values it takes.
    package var arity: Arity

    /// Declares a positional argument.
    /// - Parameters:
    ///   - name: the placeholder name, shown as `<name>`.
    ///   - help: one sentence of help.
    ///   - arity: how many values it takes; one by default.
    package init(_ name: String, help: String, arity: Arity = .one) {
        self.name = name
        self.help = help
        self.arity = arity
    }

    /// The argument as the usage line shows it: `<name>`, `[<name>]`, `<name> ...` or `[<name> ...]`.
    package var usage: String {
        switch arity {
        case .one: "<\(name)>"
        case .optional: "[<\(name)>]"
        case .zeroOrMore: "[<\(name)> ...]"
        case .oneOrMore: "<\(name)> ..."
        }
    }
}
