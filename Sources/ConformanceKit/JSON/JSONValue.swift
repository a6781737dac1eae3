/// A JSON value exactly as it travels on the QMP wire or sits in a QAPI or case file.
///
/// Integers are exact: every value in the `Int64` range is `.int`, and only values above
/// `Int64.max` (up to `UInt64.max`) are `.uint`, so `18446744073709551615` survives a round trip.
/// Objects keep their members in order (see `JSONObject`) but compare without regard to order,
/// as the QMP spec says clients must.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer in `Int64` range.
    case int(Int64)
    /// An integer above `Int64.max`; smaller values are always `.int`.
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON kinds, as QAPI's introspection `json-type` and validation messages name them.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case null, boolean, integer, number, string, array, object
    }

    /// The kind of this value; integers are `.integer`, other numbers `.number`.
    public var kind: Kind {
        switch self {
        case .null: .null
        case .bool: .boolean
        case .int, .uint: .integer
        case .double: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// An integer value in canonical form (`.int` when it fits, else `.uint`).
    /// - Parameter value: any unsigned integer.
    /// - Returns: the canonical JSON integer.
    public static func integer(_ value: UInt64) -> JSONValue {
        value <= UInt64(Int64.max) ? .int(Int64(value)) : .uint(value)
    }

    /// The string, when this is a string.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The boolean, when this is a boolean.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    /// The array's strings, when this is an array of strings only.
    public var stringList: [String]? {
        guard let elements = arrayValue else { return nil }
        let strings = elements.compactMap(\.stringValue)
        return strings.count == elements.count ? strings : nil
    }
    /// The object, when this is an object.
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }
    /// The integer as `Int64`, when this is an integer in that range.
    public var int64Value: Int64? { if case .int(let value) = self { value } else { nil } }
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// Any number as a `Double` (integers converted, possibly rounded).
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .uint(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}
