/// The rules a JSON value can break against a schema type; each invalid case breaks exactly one,
/// and each violation the validator reports names one.
public enum ValidationRule: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A required member is absent.
    case missingMember = "missing-member"
    /// A member the type does not define is present.
    case unknownMember = "unknown-member"
    /// The value has the wrong JSON kind (a string where an integer belongs, ...).
    case wrongType = "wrong-type"
    /// An integer outside the range of its integer type.
    case outOfRange = "out-of-range"
    /// A string that is not one of the enum's values.
    case unknownEnumValue = "unknown-enum-value"
    /// A union's discriminator member is absent.
    case missingDiscriminator = "missing-discriminator"
    /// A union's discriminator has a value with no branch (not a value of its enum).
    case unknownDiscriminator = "unknown-discriminator"
    /// No branch of an alternate accepts the value.
    case noAlternateBranch = "no-alternate-branch"
    /// `arguments` is present but not a JSON object.
    case argumentsNotObject = "arguments-not-object"

    public static func < (lhs: ValidationRule, rhs: ValidationRule) -> Bool { lhs.rawValue < rhs.rawValue }
}
