/// The QAPI built-in types, each with the JSON kind and integer range it accepts on the wire.
public enum BuiltinType: String, Sendable, Hashable, CaseIterable {
    case str, number, int, int8, int16, int32, int64, uint8, uint16, uint32, uint64, size, bool, null, any
    /// Introspection's `int`: every integer type collapses into it, so it accepts the whole
    /// `Int64.min...UInt64.max` range. Source schemas never produce it.
    case anyInteger = "<any-integer>"

    /// The range of an integer type as (minimum, maximum); nil for non-integer types.
    public var integerRange: (min: Int64, max: UInt64)? {
        switch self {
        case .int, .int64: (Int64.min, UInt64(Int64.max))
        case .int8: (Int64(Int8.min), UInt64(Int8.max))
        case .int16: (Int64(Int16.min), UInt64(Int16.max))
        case .int32: (Int64(Int32.min), UInt64(Int32.max))
        case .uint8: (0, UInt64(UInt8.max))
        case .uint16: (0, UInt64(UInt16.max))
        case .uint32: (0, UInt64(UInt32.max))
        case .uint64, .size: (0, UInt64.max)
        case .anyInteger: (Int64.min, UInt64.max)
        default: nil
        }
    }

    /// Whether an integer type takes a value (false for types that are not integers).
    /// - Parameter number: the value.
    /// - Returns: whether it lies in `integerRange`.
    public func admits(_ number: Int64) -> Bool {
        guard let range = integerRange else { return false }
        return number >= range.min && (number < 0 || UInt64(number) <= range.max)
    }

    /// The introspection `json-type` of the type (`int` for every integer type).
    public var jsonType: String {
        switch self {
        case .str: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .any: "value"
        default: "int"
        }
    }

    /// The name the type has in introspection output.
    public var introspectionName: String {
        switch self {
        case .str, .number, .bool, .null, .any: rawValue
        default: "int"
        }
    }

    /// Built-in types by their QAPI source name (`anyInteger` excluded: it has no source name).
    static let bySourceName: [String: BuiltinType] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .anyInteger }.map { ($0.rawValue, $0) })
}
