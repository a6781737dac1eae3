import Foundation

/// The variables of one item of a run (a generated case or a scenario) and the `${...}`
/// references that use them: the one substitution engine of the suite.
///
/// References, inside any string of a generated case's arguments, or of a scenario step's
/// `arguments`, matchers, error pattern or event data:
/// - `${scratch}`: the endpoint's scratch directory;
/// - `${port:NAME}`: a free loopback TCP port (as a decimal string), the same for every use of
///   NAME in the item; `${free_port}` is `${port:free_port}`;
/// - `${NAME}`: a value captured from an earlier reply (`"capture": {"NAME": "return.path"}`).
///
/// `$${` writes a literal `${`. A string that is exactly one reference becomes the variable's
/// value with its JSON type (a captured integer stays an integer); a reference inside a longer
/// string is replaced by the value's text. The loader checks references with `references(in:)`;
/// the runner allocates the ports an item names (`portNames(in:)`), fills the values and calls
/// `substitute(_:)`.
public struct CaseVariables: Sendable, Hashable {
    /// One `${...}` reference.
    public enum Reference: Sendable, Hashable, CustomStringConvertible {
        /// `${scratch}`.
        case scratch
        /// `${port:NAME}` (or `${free_port}`, NAME `free_port`).
        case port(String)
        /// `${NAME}`: a captured value.
        case captured(String)

        /// The reference as written: `${scratch}`, `${port:NAME}`, `${NAME}`.
        public var description: String {
            switch self {
            case .scratch: "${scratch}"
            case .port(let name): "${port:\(name)}"
            case .captured(let name): "${\(name)}"
            }
        }
    }

    /// A piece of a string: literal text or a reference.
    public enum Segment: Sendable, Hashable {
        /// Text as written (escapes resolved).
        case literal(String)
        /// A reference.
        case reference(Reference)
    }

    /// A malformed reference or one without a value.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The scratch directory.
    public var scratch: String
    /// Port name → port number text.
    public var ports: [String: String]
    /// Captured name → value.
    public var captured: [String: JSONValue]

    /// Creates variables.
    /// - Parameters:
    ///   - scratch: the scratch directory.
    ///   - ports: port name → port text.
    ///   - captured: captured values.
    public init(scratch: String, ports: [String: String] = [:], captured: [String: JSONValue] = [:]) {
        self.scratch = scratch
        self.ports = ports
        self.captured = captured
    }

