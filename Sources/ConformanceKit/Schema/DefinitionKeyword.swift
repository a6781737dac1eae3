/// The keyword that makes a QAPI expression a definition (`{ 'struct': 'Name', ... }`), with the
/// keys a definition of that kind may have. `type` is the QEMU 1.x spelling of `struct`.
enum DefinitionKeyword: String, CaseIterable {
    // In the order of preference when an expression has several (`metaKey(of:)`).
    case `enum`, `struct`, type, union, alternate, command, event, pragma

    /// The rank when an expression has several keywords: lower wins.
    var preference: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }

    /// The keys a definition of this kind may have.
    var allowedKeys: [String] {
        let common = ["if", "features"]
        switch self {
        case .enum: return ["enum", "data", "prefix"] + common
        case .struct, .type: return [rawValue, "data", "base"] + common
        case .union: return ["union", "data", "base", "discriminator"] + common
        case .alternate: return ["alternate", "data"] + common
        case .command:
            return [
                "command", "data", "returns", "boxed", "gen", "success-response", "allow-oob", "allow-preconfig",
                "coroutine",
            ] + common
        case .event: return ["event", "data", "boxed"] + common
        case .pragma: return ["pragma"]
        }
    }

    /// The naming rules the defined name follows (a `pragma` names nothing).
    var nameKind: SchemaBuilder.NameKind? {
        switch self {
        case .enum: .enum
        case .struct, .type: .struct
        case .union: .union
        case .alternate: .alternate
        case .command: .command
        case .event: .event
        case .pragma: nil
        }
    }
}
