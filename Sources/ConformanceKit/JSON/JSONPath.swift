/// Where a value sits inside a JSON document: `arguments.addr.data.port`, `returns[0].name`.
///
/// Validation violations, invalid-case expectations and oracle diffs all name places this way, so
/// an expected violation and an observed one compare by value.
public struct JSONPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One step: an object member or an array element.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The steps from the root.
    public var components: [Component]

    /// The root (the whole document).
    public static let root = JSONPath(components: [])

    /// Creates a path.
    public init(components: [Component] = []) { self.components = components }

    /// The path one member further down.
    public func appending(_ key: String) -> JSONPath { JSONPath(components: components + [.key(key)]) }
    /// The path one element further down.
    public func appending(index: Int) -> JSONPath { JSONPath(components: components + [.index(index)]) }

    /// The last member name on the path, if the path ends in one (what QEMU's messages name).
    public var lastKey: String? {
        if case .key(let key)? = components.last { key } else { nil }
    }

    /// `$` for the root, else dotted keys and bracketed indexes: `addr.port`, `interfaces[1]`.
    public var description: String {
        guard !components.isEmpty else { return "$" }
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// Reads a path as `description` writes it: `$`, or dotted keys and bracketed indexes. A key
    /// that itself holds `.` or `[` reads back as several components (reports name such paths
    /// for people; nothing matches on them).
    /// - Parameter text: the path's text.
    public init(parsing text: String) {
        var components: [Component] = []
        guard text != "$" else {
            self.init()
            return
        }
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "["), bracket != rest.startIndex {
                components.append(.key(String(rest[..<bracket])))
                rest = rest[bracket...]
            } else if !rest.hasPrefix("[") {
                components.append(.key(String(rest)))
                continue
            }
            while rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
                let index = Int(rest[rest.index(after: rest.startIndex)..<close])
            {
                components.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { components.append(.key(String(rest))) }
        }
        self.init(components: components)
    }

    /// The value at this path inside `value`, if present.
    public func resolve(in value: JSONValue) -> JSONValue? {
        var current = value
        for component in components {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let array = current.arrayValue, array.indices.contains(index) else { return nil }
                current = array[index]
            }
        }
        return current
    }

    public static func < (lhs: JSONPath, rhs: JSONPath) -> Bool { lhs.description < rhs.description }
}
