/// One way to make a valid value invalid by breaking exactly one schema rule: a missing required
/// member, an unknown member, a wrong JSON kind, an integer one past its bound, an unknown enum
/// value, a missing or unknown discriminator, each possibly nested inside members and list elements.
///
/// `Mutation.all(of:)` enumerates them for an object value; each knows the rule it breaks and the
/// JSON path where, which is what the invalid case expects and what the validator must report.
/// The mutated value is built on demand: an object of n members has O(n) mutations of O(n)
/// members each, and the invalid budget keeps only the first few.
struct Mutation: Sendable {
    /// Builds the mutated value.
    var build: @Sendable () -> JSONValue
    /// What the mutation does, for case summaries: `'up' is a string`.
    var summary: String
    /// The rule it breaks.
    var rule: ValidationRule
    /// Where, relative to the mutated value.
    var path: JSONPath

    /// The mutated value (built on each access).
    var value: JSONValue { build() }

    /// A mutation whose value is a constant.
    init(value: JSONValue, summary: String, rule: ValidationRule, path: JSONPath) {
        self.init(summary: summary, rule: rule, path: path) { value }
    }

    /// A mutation whose value is built when needed.
    init(summary: String, rule: ValidationRule, path: JSONPath, build: @escaping @Sendable () -> JSONValue) {
        self.build = build
        self.summary = summary
        self.rule = rule
        self.path = path
    }

    /// The value `object` with one edit applied, built when needed.
    static func editing(_ object: JSONObject, _ edit: @escaping @Sendable (inout JSONObject) -> Void)
        -> @Sendable () -> JSONValue
    {
        {
            var edited = object
            edit(&edited)
            return .object(edited)
        }
    }

    /// The member name used for unknown-member cases; no QAPI schema defines it.
    static let unknownMember = "qmp-conform-unknown"
    /// The string used for unknown enum and discriminator values.
    static let unknownValue = "qmp-conform-bogus"

    /// A representative value of each JSON kind, for wrong-kind mutations.
    static let kindSamples: [(kind: JSONValue.Kind, value: JSONValue)] = [
        (.string, "qmp-conform"), (.integer, 1), (.number, 1.5), (.boolean, true), (.null, .null), (.array, []),
        (.object, [:]),
    ]

    /// Every single-rule mutation of an object value whose members follow `object`.
    /// - Parameters:
    ///   - value: a valid object value (built by `ValueSynthesizer`).
    ///   - object: its type.
    ///   - synthesizer: builds valid values for nested members.
    ///   - depth: the nesting level (mutations descend into members up to `maximumDepth`).
    /// - Returns: the mutations, in a stable order: missing, unknown, then member by member.
    static func all(of value: JSONObject, object: ObjectType, synthesizer: ValueSynthesizer, depth: Int = 0)
        -> [Mutation]
    {
        let tagValue = object.variants.flatMap { value[$0.tag]?.stringValue }
        let (members, tag) = synthesizer.shape(of: object, branch: tagValue)
        // Without its tag, a union value must also lose the branch's members, or they would be unknown.
        let commonNames = Set(object.members.map(\.name))
        let commonOnly = JSONObject(uniqueMembers: value.members.filter { commonNames.contains($0.key) })
        let present = Set(value.keys)
        var mutations: [Mutation] = []
        for member in members where !member.isOptional && present.contains(member.name) {
            let isTag = tag?.name == member.name
            let name = member.name
            mutations.append(
                Mutation(
                    summary: "required '\(member.name)' missing", rule: isTag ? .missingDiscriminator : .missingMember,
                    path: JSONPath.root.appending(member.name),
                    build: editing(isTag ? commonOnly : value) { $0[name] = nil }))
        }
        if !object.acceptsExtraMembers {
            mutations.append(
                Mutation(
                    summary: "unknown member '\(unknownMember)'", rule: .unknownMember,
                    path: JSONPath.root.appending(unknownMember), build: editing(value) { $0[unknownMember] = 1 }))
        }
        if let tag {
            mutations.append(
                Mutation(
                    summary: "discriminator '\(tag.name)' is '\(unknownValue)'", rule: .unknownDiscriminator,
                    path: JSONPath.root.appending(tag.name),
                    build: editing(commonOnly) { $0[tag.name] = .string(unknownValue) }))
        }
        for member in members {
            let isTag = tag?.name == member.name
            let base = isTag ? commonOnly : value
            let name = member.name
            // A bad tag value is the unknown-discriminator case above, not an unknown enum value.
            for inner in memberMutations(member, synthesizer: synthesizer, depth: depth)
            where !(isTag && inner.rule == .unknownEnumValue) {
                let path = JSONPath(components: [.key(member.name)] + inner.path.components)
                mutations.append(
                    Mutation(
                        summary: inner.summary, rule: inner.rule, path: path,
                        build: editing(base) { $0[name] = inner.value }))
            }
        }
        return mutations
    }

