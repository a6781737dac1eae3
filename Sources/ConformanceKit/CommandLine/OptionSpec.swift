/// One named option of a command: a flag (`--strict`) or an option with a value (`--seed <n>`).
///
/// Part of a `CommandSpec`; `CommandLineParser` matches arguments against it and the help text
/// lists it. It declares and documents an option but does not convert its value: the executable
/// turns the string into a typed value.
package struct OptionSpec: Sendable, Hashable {
    /// The long name, without the leading `--`; also the key of its values in `ParsedCommand`.
    package var long: String
    /// The short name, used as `-x`.
    package var short: Character?
    /// The placeholder shown for the value, e.g. `path` for `--socket <path>`; `nil` for a flag.
    package var valueName: String?
    /// One sentence of help.
    package var help: String
    /// The only values accepted, in the order help lists them; empty accepts any value.
    package var allowedValues: [String]
    /// The value used when the option is absent; help shows it.
    package var defaultValue: String?
    /// Whether the option may be given more than once (its values are kept in order).
    package var isRepeatable: Bool

    /// Whether the option is a flag, which takes no value.
    package var isFlag: Bool { valueName == nil }

    /// Declares an option that takes a value.
    /// - Parameters:
    ///   - long: the long name without `--`.
    ///   - short: the one-letter short name, if any.
    ///   - value: the value's placeholder in help, e.g. `path`.
    ///   - help: one sentence of help.
    ///   - allowedValues: the accepted values (e.g. `Format.allCases.map(\.rawValue)`); empty for any.
    ///   - defaultValue: the value when absent, shown in help.
    ///   - repeatable: whether the option may be given more than once.
    /// - Returns: the option.
    package static func option(
        _ long: String, short: Character? = nil, value: String, help: String,
        allowedValues: [String] = [], defaultValue: String? = nil, repeatable: Bool = false
    ) -> OptionSpec {
        OptionSpec(
            long: long, short: short, valueName: value, help: help,
            allowedValues: allowedValues, defaultValue: defaultValue, isRepeatable: repeatable
        )
    }

    /// Declares a flag: present or absent, given at most once.
    /// - Parameters:
    ///   - long: the long name without `--`.
    ///   - short: the one-letter short name, if any.
    ///   - help: one sentence of help.
    /// - Returns: the flag.
    package static func flag(_ long: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(
            long: long, short: short, valueName: nil, help: help,
            allowedValues: [], defaultValue: nil, isRepeatable: false
        )
    }
}
