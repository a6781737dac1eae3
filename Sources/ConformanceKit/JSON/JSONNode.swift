/// Where each part of a parsed JSON value sits in its source: the position tree that mirrors a
/// `JSONValue`, kept only when a caller asks for it (QAPI files, case files).
///
/// For an object, `child(i)` and `keyOffset(i)` belong to member `i`; for an array, `child(i)`
/// to element `i`; scalars have no children. The nodes of one parse share one flat table, so
/// a position tree costs no allocation per object.
public struct JSONNode: Sendable, Hashable {
    /// The positions of one parse; the children of a node sit next to each other.
    final class Table: Sendable {
        let entries: [Entry]
        init(_ entries: [Entry]) { self.entries = entries }
    }

    /// One node's positions and where its children are in the table.
    struct Entry: Sendable, Hashable {
        /// Byte offset of the value's first character.
        var offset: Int
        /// For an object member: byte offset of its key (otherwise the value's offset).
        var keyOffset: Int
        var firstChild: Int32 = 0
        var childCount: Int32 = 0
    }

    private let table: Table
    private let entry: Entry

    init(_ table: Table, _ entry: Entry) {
        self.table = table
        self.entry = entry
    }

    /// The root node at `index` of a table.
    init(_ table: Table, index: Int) { self.init(table, table.entries[index]) }

    /// Byte offset of the value's first character.
    public var offset: Int { entry.offset }

    /// The number of members or elements.
    public var count: Int { Int(entry.childCount) }

    /// The node of an object member or array element, by its index.
    /// - Parameter index: the member index.
    /// - Returns: the member's node, or `self` when absent (so a fault still has a location).
    public func child(_ index: Int) -> JSONNode {
        index >= 0 && index < count ? JSONNode(table, table.entries[Int(entry.firstChild) + index]) : self
    }

    /// The key offset of an object member, by index, or this node's offset when absent.
    public func keyOffset(_ index: Int) -> Int {
        index >= 0 && index < count ? table.entries[Int(entry.firstChild) + index].keyOffset : offset
    }

    /// For objects: byte offset of each member's key.
    public var keyOffsets: [Int] { (0..<count).map(keyOffset) }

    /// Positions of the members or elements.
    public var children: [JSONNode] { (0..<count).map(child) }

    public static func == (lhs: JSONNode, rhs: JSONNode) -> Bool {
        lhs.entry.offset == rhs.entry.offset && lhs.keyOffsets == rhs.keyOffsets && lhs.children == rhs.children
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(offset)
        hasher.combine(count)
    }
}

/// One top-level item of a QAPI file: a definition or directive, or a `#` comment line between them.
public enum JSONTopLevelItem: Sendable, Hashable {
    /// A top-level value and its position tree.
    case value(JSONValue, JSONNode)
    /// A comment outside any value: its text after `#` and the offset of the `#`.
    case comment(String, offset: Int)
}