    /// Splits a string into literal text and references.
    /// - Parameter text: the string.
    /// - Returns: its segments (adjacent literals merged).
    /// - Throws: `Failure` for an unterminated `${` or a malformed name.
    public static func segments(in text: String) throws(Failure) -> [Segment] {
        var segments: [Segment] = []
        var literal = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[..<dollar]
            let after = rest[dollar...]
            if after.hasPrefix("$${") {
                literal += "${"
                rest = after.dropFirst(3)
            } else if after.hasPrefix("${") {
                guard let close = after.firstIndex(of: "}") else {
                    throw Failure(message: "unterminated '${' in \"\(text)\"")
                }
                let body = String(after[after.index(after.startIndex, offsetBy: 2)..<close])
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                segments.append(.reference(try reference(body, in: text)))
                rest = after[after.index(after: close)...]
            } else {
                literal += "$"
                rest = after.dropFirst()
            }
        }
        literal += rest
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return segments
    }

    /// Every reference inside a value's strings (keys included), in document order.
    /// - Parameter value: the value.
    /// - Returns: the references.
    /// - Throws: `Failure` for a malformed reference.
    public static func references(in value: JSONValue) throws(Failure) -> [Reference] {
        switch value {
        case .string(let text):
            return try segments(in: text).compactMap {
                if case .reference(let reference) = $0 { reference } else { nil }
            }
        case .array(let elements):
            var found: [Reference] = []
            for element in elements { found += try references(in: element) }
            return found
        case .object(let object):
            var found: [Reference] = []
            for member in object {
                found += try references(in: .string(member.key))
                found += try references(in: member.value)
            }
            return found
        default:
            return []
        }
    }

    /// The files directly inside the scratch directory that a value's strings name as a whole
    /// (`${scratch}/NAME`), in document order, each once.
    /// - Parameter value: the value.
    /// - Returns: the file names.
    public static func scratchFiles(in value: JSONValue) -> [String] {
        var names: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let text):
                let prefix = "${scratch}/"
                guard text.hasPrefix(prefix) else { return }
                let name = String(text.dropFirst(prefix.count))
                if !name.isEmpty, !name.contains("/"), !name.contains("${"), !names.contains(name) {
                    names.append(name)
                }
            case .array(let elements): elements.forEach(collect)
            case .object(let object): object.members.forEach { collect($0.value) }
            default: break
            }
        }
        collect(value)
        return names
    }

    /// The value with every reference replaced.
    /// - Parameter value: a value from a scenario file.
    /// - Returns: the value to send or compare.
    /// - Throws: `Failure` for a malformed reference or one without a value.
    public func substitute(_ value: JSONValue) throws(Failure) -> JSONValue {
        switch value {
        case .string(let text):
            guard text.contains("$") else { return value }
            let parts = try Self.segments(in: text)
            if parts.count == 1, case .reference(let reference) = parts[0] { return try self.value(of: reference) }
            var result = ""
            for part in parts {
                switch part {
                case .literal(let literal): result += literal
                case .reference(let reference):
                    let replacement = try self.value(of: reference)
                    result += replacement.stringValue ?? JSONWriter.compact.string(replacement)
                }
            }
            return .string(result)
        case .array(let elements):
            var result: [JSONValue] = []
            for element in elements { result.append(try substitute(element)) }
            return .array(result)
        case .object(let object):
            var result: [JSONObject.Member] = []
            for member in object {
                let key = try substitute(.string(member.key))
                result.append(
                    JSONObject.Member(key.stringValue ?? JSONWriter.compact.string(key), try substitute(member.value)))
            }
            return .object(JSONObject(result))
        default:
            return value
        }
    }

    /// The port names among references, sorted, without repeats.
    /// - Parameter references: references, e.g. from `references(in:)`.
    /// - Returns: the NAMEs of `${port:NAME}` (`free_port` for `${free_port}`).
    public static func portNames(_ references: [Reference]) -> [String] {
        Set(references.compactMap { if case .port(let name) = $0 { name } else { nil } }).sorted()
    }

    /// A regular expression with every reference replaced by its value's text, escaped so that
    /// it matches literally.
    /// - Parameter pattern: a pattern from a scenario file.
    /// - Returns: the pattern to compile.
    /// - Throws: `Failure` for a malformed reference or one without a value.
    public func substitute(pattern: String) throws(Failure) -> String {
        guard pattern.contains("$") else { return pattern }
        var result = ""
        for part in try Self.segments(in: pattern) {
            switch part {
            case .literal(let literal): result += literal
            case .reference(let reference):
                let replacement = try value(of: reference)
                result += NSRegularExpression.escapedPattern(
                    for: replacement.stringValue ?? JSONWriter.compact.string(replacement))
            }
        }
        return result
    }

    /// The value of one reference.
    /// - Parameter reference: the reference.
    /// - Returns: its value.
    /// - Throws: `Failure` when it has none.
    public func value(of reference: Reference) throws(Failure) -> JSONValue {
        switch reference {
        case .scratch: return .string(scratch)
        case .port(let name):
            guard let port = ports[name] else { throw Failure(message: "no port allocated for \(reference)") }
            return .string(port)
        case .captured(let name):
            guard let value = captured[name] else {
                throw Failure(message: "\(reference) has no value (its capture did not happen)")
            }
            return value
        }
    }

    private static func reference(_ body: String, in text: String) throws(Failure) -> Reference {
        if body == "scratch" { return .scratch }
        if body == "free_port" { return .port("free_port") }
        if body.hasPrefix("port:") {
            let name = String(body.dropFirst(5))
            guard isName(name) else { throw Failure(message: "malformed port name in '${\(body)}'") }
            return .port(name)
        }
        guard isName(body) else { throw Failure(message: "malformed variable reference '${\(body)}' in \"\(text)\"") }
        return .captured(body)
    }

    /// Whether a text is a variable name: a letter or `_`, then letters, digits, `_` or `-`.
    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII)
        else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
    }
}
