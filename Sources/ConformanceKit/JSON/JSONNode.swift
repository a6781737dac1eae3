/// Where each part of a parsed JSON value sits in its source: the position tree that mirrors a
/// `JSONValue`, kept only when a caller asks for it (QAPI files, case files).
///
/// For an object, `children[i]` and `keyOffsets[i]` belong to member `i`; for an array,
/// `children[i]` to element `i`; scalars have no children.
public struct JSONNode: Sendable, Hashable {
    /// Byte offset of the value's first character.
    public var offset: Int
    /// For objects: byte offset of each member's key.
    public var keyOffsets: [Int]
    /// Positions of the members or elements.
    public var children: [JSONNode]

    /// Creates a node.
    public init(offset: Int, keyOffsets: [Int] = [], children: [JSONNode] = []) {
        self.offset = offset
        self.keyOffsets = keyOffsets
        self.children = children
    }

    /// The node of an object member, by its index in the object.
    /// - Parameter index: the member index.
    /// - Returns: the member's node, or `self` when absent (so a fault still has a location).
    public func child(_ index: Int) -> JSONNode { index < children.count ? children[index] : self }

    /// The key offset of an object member, by index, or this node's offset when absent.
    public func keyOffset(_ index: Int) -> Int { index < keyOffsets.count ? keyOffsets[index] : offset }
}

/// One top-level item of a QAPI file: a definition or directive, or a `#` comment line between them.
public enum JSONTopLevelItem: Sendable, Hashable {
    /// A top-level value and its position tree.
    case value(JSONValue, JSONNode)
    /// A comment outside any value: its text after `#` and the offset of the `#`.
    case comment(String, offset: Int)
}
