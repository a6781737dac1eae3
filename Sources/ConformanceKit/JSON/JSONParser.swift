/// Reads JSON (the QMP wire, case files) and the QAPI schema dialect into `JSONValue`s.
///
/// One reader serves both: `.json` is strict RFC 8259; `.qapi` adds single-quoted strings, `#`
/// comments and the old dialects' unquoted keys, and has no numbers or `null`, as in QEMU's own
/// `scripts/qapi/parser.py`. Errors carry the byte offset of the fault. The parser never traps on
/// bad input and keeps no state between calls.
public enum JSONParser {
    /// The text flavour to accept.
    public enum Dialect: Sendable, Hashable {
        /// Strict JSON.
        case json
        /// The QAPI schema language's JSON variant.
        case qapi
    }

    /// Parses exactly one JSON value (surrounding whitespace allowed).
    /// - Parameters:
    ///   - bytes: UTF-8 text.
    ///   - dialect: `.json` unless reading schema text.
    /// - Returns: the value.
    /// - Throws: `JSONParseError` at the first fault.
    public static func parse(_ bytes: [UInt8], dialect: Dialect = .json) throws(JSONParseError) -> JSONValue {
        try parse(bytes[...], dialect: dialect)
    }

    /// Parses exactly one JSON value from a slice of bytes (a framed wire message).
    /// - Parameters:
    ///   - bytes: UTF-8 text; offsets in errors count from the slice's start.
    ///   - dialect: `.json` unless reading schema text.
    /// - Returns: the value.
    /// - Throws: `JSONParseError` at the first fault.
    public static func parse(_ bytes: ArraySlice<UInt8>, dialect: Dialect = .json) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(buffer, dialect: dialect, positions: false)
            return Result { () throws(JSONParseError) in try reader.parseSingle().0 }
        }
        return try result.get()
    }

    /// Parses a string holding one JSON value.
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - dialect: `.json` unless reading schema text.
    /// - Returns: the value.
    /// - Throws: `JSONParseError` at the first fault.
    public static func parse(_ text: String, dialect: Dialect = .json) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), dialect: dialect)
    }

    /// Parses one value and keeps where each part of it sits (case files, error locations).
    /// - Parameters:
    ///   - bytes: UTF-8 text.
    ///   - dialect: `.json` unless reading schema text.
    /// - Returns: the value and its position tree.
    /// - Throws: `JSONParseError` at the first fault.
    public static func parseLocated(_ bytes: [UInt8], dialect: Dialect = .json) throws(JSONParseError) -> (
        JSONValue, JSONNode
    ) {
        let result: Result<(JSONValue, JSONNode), JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(buffer, dialect: dialect, positions: true)
            return Result { () throws(JSONParseError) in
                let (value, root) = try reader.parseSingle()
                reader.positions.append(root)
                return (value, JSONNode(JSONNode.Table(reader.positions), index: reader.positions.count - 1))
            }
        }
        return try result.get()
    }

    /// Parses the value that starts at a byte offset, ignoring what follows it (one definition
    /// of a QAPI file, read again).
    /// - Parameters:
    ///   - bytes: UTF-8 text.
    ///   - offset: where the value starts.
    ///   - dialect: `.json` unless reading schema text.
    /// - Returns: the value.
    /// - Throws: `JSONParseError` at the first fault.
    static func parseValue(_ bytes: [UInt8], at offset: Int, dialect: Dialect) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(buffer, dialect: dialect, positions: false)
            reader.index = offset
            return Result { () throws(JSONParseError) in try reader.parseValue().0 }
        }
        return try result.get()
    }

    /// Parses a sequence of top-level values and the comments between them (a QAPI file).
    /// - Parameters:
    ///   - bytes: UTF-8 text.
    ///   - dialect: normally `.qapi`.
    /// - Returns: values with their position trees, and top-level comment lines, in file order.
    /// - Throws: `JSONParseError` at the first fault.
    public static func parseSequence(_ bytes: [UInt8], dialect: Dialect = .qapi) throws(JSONParseError)
        -> [JSONTopLevelItem]
    {
        let (items, positions) = try parseSequenceItems(bytes, dialect: dialect)
        return items.map { item in
            switch item {
            case .value(let value, let root): .value(value, JSONNode(positions, index: root))
            case .comment(let text):
                .comment(String(decoding: bytes[text], as: UTF8.self), offset: text.lowerBound - 1)
            }
        }
    }

    /// One top-level item of a sequence, with a comment kept as the byte range of its text.
    enum SequenceItem {
        /// A top-level value and the index of its root in the sequence's position table.
        case value(JSONValue, root: Int)
        /// A comment: the bytes after `#` up to the line end (a trailing `\r` excluded).
        case comment(Range<Int>)
    }

    /// `parseSequence` without a `String` per comment line (the QAPI loader reads doc comments
    /// from the file's bytes).
    /// - Parameters:
    ///   - bytes: UTF-8 text.
    ///   - dialect: normally `.qapi`.
    /// - Returns: values with their roots, and top-level comment ranges, in file order; and the
    ///   position table the roots index (`JSONNode(table, index: root)`).
    /// - Throws: `JSONParseError` at the first fault.
    static func parseSequenceItems(_ bytes: [UInt8], dialect: Dialect = .qapi) throws(JSONParseError) -> (
        [SequenceItem], JSONNode.Table
    ) {
        let result: Result<([SequenceItem], JSONNode.Table), JSONParseError> = bytes.withUnsafeBufferPointer {
            buffer in
            var reader = Reader(buffer, dialect: dialect, positions: true)
            return Result { () throws(JSONParseError) in
                let items = try reader.parseTopLevelSequence()
                return (items, JSONNode.Table(reader.positions))
            }
        }
        return try result.get()
    }
}