    static let maximumDepth = 2

    /// Mutations of one member's value; paths are relative to the member.
    private static func memberMutations(_ member: Member, synthesizer: ValueSynthesizer, depth: Int) -> [Mutation] {
        let slot = ValueSynthesizer.Slot(name: member.name, documentation: member.documentation)
        var mutations = valueMutations(member.type, named: "'\(member.name)'", synthesizer: synthesizer)
        guard depth < maximumDepth else { return mutations }
        switch member.type {
        case .array(let element):
            // An invalid element inside a one-element list.
            let elementName = "'\(member.name)[0]'"
            for inner in valueMutations(element, named: elementName, synthesizer: synthesizer) {
                mutations.append(
                    Mutation(
                        summary: inner.summary, rule: inner.rule, path: JSONPath.root.appending(index: 0),
                        build: { .array([inner.value]) }))
            }
            // Only a type with a finite value has a valid value to break one rule of.
            if let object = synthesizer.schema.object(element), synthesizer.heights.isFinite(element),
                case .object(let item) = synthesizer.minimal(element, slot: slot)
            {
                for inner in all(of: item, object: object, synthesizer: synthesizer, depth: depth + 1) {
                    mutations.append(
                        Mutation(
                            summary: "in \(elementName): \(inner.summary)", rule: inner.rule,
                            path: JSONPath(components: [.index(0)] + inner.path.components),
                            build: { .array([inner.value]) }))
                }
            }
        case .named:
            if let object = synthesizer.schema.object(member.type), synthesizer.heights.isFinite(member.type),
                case .object(let nested) = synthesizer.minimal(member.type, slot: slot)
            {
                for inner in all(of: nested, object: object, synthesizer: synthesizer, depth: depth + 1) {
                    mutations.append(
                        Mutation(
                            summary: "in '\(member.name)': \(inner.summary)", rule: inner.rule, path: inner.path,
                            build: inner.build))
                }
            }
        }
        return mutations
    }

    /// Values of the wrong kind, out of range, or not in the enum, for a value of `type`.
    static func valueMutations(_ type: TypeRef, named name: String, synthesizer: ValueSynthesizer) -> [Mutation] {
        let schema = synthesizer.schema
        func wrongKinds(accepting accepted: Set<JSONValue.Kind>, rule: ValidationRule = .wrongType) -> [Mutation] {
            kindSamples.filter { !accepted.contains($0.kind) }.map {
                Mutation(
                    value: $0.value, summary: "\(name) is \(article($0.kind)) \($0.kind.rawValue)", rule: rule,
                    path: .root)
            }
        }
        guard case .named(let typeName) = type, let named = schema.type(named: typeName) else {
            return wrongKinds(accepting: [.array])
        }
        switch named.kind {
        case .builtin(let builtin):
            switch builtin {
            case .any: return []
            case .str: return wrongKinds(accepting: [.string])
            case .bool: return wrongKinds(accepting: [.boolean])
            case .null: return wrongKinds(accepting: [.null])
            case .number: return wrongKinds(accepting: [.integer, .number])
            default:
                var mutations = wrongKinds(accepting: [.integer])
                if let range = builtin.integerRange {
                    if range.min > Int64.min {
                        mutations.append(
                            Mutation(
                                value: .int(range.min - 1),
                                summary: "\(name) is \(range.min - 1), below \(builtin.rawValue)", rule: .outOfRange,
                                path: .root))
                    }
                    if range.max < UInt64.max {
                        mutations.append(
                            Mutation(
                                value: .integer(range.max + 1),
                                summary: "\(name) is \(range.max + 1), above \(builtin.rawValue)", rule: .outOfRange,
                                path: .root))
                    }
                }
                return mutations
            }
        case .enumeration:
            return wrongKinds(accepting: [.string]) + [
                Mutation(
                    value: .string(unknownValue), summary: "\(name) is '\(unknownValue)', not a value of '\(typeName)'",
                    rule: .unknownEnumValue, path: .root)
            ]
        case .object:
            return wrongKinds(accepting: [.object])
        case .alternate(let alternate):
            let validator = ValueValidator(schema: schema)
            return kindSamples.filter { validator.branch(of: alternate, accepting: $0.value) == nil }.map {
                Mutation(
                    value: $0.value,
                    summary:
                        "\(name) is \(article($0.kind)) \($0.kind.rawValue), which no branch of '\(typeName)' takes",
                    rule: .noAlternateBranch, path: .root)
            }
        }
    }

    static func article(_ kind: JSONValue.Kind) -> String {
        switch kind {
        case .integer, .array, .object: "an"
        case .null: "a JSON"
        default: "a"
        }
    }
}
