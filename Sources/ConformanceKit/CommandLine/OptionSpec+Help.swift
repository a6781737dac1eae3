extension OptionSpec {
    /// The option as help lists it: `-f, --format <format>`.
    var label: String {
        (short.map { "-\($0), " } ?? "") + "--\(long)" + (valueName.map { " <\($0)>" } ?? "")
    }

    /// The help sentence followed by the allowed values, the default and whether it repeats.
    var helpWithDetails: String {
        var details: [String] = []
        if !allowedValues.isEmpty { details.append("values: " + allowedValues.joined(separator: ", ")) }
        if let defaultValue { details.append("default: \(defaultValue)") }
        if isRepeatable { details.append("repeatable") }
        return details.isEmpty ? help : "\(help) (\(details.joined(separator: "; ")))"
    }
}
