/// A pragma name some QEMU release understood: the closed set `schema check` knows, so that an
/// unknown one is a warning (an error under `--strict`) rather than a fault.
///
/// QEMU 2.10 to 5.2 wrote `returns-whitelist` and `name-case-whitelist`; 6.0 renamed them
/// `command-returns-exceptions` and `member-name-exceptions` and added `command-name-exceptions`;
/// 10.0 added `documentation-exceptions`. The old names are read as their new ones.
enum Pragma: String, CaseIterable, Sendable {
    case docRequired = "doc-required"
    case commandNameExceptions = "command-name-exceptions"
    case commandReturnsExceptions = "command-returns-exceptions"
    case memberNameExceptions = "member-name-exceptions"
    case documentationExceptions = "documentation-exceptions"
    case returnsWhitelist = "returns-whitelist"
    case nameCaseWhitelist = "name-case-whitelist"

    /// The name the pragma is stored under: an old name's successor.
    var canonical: Pragma {
        switch self {
        case .returnsWhitelist: .commandReturnsExceptions
        case .nameCaseWhitelist: .memberNameExceptions
        default: self
        }
    }

    /// Whether the value is a boolean (otherwise a list of strings).
    var isBoolean: Bool { self == .docRequired }
}

/// The QEMU releases whose rules a schema is held to, as the pragma names it uses tell: the
/// rules changed with the names (6.0 renamed the pragmas and enforced naming conventions; 10.0
/// added `documentation-exceptions` and reads doc comments as rST paragraphs).
enum RuleEra: Int, Comparable, Sendable {
    /// QEMU 2.10 to 5.2: `returns-whitelist`, `name-case-whitelist`.
    case qemu2_10
    /// QEMU 6.0 to 9.x, and a schema that names no era-specific pragma.
    case qemu6_0
    /// QEMU 10.0 on: `documentation-exceptions`.
    case qemu10_0

    static func < (lhs: RuleEra, rhs: RuleEra) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Pragma {
    /// The era whose rules a schema naming this pragma follows, or nil when every era knows it.
    var era: RuleEra? {
        switch self {
        case .returnsWhitelist, .nameCaseWhitelist: .qemu2_10
        case .documentationExceptions: .qemu10_0
        default: nil
        }
    }
}
