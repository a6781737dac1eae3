/// One top-level expression of a QAPI source file, with where it came from and the doc block
/// written before it: the unit the schema builder turns into definitions.
struct QAPIExpression: Sendable {
    /// The expression's members (`{'struct': 'Foo', 'data': {...}}`).
    var object: JSONObject
    /// Where each part of the expression sits.
    var node: JSONNode
    /// The file the expression is in.
    var source: SourceText
    /// The `##` block right before it, if any (boxed: expressions are copied often, docs read rarely).
    @Boxed var doc: DocComment?

    /// The location of a byte offset in this expression's file.
    func location(_ offset: Int) -> SourceLocation { source.location(of: offset) }

    /// The location of the expression's opening brace.
    var location: SourceLocation { location(node.offset) }

    /// The value of a key and its position node.
    func member(_ key: String) -> (JSONValue, JSONNode, keyOffset: Int)? {
        // By index: the scan copies no member.
        let members = object.members
        for index in members.indices where members[index].key == key {
            return (members[index].value, node.child(index), node.keyOffset(index))
        }
        return nil
    }
}
