/// What changed between two schemas (two QEMU versions, or upstream source and a downstream
/// build's introspection), and which changes break clients.
///
/// When both schemas carry real type names (source schemas), named types are compared once each,
/// by name; otherwise (introspection's obfuscated names) types are compared structurally from the
/// commands and events that use them. Compatibility follows QMP spec section 5 from the client's
/// side: what the client sends (arguments) may only become more permissive; what it receives
/// (returns, event data) may only gain. With `downstream`, additions without the `__` prefix of
/// QMP spec section 6 are flagged.
public struct SchemaDiff: Sendable, Hashable {
    /// One difference.
    public struct Change: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// What happened to the subject.
        public enum Kind: String, Sendable, Hashable {
            case added, removed, changed
        }

        /// What part of a definition the change is about, so that certification can name the
        /// rule it breaks (a removed command, a removed enum value, a changed member, ...).
        public enum Aspect: String, Sendable, Hashable {
            /// A file of the source tree.
            case include
            /// A whole command, event or named type.
            case definition
            /// A member of arguments, returns, event data or a type.
            case member
            /// An enum value.
            case enumValue = "enum-value"
            /// A union branch or an alternate's JSON kind.
            case branch
            /// A type's kind, range or discriminator.
            case type
            /// A feature flag.
            case feature
            /// `exec-oob` support.
            case oob
        }

        /// Whether existing clients keep working.
        public enum Compatibility: String, Sendable, Hashable, Comparable {
            case compatible, breaking

            public static func < (lhs: Compatibility, rhs: Compatibility) -> Bool {
                lhs == .compatible && rhs == .breaking
            }
        }

        /// The command, event, type or include concerned: `command 'netdev_add'`, `type 'Netdev'`.
        public var subject: String
        /// What happened.
        public var kind: Kind
        /// The change in words: `branch 'stream' added (type 'NetdevStreamOptions')`.
        public var detail: String
        /// Whether clients keep working.
        public var compatibility: Compatibility
        /// Set when `downstream` is on and an added name lacks the `__` prefix (QMP spec section 6).
        public var violatesDownstreamNaming: Bool
        /// What part of the definition changed.
        public var aspect: Aspect
        /// The added or removed name (command, event, type, member, enum value or branch); nil
        /// for a change in place.
        public var name: String?
        /// The release that introduced the item, from the doc comments of the side that has it
        /// (the new side for additions, the old side otherwise): the item's own `(since X.Y)`,
        /// else its definition's `Since:` section; nil without doc comments.
        public var since: Version?
        /// Whether the item is outside the stable interface: an `x-` name on its way, or an
        /// `unstable` feature on it or its definition.
        public var isUnstable: Bool

        public var description: String {
            let mark =
                switch kind {
                case .added: "+"
                case .removed: "-"
                case .changed: "~"
                }
            var text = "\(mark) \(subject): \(detail) [\(compatibility.rawValue)]"
            if violatesDownstreamNaming { text += " [downstream name without '__' prefix, QMP spec section 6]" }
            return text
        }

        public static func < (lhs: Change, rhs: Change) -> Bool {
            (lhs.subject, lhs.detail) < (rhs.subject, rhs.detail)
        }
    }

    /// Every change, sorted by subject.
    public var changes: [Change]

    /// Whether any change breaks clients.
    public var hasBreakingChanges: Bool { changes.contains { $0.compatibility == .breaking } }
    /// Whether any downstream addition violates the naming rule.
    public var hasNamingViolations: Bool { changes.contains(where: \.violatesDownstreamNaming) }

    /// Compares two schemas.
    /// - Parameters:
    ///   - old: the reference (e.g. upstream, or the older version).
    ///   - new: the candidate (e.g. the downstream build, or the newer version).
    ///   - downstream: flag additions whose names lack the `__` prefix.
    /// - Returns: the differences.
    public static func compare(_ old: Schema, _ new: Schema, downstream: Bool = false) -> SchemaDiff {
        var comparison = SchemaComparison(old: old, new: new, downstream: downstream)
        comparison.run()
        return SchemaDiff(changes: Array(Set(comparison.changes)).sorted())
    }

    /// The changes grouped by the release their item came in (`Since:`, see `Change.since`),
    /// oldest release first; changes without one (no doc comments) come last, under nil.
    public var byRelease: [(release: Version?, changes: [Change])] {
        let groups = Dictionary(grouping: changes) { $0.since?.release }
        return groups.keys.sorted { lhs, rhs in
            switch (lhs, rhs) {
            case (let lhs?, let rhs?): lhs < rhs
            case (_?, nil): true
            default: false
            }
        }.map { ($0, groups[$0] ?? []) }
    }

    /// The changes as JSON (for tools and reports).
    public var json: JSONValue {
        .array(
            changes.map { change in
                [
                    "subject": .string(change.subject), "kind": .string(change.kind.rawValue),
                    "detail": .string(change.detail),
                    "compatibility": .string(change.compatibility.rawValue),
                    "downstream-naming-violation": .bool(change.violatesDownstreamNaming),
                ]
            })
    }
}