extension JSONParser {
    /// Nesting limit: deeper input is rejected instead of exhausting the stack.
    static let maximumDepth = 512

    /// The cursor over one input; lives only for the duration of one parse call.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let dialect: Dialect
        /// Whether to keep positions (`positions` and `pending` stay empty otherwise).
        let keepsPositions: Bool
        /// The position table: each finished node's children, next to each other.
        var positions: [JSONNode.Entry] = []
        /// The entries of children whose parent is not finished yet.
        var pending: [JSONNode.Entry] = []
        var index = 0
        var depth = 0
        /// In sequence mode, the items so far: comments are added while skipping whitespace
        /// between values.
        var sequence: [SequenceItem]? = nil

        init(_ bytes: UnsafeBufferPointer<UInt8>, dialect: Dialect, positions: Bool) {
            self.bytes = bytes
            self.dialect = dialect
            keepsPositions = positions
        }

        mutating func parseSingle() throws(JSONParseError) -> (JSONValue, JSONNode.Entry) {
            try skipWhitespace()
            guard index < bytes.count else {
                throw JSONParseError("expected a JSON value, found end of input", at: index)
            }
            let result = try parseValue()
            try skipWhitespace()
            guard index == bytes.count else {
                throw JSONParseError("unexpected \(describe(index)) after the end of the value", at: index)
            }
            return result
        }

        mutating func parseTopLevelSequence() throws(JSONParseError) -> [SequenceItem] {
            sequence = []
            // QAPI files hold about one comment line or expression per 40 bytes, a position per 10.
            sequence?.reserveCapacity(bytes.count / 40)
            positions.reserveCapacity(bytes.count / 10)
            while true {
                try skipWhitespace()
                guard index < bytes.count else { return sequence ?? [] }
                let start = index
                let (value, root) = try parseValue()
                guard case .object = value else {
                    throw JSONParseError("expected '{' to start a top-level expression", at: start)
                }
                positions.append(root)
                sequence?.append(.value(value, root: positions.count - 1))
            }
        }

        // MARK: Values

