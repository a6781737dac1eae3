import Foundation

/// What a scenario step expects of a value (a `return` value, or a captured value): exact
/// equality, a subset, a JSON kind, a shape, a regular expression, a count, or all of several.
///
/// Built by `ScenarioLoader` from a step's `"return"` object; `ScenarioRunner` substitutes the
/// scenario's variables into it (`substituting(_:)`) and asks for the mismatches. It does not
/// read files or talk to an endpoint.
public indirect enum ValueMatcher: Sendable, Hashable {
    /// Equal as JSON values (object members in any order).
    case exact(JSONValue)
    /// Objects: every listed member present and matching as a subset, extra members allowed.
    /// Arrays: every listed element matches (as a subset) some element of the actual array.
    /// Scalars: equal.
    case subset(JSONValue)
    /// Of this JSON kind (`number` accepts integers too).
    case kind(JSONValue.Kind)
    /// Of this shape: a kind name (`"string"`), an object of member shapes (listed members
    /// required, extra allowed), or a one-element array whose shape every element has.
    case shape(JSONValue)
    /// A string that the pattern matches somewhere (anchor it with `^...$` for a full match),
    /// within its first `PatternLimits.maximumSubjectLength` characters.
    case regex(String)
    /// An array or object with this many elements or members.
    case count(Int)
    /// An array with no element matching this subset (an object or scalar not matching it): what
    /// a query lists once a resource is destroyed.
    case lacks(JSONValue)
    /// All of these.
    case all([ValueMatcher])

    /// One difference between the expectation and the actual value.
    public struct Mismatch: Sendable, Hashable {
        /// Where in the actual value.
        public var path: JSONPath
        /// What was expected there.
        public var expected: String
        /// What was there.
        public var actual: String
    }

    /// The differences between this expectation and a value (empty when it matches).
    /// - Parameters:
    ///   - actual: the actual value.
    ///   - path: the path of `actual` in its message, prefixed to every mismatch's path.
    /// - Returns: the mismatches, in document order.
    public func mismatches(_ actual: JSONValue, at path: JSONPath = .root) -> [Mismatch] {
        switch self {
        case .exact(let expected):
            return expected == actual
                ? [] : [Mismatch(path: path, expected: Self.text(expected), actual: Self.text(actual))]
        case .subset(let expected):
            return Self.subsetMismatches(expected, actual, at: path)
        case .kind(let kind):
            return Self.kindMatches(kind, actual)
                ? [] : [Mismatch(path: path, expected: "a value of type \(kind.rawValue)", actual: Self.text(actual))]
        case .shape(let shape):
            return Self.shapeMismatches(shape, actual, at: path)
        case .regex(let pattern):
            guard let text = actual.stringValue else {
                return [Mismatch(path: path, expected: "a string matching /\(pattern)/", actual: Self.text(actual))]
            }
            guard let expression = try? NSRegularExpression(pattern: pattern) else {
                return [Mismatch(path: path, expected: "a valid pattern /\(pattern)/", actual: Self.text(actual))]
            }
            return expression.firstMatch(in: text, range: PatternLimits.searchRange(in: text)) != nil
                ? [] : [Mismatch(path: path, expected: "a string matching /\(pattern)/", actual: Self.text(actual))]
        case .count(let count):
            let actualCount = actual.arrayValue?.count ?? actual.objectValue?.count
            return actualCount == count
                ? [] : [Mismatch(path: path, expected: "\(count) elements", actual: Self.text(actual))]
        case .lacks(let unwanted):
            return Self.lacksMismatches(unwanted, actual, at: path)
        case .all(let matchers):
            return matchers.flatMap { $0.mismatches(actual, at: path) }
        }
    }

    private static func lacksMismatches(_ unwanted: JSONValue, _ actual: JSONValue, at path: JSONPath) -> [Mismatch] {
        let elements = actual.arrayValue ?? [actual]
        guard let index = elements.firstIndex(where: { subsetMismatches(unwanted, $0, at: path).isEmpty }) else {
            return []
        }
        return [
            Mismatch(
                path: actual.arrayValue == nil ? path : path.appending(index: index),
                expected: "no element matching \(text(unwanted))", actual: text(elements[index]))
        ]
    }

    /// Whether a value matches.
    /// - Parameter actual: the value.
    /// - Returns: `true` when there is no mismatch.
    public func matches(_ actual: JSONValue) -> Bool { mismatches(actual).isEmpty }

    /// The same expectation with every JSON value and every pattern rewritten (variable
    /// substitution; patterns get their substituted values escaped).
    /// - Parameters:
    ///   - values: rewrites an expected value.
    ///   - patterns: rewrites a regular expression.
    /// - Returns: the rewritten matcher.
    /// - Throws: whatever the closures throw.
    public func substituting<Failure: Error>(
        values: (JSONValue) throws(Failure) -> JSONValue, patterns: (String) throws(Failure) -> String
    ) throws(Failure) -> ValueMatcher {
        switch self {
        case .exact(let value): return .exact(try values(value))
        case .subset(let value): return .subset(try values(value))
        case .lacks(let value): return .lacks(try values(value))
        case .kind, .shape, .count: return self
        case .regex(let pattern): return .regex(try patterns(pattern))
        case .all(let matchers):
            var rewritten: [ValueMatcher] = []
            for matcher in matchers { rewritten.append(try matcher.substituting(values: values, patterns: patterns)) }
            return .all(rewritten)
        }
    }

    /// Compact JSON text of a value, shortened to 200 characters for reports.
    static func text(_ value: JSONValue) -> String {
        let text = JSONWriter.compact.string(value)
        return text.count > 200 ? String(text.prefix(197)) + "..." : text
    }

    static func kindMatches(_ kind: JSONValue.Kind, _ value: JSONValue) -> Bool {
        value.kind == kind || (kind == .number && value.kind == .integer)
    }

    private static func subsetMismatches(_ expected: JSONValue, _ actual: JSONValue, at path: JSONPath) -> [Mismatch] {
        switch (expected, actual) {
        case (.object(let wanted), .object(let have)):
            var found: [Mismatch] = []
            for member in wanted {
                let memberPath = path.appending(member.key)
                guard let value = have[member.key] else {
                    found.append(Mismatch(path: memberPath, expected: text(member.value), actual: "absent"))
                    continue
                }
                found += subsetMismatches(member.value, value, at: memberPath)
            }
            return found
        case (.array(let wanted), .array(let have)):
            var found: [Mismatch] = []
            for (index, element) in wanted.enumerated()
            where !have.contains(where: { subsetMismatches(element, $0, at: path).isEmpty }) {
                found.append(
                    Mismatch(
                        path: path.appending(index: index), expected: "an element matching \(text(element))",
                        actual: text(actual)))
            }
            return found
        default:
            return expected == actual ? [] : [Mismatch(path: path, expected: text(expected), actual: text(actual))]
        }
    }

    private static func shapeMismatches(_ shape: JSONValue, _ actual: JSONValue, at path: JSONPath) -> [Mismatch] {
        switch shape {
        case .string(let name):
            guard let kind = JSONValue.Kind(rawValue: name), kindMatches(kind, actual) else {
                return [Mismatch(path: path, expected: "a value of type \(name)", actual: text(actual))]
            }
            return []
        case .object(let members):
            guard let object = actual.objectValue else {
                return [Mismatch(path: path, expected: "an object", actual: text(actual))]
            }
            var found: [Mismatch] = []
            for member in members {
                let memberPath = path.appending(member.key)
                guard let value = object[member.key] else {
                    found.append(
                        Mismatch(
                            path: memberPath, expected: "a member of shape \(text(member.value))", actual: "absent"))
                    continue
                }
                found += shapeMismatches(member.value, value, at: memberPath)
            }
            return found
        case .array(let elements):
            guard let array = actual.arrayValue else {
                return [Mismatch(path: path, expected: "an array", actual: text(actual))]
            }
            guard let element = elements.first else { return [] }
            return array.enumerated().flatMap {
                shapeMismatches(element, $0.element, at: path.appending(index: $0.offset))
            }
        default:
            return [Mismatch(path: path, expected: "a valid shape", actual: text(shape))]
        }
    }
}
