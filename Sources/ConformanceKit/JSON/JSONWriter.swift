import Foundation

/// Writes `JSONValue`s as text: compact for the wire (QEMU's input costs microseconds per byte),
/// or indented with sorted keys for golden files and reports people read.
///
/// Output is ASCII only by default (non-ASCII escaped as `\uXXXX`), as QMP servers send it.
public struct JSONWriter: Sendable, Hashable {
    /// Indentation per nesting level; `nil` writes everything on one line without spaces.
    public var indent: Int?
    /// Whether object members are written sorted by key instead of in their order.
    public var sortKeys: Bool
    /// Whether non-ASCII characters are escaped.
    public var asciiOnly: Bool

    /// The wire form: compact, member order kept, ASCII.
    public static let compact = JSONWriter(indent: nil, sortKeys: false)
    /// The readable, deterministic form: two-space indent, sorted keys.
    public static let pretty = JSONWriter(indent: 2, sortKeys: true)

    /// Creates a writer.
    /// - Parameters:
    ///   - indent: spaces per level, or `nil` for compact.
    ///   - sortKeys: sort object members by key.
    ///   - asciiOnly: escape non-ASCII characters.
    public init(indent: Int? = nil, sortKeys: Bool = false, asciiOnly: Bool = true) {
        self.indent = indent
        self.sortKeys = sortKeys
        self.asciiOnly = asciiOnly
    }

    /// The text of a value.
    /// - Parameter value: the value.
    /// - Returns: its JSON text (no trailing newline).
    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// The UTF-8 bytes of a value.
    /// - Parameter value: the value.
    /// - Returns: its JSON text as bytes (no trailing newline).
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        write(value, into: &output, level: 0)
        return output
    }

    /// Appends a value's text to a byte buffer.
    /// - Parameters:
    ///   - value: the value.
    ///   - output: the buffer to append to.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        write(value, into: &output, level: 0)
    }

    /// Appends a value's text as it is written at a nesting level inside a larger document
    /// (for documents written piece by piece).
    /// - Parameters:
    ///   - value: the value.
    ///   - output: the buffer to append to.
    ///   - level: the nesting level its lines are indented to.
    func write(_ value: JSONValue, into output: inout [UInt8], level: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .uint(let number): output.append(contentsOf: String(number).utf8)
        case .double(let number): output.append(contentsOf: Self.format(number).utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(into: &output, level: level + 1)
                write(element, into: &output, level: level + 1)
            }
            if !elements.isEmpty { newline(into: &output, level: level) }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let members = sortKeys ? object.sortedByKey.members : object.members
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(into: &output, level: level + 1)
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                write(member.value, into: &output, level: level + 1)
            }
            if !members.isEmpty { newline(into: &output, level: level) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private func newline(into output: inout [UInt8], level: Int) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append(contentsOf: "\\\"".utf8)
            case "\\": output.append(contentsOf: "\\\\".utf8)
            case "\n": output.append(contentsOf: "\\n".utf8)
            case "\r": output.append(contentsOf: "\\r".utf8)
            case "\t": output.append(contentsOf: "\\t".utf8)
            case "\u{08}": output.append(contentsOf: "\\b".utf8)
            case "\u{0C}": output.append(contentsOf: "\\f".utf8)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    output.append(contentsOf: "\\u\(hex4(UInt16(scalar.value)))".utf8)
                } else if scalar.value < 0x80 {
                    output.append(UInt8(scalar.value))
                } else if asciiOnly {
                    for unit in String(Character(scalar)).utf16 { output.append(contentsOf: "\\u\(hex4(unit))".utf8) }
                } else {
                    output.append(contentsOf: String(Character(scalar)).utf8)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// JSON text for a double: shortest round-trip form; non-finite values (not JSON) become `null`.
    static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(.towardZero), abs(number) < 1e15 {
            return String(Int64(number)) + ".0"
        }
        return "\(number)"
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of the value.
    public var description: String { JSONWriter.compact.string(self) }
}

extension JSONObject: CustomStringConvertible {
    /// The compact JSON text of the object (never a Swift debug dump in a message).
    public var description: String { JSONWriter.compact.string(.object(self)) }
}