        mutating func parseValue() throws(JSONParseError) -> (JSONValue, JSONNode.Entry) {
            let start = index
            guard index < bytes.count else { throw JSONParseError("expected a value, found end of input", at: index) }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""):
                return (
                    .string(try parseString(quote: UInt8(ascii: "\""))), JSONNode.Entry(offset: start, keyOffset: start)
                )
            case UInt8(ascii: "'") where dialect == .qapi:
                return (
                    .string(try parseString(quote: UInt8(ascii: "'"))), JSONNode.Entry(offset: start, keyOffset: start)
                )
            case UInt8(ascii: "t"):
                try expectWord("true")
                return (.bool(true), JSONNode.Entry(offset: start, keyOffset: start))
            case UInt8(ascii: "f"):
                try expectWord("false")
                return (.bool(false), JSONNode.Entry(offset: start, keyOffset: start))
            case UInt8(ascii: "n") where dialect == .json:
                try expectWord("null")
                return (.null, JSONNode.Entry(offset: start, keyOffset: start))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard dialect == .json else {
                    throw JSONParseError("stray \(describe(index)): the QAPI schema language has no numbers", at: index)
                }
                return (try parseNumber(), JSONNode.Entry(offset: start, keyOffset: start))
            default:
                throw JSONParseError("expected a value, found \(describe(index))", at: index)
            }
        }

        mutating func enter() throws(JSONParseError) {
            depth += 1
            if depth > JSONParser.maximumDepth {
                throw JSONParseError("nesting deeper than \(JSONParser.maximumDepth) levels", at: index)
            }
        }

        /// How many members an object has before its duplicate-key check hashes instead of scanning.
        static let scannedKeyLimit = 32

        mutating func parseObject() throws(JSONParseError) -> (JSONValue, JSONNode.Entry) {
            let start = index
            try enter()
            index += 1
            var members: [JSONObject.Member] = []
            // The keys of an object past `scannedKeyLimit` members, for the duplicate check.
            var keySet: Set<String> = []
            let firstPending = pending.count
            try skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return (.object(JSONObject(uniqueMembers: [])), JSONNode.Entry(offset: start, keyOffset: start))
            }
            // One allocation for the usual few members instead of growing 1, 2, 4.
            members.reserveCapacity(4)
            while true {
                try skipWhitespace()
                let keyStart = index
                let key = try parseKey()
                // Small objects (almost all) are scanned; a large one keeps its keys hashed so that
                // the check stays linear.
                if members.count == Self.scannedKeyLimit {
                    keySet = Set(members.map(\.key))
                }
                let isDuplicate =
                    members.count < Self.scannedKeyLimit
                    ? members.contains(where: { $0.key == key }) : !keySet.insert(key).inserted
                if isDuplicate {
                    throw JSONParseError("duplicate key '\(key)'", at: keyStart)
                }
                try skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw JSONParseError("expected ':' after key '\(key)', found \(describe(index))", at: index)
                }
                index += 1
                try skipWhitespace()
                var (value, entry) = try parseValue()
                members.append(JSONObject.Member(key, value))
                if keepsPositions {
                    entry.keyOffset = keyStart
                    pending.append(entry)
                }
                try skipWhitespace()
                guard index < bytes.count else {
                    throw JSONParseError("unterminated object: expected ',' or '}', found end of input", at: index)
                }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    break
                }
                throw JSONParseError("expected ',' or '}' after object member, found \(describe(index))", at: index)
            }
            depth -= 1
            return (.object(JSONObject(uniqueMembers: members)), finishNode(at: start, childrenFrom: firstPending))
        }

        /// The entry of a finished object or array: its children's entries move from `pending`
        /// to the table, next to each other.
        mutating func finishNode(at start: Int, childrenFrom firstPending: Int) -> JSONNode.Entry {
            guard keepsPositions else { return JSONNode.Entry(offset: start, keyOffset: start) }
            let entry = JSONNode.Entry(
                offset: start, keyOffset: start, firstChild: Int32(positions.count),
                childCount: Int32(pending.count - firstPending))
            positions.append(contentsOf: pending[firstPending...])
            pending.removeSubrange(firstPending...)
            return entry
        }

        mutating func parseKey() throws(JSONParseError) -> String {
            guard index < bytes.count else {
                throw JSONParseError("expected a member name, found end of input", at: index)
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return try parseString(quote: byte) }
            if dialect == .qapi {
                if byte == UInt8(ascii: "'") { return try parseString(quote: byte) }
                if isBareWordByte(byte) {
                    // Old schemas sometimes left keys unquoted; QEMU's early parser took them.
                    let start = index
                    while index < bytes.count, isBareWordByte(bytes[index]) { index += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
            }
            throw JSONParseError("expected a quoted member name, found \(describe(index))", at: index)
        }

        func isBareWordByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "*"):
                true
            default: false
            }
        }

        mutating func parseArray() throws(JSONParseError) -> (JSONValue, JSONNode.Entry) {
            let start = index
            try enter()
            index += 1
            var elements: [JSONValue] = []
            let firstPending = pending.count
            try skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return (.array([]), JSONNode.Entry(offset: start, keyOffset: start))
            }
            elements.reserveCapacity(4)
            while true {
                try skipWhitespace()
                let (value, entry) = try parseValue()
                elements.append(value)
                if keepsPositions { pending.append(entry) }
                try skipWhitespace()
                guard index < bytes.count else {
                    throw JSONParseError("unterminated array: expected ',' or ']', found end of input", at: index)
                }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    break
                }
                throw JSONParseError("expected ',' or ']' after array element, found \(describe(index))", at: index)
            }
            depth -= 1
            return (.array(elements), finishNode(at: start, childrenFrom: firstPending))
        }

        // MARK: Scalars

        mutating func expectWord(_ word: StaticString) throws(JSONParseError) {
            let start = index
            let count = word.utf8CodeUnitCount
            let matches =
                index + count <= bytes.count
                && (0..<count).allSatisfy { bytes[index + $0] == word.utf8Start[$0] }
            guard matches else { throw JSONParseError("expected a value, found \(describe(start))", at: start) }
            index += count
            if index < bytes.count, isBareWordByte(bytes[index]) {
                throw JSONParseError("expected a value, found \(describe(start))", at: start)
            }
        }

        mutating func parseString(quote: UInt8) throws(JSONParseError) -> String {
            let start = index
            index += 1
            let contentStart = index
            // Fast path: no escapes, no control characters; pure ASCII needs no UTF-8 validation.
            var highBits: UInt8 = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == quote {
                    let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                    index += 1
                    if highBits & 0x80 == 0 { return String(decoding: slice, as: UTF8.self) }
                    return try decodeUTF8(slice, at: contentStart)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                highBits |= byte
                index += 1
            }
            index = contentStart
            var scratch: [UInt8] = []
            while true {
                guard index < bytes.count else {
                    throw JSONParseError("unterminated string: missing closing \(quoteName(quote))", at: start)
                }
                let byte = bytes[index]
                if byte == quote {
                    index += 1
                    return try scratch.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in
                        try decodeUTF8(buffer, at: contentStart)
                    }
                }
                if byte == UInt8(ascii: "\n") {
                    throw JSONParseError(
                        "unterminated string: missing closing \(quoteName(quote)) before end of line", at: start)
                }
                if byte < 0x20 {
                    throw JSONParseError("control character U+\(hex4(UInt16(byte))) in string: escape it", at: index)
                }
                if byte == UInt8(ascii: "\\") {
                    try parseEscape(into: &scratch)
                } else {
                    scratch.append(byte)
                    index += 1
                }
            }
        }

        func quoteName(_ quote: UInt8) -> String { quote == UInt8(ascii: "'") ? "\"'\"" : "'\"'" }

        func decodeUTF8(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> String {
            guard let string = String(validating: buffer, as: UTF8.self) else {
                throw JSONParseError("invalid UTF-8 in string", at: offset)
            }
            return string
        }

        mutating func parseEscape(into scratch: inout [UInt8]) throws(JSONParseError) {
            let escapeStart = index
            index += 1
            guard index < bytes.count else { throw JSONParseError("unterminated escape sequence", at: escapeStart) }
            let code = bytes[index]
            index += 1
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(code)
            case UInt8(ascii: "'") where dialect == .qapi: scratch.append(code)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try parseHex4(escapeStart))
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else { throw JSONParseError("unpaired UTF-16 surrogate in \\u escape", at: escapeStart) }
                    index += 2
                    let low = UInt32(try parseHex4(escapeStart))
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw JSONParseError("unpaired UTF-16 surrogate in \\u escape", at: escapeStart)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw JSONParseError("unpaired UTF-16 surrogate in \\u escape", at: escapeStart)
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw JSONParseError("invalid \\u escape", at: escapeStart)
                }
                scratch.append(contentsOf: String(Character(unicode)).utf8)
            default:
                throw JSONParseError("unknown escape sequence '\\\(Character(Unicode.Scalar(code)))'", at: escapeStart)
            }
        }

        mutating func parseHex4(_ escapeStart: Int) throws(JSONParseError) -> UInt16 {
            guard index + 4 <= bytes.count else { throw JSONParseError("truncated \\u escape", at: escapeStart) }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt16
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt16(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt16(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt16(byte - UInt8(ascii: "A") + 10)
                default: throw JSONParseError("invalid hex digit in \\u escape", at: index)
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func parseNumber() throws(JSONParseError) -> JSONValue {
            let start = index
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart else { throw JSONParseError("expected digits after '-'", at: start) }
            if bytes[digitsStart] == UInt8(ascii: "0"), index - digitsStart > 1 {
                throw JSONParseError("leading zeros are not allowed in numbers", at: start)
            }
            var isInteger = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                let fractionStart = index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                guard index > fractionStart else { throw JSONParseError("expected digits after '.'", at: start) }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                let exponentStart = index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                guard index > exponentStart else { throw JSONParseError("expected digits in exponent", at: start) }
            }
            if isInteger, let value = exactInteger(digits: digitsStart..<index, negative: negative) { return value }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text) else { throw JSONParseError("invalid number", at: start) }
            return .double(value)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        /// The integer when it fits `Int64` (or `UInt64` when positive); nil when it needs a double.
        func exactInteger(digits: Range<Int>, negative: Bool) -> JSONValue? {
            var magnitude: UInt64 = 0
            for position in digits {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
                if overflow1 || overflow2 { return nil }
                magnitude = sum
            }
            if !negative { return .integer(magnitude) }
            if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
            return nil
        }

        // MARK: Whitespace and comments

        mutating func skipWhitespace() throws(JSONParseError) {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    index += 1
                case UInt8(ascii: "#") where dialect == .qapi:
                    let hash = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                    if sequence != nil, depth == 0 {
                        var end = index
                        if end > hash, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                        sequence?.append(.comment((hash + 1)..<end))
                    }
                default:
                    return
                }
            }
        }

        /// A short description of the byte at `position` for messages: `'x'`, `end of input`, or a code.
        func describe(_ position: Int) -> String {
            guard position < bytes.count else { return "end of input" }
            let byte = bytes[position]
            if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
    }
}

/// Four uppercase hex digits, zero-padded (for `\uXXXX` and messages).
func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: 4 - digits.count) + digits
}
