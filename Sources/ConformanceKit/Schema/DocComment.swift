/// The doc comment of a QAPI definition, split into the parts generators and oracles use.
///
/// QEMU writes these as `##` blocks before each definition: a `@symbol:` line, free text,
/// `@member:` descriptions, a `Features:` list, and tagged sections (`Returns:`, `Errors:`,
/// `Since:`, `Notes:`, `Example:`). Examples are split into `->` requests and `<-` replies.
public struct DocComment: Sendable, Hashable {
    /// A described name: a member, argument, enum value, branch or feature.
    public struct Entry: Sendable, Hashable {
        /// The described name, without `@` and `:`.
        public var name: String
        /// The description (continuation lines joined with newlines; an old `#optional` marker removed).
        public var text: String
        /// Where the `@name:` line is.
        public var location: SourceLocation
    }

    /// A tagged section such as `Returns:` or `Example:`.
    public struct Section: Sendable, Hashable {
        /// The tag as written, normalised to the singular (`Note` and `Notes` are `Notes`).
        public var tag: String
        /// The text after the tag, continuation lines included.
        public var text: String
        /// Where the tag line is.
        public var location: SourceLocation
    }

    /// One `->` request or `<-` reply line group of an example.
    public struct Exchange: Sendable, Hashable {
        /// Who sends it.
        public enum Direction: String, Sendable, Hashable {
            /// `->`: the client sends it.
            case request
            /// `<-`: the server sends it.
            case reply
        }

        /// Who sends it.
        public var direction: Direction
        /// The text after the arrow, continuation lines included.
        public var text: String
        /// The text parsed as JSON, when it is valid JSON (examples often elide with `...`).
        public var json: JSONValue? { text.hasPrefix("{") ? try? JSONParser.parse(text) : nil }
        /// Where the arrow is.
        public var location: SourceLocation
    }

    /// The documented symbol (`@set_link:`), or nil for a free-form block (`= Net devices`).
    public var symbol: String?
    /// Free text that is not a member description or a tagged section.
    public var body: String
    /// Member, argument, enum value and branch descriptions in order.
    public var members: [Entry]
    /// Feature descriptions, from the `Features:` list.
    public var features: [Entry]
    /// Tagged sections in order.
    public var sections: [Section]
    /// Where the block's first `##` is.
    public var location: SourceLocation

    /// The description of a member, if documented.
    public func member(_ name: String) -> String? { members.first { $0.name == name }?.text }

    /// The text of the first section with a tag, if any.
    public func section(_ tag: String) -> String? { sections.first { $0.tag == tag }?.text }

    /// The `->`/`<-` exchanges of each `Example:` section, one array per section (split on use).
    public var examples: [[Exchange]] { sections.filter { $0.tag == "Example" }.map(DocCommentParser.exchanges(in:)) }

    /// The version from `Since:`, if it has one.
    public var since: Version? { section("Since").flatMap { Version(parsing: $0) } }

    /// The release a member or enum value description names, as QEMU writes it: `(since 7.1)`,
    /// `(since: 4.0)`, `Since 8.0`.
    /// - Parameter description: a member's or value's description.
    /// - Returns: the version, or nil when the description names none.
    static func since(inDescription description: String) -> Version? {
        guard let match = description.firstMatch(of: /(?i)since:?\s+(v?\d+\.\d+(?:\.\d+)?)/) else { return nil }
        return Version(parsing: String(match.1))
    }

    /// The release a definition's doc says one of its items came in, as QEMU notes it after
    /// `Since:` or in the text: `@stream since 7.2`, `'dgram' since 7.2`.
    /// - Parameter item: a member, enum value or branch name.
    /// - Returns: the version, or nil when the doc names none for it.
    public func since(ofItem item: String) -> Version? {
        let text = ([body] + sections.map(\.text)).joined(separator: "\n")
        for match in text.matches(
            of: /[@'](?<name>[A-Za-z0-9_.-]+)'?:?\s+\(?[Ss]ince:?\s+(?<version>v?\d+\.\d+(?:\.\d+)?)/)
        where match.name == item {
            return Version(parsing: String(match.version))
        }
        return nil
    }

    /// The QMP error classes named in `Returns:` and `Errors:` (e.g. `DeviceNotFound`), in order,
    /// without repeats.
    public var errorClasses: [String] {
        var found: [String] = []
        for section in sections where section.tag == "Returns" || section.tag == "Errors" {
            for word in section.text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                let word = String(word)
                if DocComment.isErrorClassName(word), !found.contains(word) { found.append(word) }
            }
        }
        return found
    }

    /// Whether a word looks like a QMP error class (`GenericError`, `DeviceNotFound`, ...).
    static func isErrorClassName(_ word: String) -> Bool {
        guard let first = word.first, first.isUppercase, word.filter(\.isUppercase).count >= 2 else { return false }
        return ["Error", "NotFound", "NotActive", "MissingCap"].contains { word.hasSuffix($0) && word.count > $0.count }
            && word.dropFirst().contains { $0.isLowercase }
    }
}
