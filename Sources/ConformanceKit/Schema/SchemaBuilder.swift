/// Turns QAPI source expressions into unresolved definitions: the second stage of loading from
/// source, after `QAPISourceLoader` and before `SchemaResolver`.
///
/// It checks what one expression alone can tell (keys, value shapes, names, `if` syntax) and
/// records every type reference with its location, so the resolver can report unknown types
/// where they are written. It does not look up other definitions.
struct SchemaBuilder {
    /// A type reference and where it is written, with the role it plays.
    struct Reference {
        enum Role: Equatable {
            case member, arrayElement, base, branch, alternateBranch, commandData, commandReturns, eventData
        }

        var type: TypeRef
        /// The file the reference is written in.
        var source: SourceText
        /// Where in the file: only a fault needs the line and column, so they are worked out then.
        var offset: Int
        var role: Role
        /// The definition the reference belongs to, for messages.
        var owner: String
        /// Whether the definition is `boxed` (for data references).
        var boxed = false

        /// Where the reference is written.
        var location: SourceLocation { source.location(of: offset) }
    }

    /// A union's discriminator as written, for the resolver to check against the base.
    struct PendingUnion {
        var name: String
        var discriminator: String
        var discriminatorLocation: SourceLocation
    }

    var diagnostics: DiagnosticCollector
    var types: [SchemaType] = []
    var commands: [Command] = []
    var events: [Event] = []
    var pragmas = JSONObject()
    /// The era whose rules apply, as the pragma names tell (naming conventions changed in 6.0).
    var era = RuleEra.qemu6_0
    /// Every feature name used so far (QEMU allows at most `Feature.maximumDistinctNames`).
    var featureNames: Set<String> = []
    var references: [Reference] = []
    var unions: [PendingUnion] = []
    /// Where each name is defined, and where its expression starts: not the expression itself,
    /// whose JSON is freed once built (a repeat parses the first one again to compare).
    var definedAt: [String: (location: SourceLocation, source: SourceText, offset: Int)] = [:]

    /// Creates a builder with the built-in types.
    /// - Parameters:
    ///   - diagnostics: where findings go.
    ///   - expressionCount: about how many expressions will be added (to size tables once); the
    ///     default fits QEMU's own tree (about 2,200 definitions).
    init(diagnostics: DiagnosticCollector, expressionCount: Int = 2500) {
        self.diagnostics = diagnostics
        definedAt.reserveCapacity(expressionCount)
        types.reserveCapacity(expressionCount * 2)
        references.reserveCapacity(expressionCount * 4)
        for builtin in BuiltinType.allCases where builtin != .anyInteger {
            types.append(SchemaType(name: builtin.rawValue, kind: .builtin(builtin), origin: .builtin))
        }
        let qtypeValues = ["none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool"]
        types.append(
            SchemaType(
                name: "QType",
                kind: .enumeration(EnumType(values: qtypeValues.map { EnumType.Value($0) }, prefix: "QTYPE")),
                origin: .builtin))
    }

    /// The definition keyword the expression has (the first in `DefinitionKeyword`'s order of
    /// preference), in one pass over its keys.
    static func metaKey(of object: JSONObject) -> DefinitionKeyword? {
        var best: DefinitionKeyword?
        for member in object.members {
            guard let keyword = DefinitionKeyword(rawValue: member.key) else { continue }
            if best.map({ keyword.preference < $0.preference }) ?? true { best = keyword }
        }
        return best
    }

    // MARK: Expressions

    mutating func add(_ expression: QAPIExpression) {
        guard let meta = Self.metaKey(of: expression.object) else {
            error(
                "expression must have one of the keys 'enum', 'struct', 'union', 'alternate', 'command', 'event', "
                    + "'include' or 'pragma'", at: expression.location)
            return
        }
        let allowed = meta.allowedKeys
        let members = expression.object.members
        for index in members.indices {
            let keyOffset = expression.node.keyOffset(index)
            let quote = expression.source.bytes[keyOffset]
            if quote != UInt8(ascii: "'"), quote != UInt8(ascii: "\"") {
                legacy("key '\(members[index].key)' is not quoted (QEMU 1.x)", at: expression.location(keyOffset))
            }
        }
        for index in members.indices where !allowed.contains(members[index].key) {
            error(
                "'\(meta.rawValue)' definition has unknown key '\(members[index].key)'",
                at: expression.location(expression.node.keyOffset(index)),
                hint: "allowed keys: " + allowed.sorted().joined(separator: ", "))
        }
        guard let nameKind = meta.nameKind else {
            addPragma(expression)
            return
        }
        guard let (nameValue, nameNode, _) = expression.member(meta.rawValue), let name = nameValue.stringValue else {
            error("value of '\(meta.rawValue)' must be a string naming the definition", at: expression.location)
            return
        }
        let nameLocation = expression.location(nameNode.offset)
        guard checkName(name, at: nameLocation, what: nameKind) else { return }
        if BuiltinType(rawValue: name) != nil || name == "QType" {
            error("'\(name)' is a built-in type and cannot be redefined", at: nameLocation)
            return
        }
        // One hash in the common case: insert, and put the first definition back on a repeat.
        if let previous = definedAt.updateValue(
            (nameLocation, expression.source, expression.node.offset), forKey: name)
        {
            definedAt[name] = previous
            let first = try? JSONParser.parseValue(previous.source.bytes, at: previous.offset, dialect: .qapi)
            if first == .object(expression.object) {
                // Mixed trees (an old net.json beside a newer common.json) repeat a definition
                // verbatim; QEMU would stop, but nothing is ambiguous, so this is a warning.
                warning(
                    "'\(name)' is defined again, identically, after \(previous.location); the repeat is ignored",
                    at: nameLocation)
            } else {
                error("'\(name)' is already defined at \(previous.location)", at: nameLocation)
            }
            return
        }
        if let (symbol, location) = expression.$doc.read({ doc in doc.map { ($0.symbol, $0.location) } }),
            symbol != name
        {
            warning("documentation comment is for '\(symbol ?? "")', not '\(name)'", at: location)
        }
        let context = Context(expression: expression, name: name, nameLocation: nameLocation)
        switch meta {
        case .enum: addEnum(context)
        case .struct: addStruct(context)
        case .type:
            legacy("old keyword 'type' read as 'struct'", at: expression.location)
            addStruct(context)
        case .union: addUnion(context)
        case .alternate: addAlternate(context)
        case .command: addCommand(context)
        case .event: addEvent(context)
        case .pragma: break
        }
        checkDocumentation(context, meta: meta)
    }

    /// The expression being built, its name and common attributes (a class: it is handed to
    /// every step of building the expression, and a reference is one retain).
    final class Context {
        let expression: QAPIExpression
        let name: String
        let nameLocation: SourceLocation
        /// The doc comment's member descriptions.
        let docMembers: [DocComment.Entry]
        /// Name to the first description's index, when there are enough descriptions to search often.
        private let docIndex: [String: Int]?

        init(expression: QAPIExpression, name: String, nameLocation: SourceLocation) {
            self.expression = expression
            self.name = name
            self.nameLocation = nameLocation
            docMembers = expression.$doc.read { $0?.members ?? [] }
            docIndex =
                docMembers.count > 16
                ? Dictionary(docMembers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
                : nil
        }

        /// The file the expression is in.
        var source: SourceText { expression.source }
        /// A member's description from the doc comment (the first, if one is described twice).
        func documentation(of name: String) -> String? {
            if let docIndex { return docIndex[name].map { docMembers[$0].text } }
            for index in docMembers.indices where docMembers[index].name == name { return docMembers[index].text }
            return nil
        }
        var location: SourceLocation { expression.location }
        func member(_ key: String) -> (JSONValue, JSONNode, keyOffset: Int)? { expression.member(key) }
        func location(_ offset: Int) -> SourceLocation { expression.location(offset) }
    }

    /// A definition's `if` and `features`; `deprecated` and `unstable` mark commands, events and
    /// members, not types (QEMU rejects them there).
    mutating func commonAttributes(_ context: Context, isType: Bool) -> (Condition?, [Feature]) {
        let condition = context.member("if").flatMap { parseCondition($0.0, node: $0.1, in: context.expression) }
        guard let (value, node, _) = context.member("features") else { return (condition, []) }
        let features = parseFeatures(value, node: node, in: context.expression)
        for special in features where isType && Feature.specialNames.contains(special.name) {
            error(
                "feature '\(special.name)' is not supported for types", at: context.location(node.offset),
                hint: "mark the commands, events or members that use '\(context.name)' instead")
        }
        return (condition, features)
    }

    mutating func addPragma(_ context: QAPIExpression) {
        guard let (value, node, _) = context.member("pragma"), let object = value.objectValue else {
            error("value of 'pragma' must be an object", at: context.location)
            return
        }
        for (index, member) in object.members.enumerated() {
            guard let pragma = Pragma(rawValue: member.key) else {
                warning(
                    "unknown pragma '\(member.key)'", at: context.location(node.keyOffset(index)),
                    hint: "known pragmas: " + Pragma.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            let isList = member.value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false
            guard pragma.isBoolean ? member.value.kind == .boolean : isList else {
                error(
                    "pragma '\(member.key)' must be \(pragma.isBoolean ? "a boolean" : "a list of strings")",
                    at: context.location(node.child(index).offset))
                continue
            }
            if let pragmaEra = pragma.era { era = pragmaEra }
            pragmas[pragma.canonical.rawValue] = member.value
        }
    }

    // MARK: Definitions

    mutating func addEnum(_ context: Context) {
        let (condition, features) = commonAttributes(context, isType: true)
        guard let (data, dataNode, _) = context.member("data"), let list = data.arrayValue else {
            error("'enum' requires 'data' as a list of values", at: context.nameLocation)
            return
        }
        var values: [EnumType.Value] = []
        // Values by C name: 'a-b' and 'a_b' clash in generated C.
        var seen: [String: (name: String, location: SourceLocation)] = [:]
        for (index, element) in list.enumerated() {
            let node = dataNode.child(index)
            let location = context.location(node.offset)
            var value: EnumType.Value
            if let name = element.stringValue {
                value = EnumType.Value(name)
            } else if let object = element.objectValue, let name = object["name"]?.stringValue {
                checkKeys(
                    object, allowed: ["name", "if", "features"], node: node, what: "enum value", in: context.expression)
                value = EnumType.Value(name)
                if let index = object.members.firstIndex(where: { $0.key == "if" }) {
                    value.condition = parseCondition(
                        object.members[index].value, node: node.child(index), in: context.expression)
                }
                if let index = object.members.firstIndex(where: { $0.key == "features" }) {
                    value.features = parseFeatures(
                        object.members[index].value, node: node.child(index), in: context.expression)
                }
            } else {
                error("enum value must be a string or an object with 'name'", at: location)
                continue
            }
            guard checkName(value.name, at: location, what: .enumValue, exemptOwner: context.name) else { continue }
            let cName = Self.cName(value.name)
            if let previous = seen[cName] {
                error(
                    previous.name == value.name
                        ? "enum value '\(value.name)' is duplicated (first at \(previous.location))"
                        : "enum value '\(value.name)' collides with value '\(previous.name)' at \(previous.location)",
                    at: location)
                continue
            }
            seen[cName] = (value.name, location)
            value.documentation = context.documentation(of: value.name)
            values.append(value)
        }
        var prefix: String?
        if let (prefixValue, prefixNode, _) = context.member("prefix") {
            prefix = prefixValue.stringValue
            if prefix == nil { error("'prefix' must be a string", at: context.location(prefixNode.offset)) }
        }
        types.append(
            SchemaType(
                name: context.name, kind: .enumeration(EnumType(values: values, prefix: prefix)), origin: .enum,
                condition: condition, features: features, sharing: context.expression.$doc,
                location: context.nameLocation))
    }

    mutating func addStruct(_ context: Context) {
        let (condition, features) = commonAttributes(context, isType: true)
        var members: [Member] = []
        if let (data, dataNode, _) = context.member("data") {
            guard let object = data.objectValue else {
                error("'data' of struct '\(context.name)' must be an object", at: context.location(dataNode.offset))
                return
            }
            members = parseMembers(object, node: dataNode, owner: context.name, exempt: true, in: context)
        }
        var base: String?
        if let (baseValue, baseNode, _) = context.member("base") {
            base = parseBase(baseValue, node: baseNode, owner: context.name, in: context)
        }
        types.append(
            SchemaType(
                name: context.name, kind: .object(ObjectType(members: members, base: base)), origin: .struct,
                condition: condition, features: features, sharing: context.expression.$doc,
                location: context.nameLocation))
    }

    /// The base of a struct or union: a type name, or an inline object made into an implicit struct.
    mutating func parseBase(_ value: JSONValue, node: JSONNode, owner: String, in context: Context) -> String? {
        let location = context.location(node.offset)
        if let name = value.stringValue {
            references.append(
                Reference(type: .named(name), source: context.source, offset: node.offset, role: .base, owner: owner))
            return name
        }
        if let object = value.objectValue {
            let implicitName = "q_obj_\(owner)-base"
            let members = parseMembers(object, node: node, owner: owner, exempt: true, in: context)
            types.append(
                SchemaType(
                    name: implicitName, kind: .object(ObjectType(members: members)), origin: .implicit,
                    location: location))
            return implicitName
        }
        error("'base' must be a type name or an object of members", at: location)
        return nil
    }

    mutating func addUnion(_ context: Context) {
        let (condition, features) = commonAttributes(context, isType: true)
        guard let (data, dataNode, _) = context.member("data"), let branches = data.objectValue else {
            error("'union' requires 'data' as an object of branches", at: context.nameLocation)
            return
        }
        if let (discriminator, discriminatorNode, _) = context.member("discriminator"), discriminator.objectValue != nil
        {
            // QEMU 2.x's anonymous union ('discriminator': {}) is what later became an alternate.
            legacy(
                "union with 'discriminator': {} read as an alternate",
                at: context.location(discriminatorNode.offset))
            addAlternate(context, condition: condition, features: features)
            return
        }
        var cases: [ObjectType.Variants.Variant] = []
        let simple = context.member("discriminator") == nil
        if simple, let (_, _, keyOffset) = context.member("base") {
            error(
                "union '\(context.name)' has a 'base' but no 'discriminator'", at: context.location(keyOffset),
                hint: "name the base member whose enum value selects the branch with 'discriminator'")
        } else if simple {
            legacy(
                "simple union '\(context.name)' (QEMU 6.1 and earlier) read as a union over an implicit enum",
                at: context.nameLocation)
        }
        if simple, branches.isEmpty {
            error("union '\(context.name)' has no branches", at: context.location(dataNode.offset))
        }
        for (index, branch) in branches.members.enumerated() {
            let branchLocation = context.location(dataNode.keyOffset(index))
            guard checkName(branch.key, at: branchLocation, what: .unionBranch) else {
                continue
            }
            guard
                let (reference, branchCondition) = parseTypeField(
                    branch.value, node: dataNode.child(index), in: context)
            else { continue }
            let typeLocation = context.location(dataNode.child(index).offset)
            if simple {
                // Old simple union: each branch wraps its type as {'type': branch, 'data': value}.
                let wrapper =
                    "q_obj_\(reference.description.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "List"))-wrapper"
                if !types.contains(where: { $0.name == wrapper }) {
                    types.append(
                        SchemaType(
                            name: wrapper,
                            kind: .object(
                                ObjectType(members: [Member(name: "data", type: reference, location: typeLocation)])),
                            origin: .implicit, location: typeLocation))
                }
                references.append(
                    Reference(
                        type: reference, source: context.source, offset: dataNode.child(index).offset, role: .member,
                        owner: context.name))
                cases.append(
                    .init(name: branch.key, type: .named(wrapper), condition: branchCondition, location: branchLocation)
                )
            } else {
                references.append(
                    Reference(
                        type: reference, source: context.source, offset: dataNode.child(index).offset, role: .branch,
                        owner: context.name))
                cases.append(
                    .init(name: branch.key, type: reference, condition: branchCondition, location: branchLocation))
            }
        }
        var base: String?
        var members: [Member] = []
        var tag = "type"
        if simple {
            let kindName = "\(context.name)Kind"
            types.append(
                SchemaType(
                    name: kindName,
                    kind: .enumeration(
                        EnumType(values: cases.map { EnumType.Value($0.name, condition: $0.condition) })),
                    origin: .implicit, location: context.nameLocation))
            members = [Member(name: "type", type: .named(kindName), location: context.nameLocation)]
            if let (baseValue, baseNode, _) = context.member("base") {
                base = parseBase(baseValue, node: baseNode, owner: context.name, in: context)
            }
        } else {
            guard let (baseValue, baseNode, _) = context.member("base") else {
                error("flat union '\(context.name)' requires 'base'", at: context.nameLocation)
                return
            }
            base = parseBase(baseValue, node: baseNode, owner: context.name, in: context)
            if let (discriminator, discriminatorNode, _) = context.member("discriminator") {
                guard let name = discriminator.stringValue else {
                    error("'discriminator' must be a string", at: context.location(discriminatorNode.offset))
                    return
                }
                tag = name
                unions.append(
                    PendingUnion(
                        name: context.name, discriminator: name,
                        discriminatorLocation: context.location(discriminatorNode.offset)))
            }
        }
        let object = ObjectType(members: members, base: base, variants: .init(tag: tag, cases: cases))
        types.append(
            SchemaType(
                name: context.name, kind: .object(object), origin: .union, condition: condition, features: features,
                sharing: context.expression.$doc, location: context.nameLocation))
    }

    mutating func addAlternate(_ context: Context) {
        let (condition, features) = commonAttributes(context, isType: true)
        addAlternate(context, condition: condition, features: features)
    }

    mutating func addAlternate(_ context: Context, condition: Condition?, features: [Feature]) {
        guard let (data, dataNode, _) = context.member("data"), let object = data.objectValue, !object.isEmpty else {
            error("alternate '\(context.name)' requires 'data' with at least one branch", at: context.nameLocation)
            return
        }
        var branches: [AlternateType.Branch] = []
        for (index, branch) in object.members.enumerated() {
            let location = context.location(dataNode.keyOffset(index))
            guard checkName(branch.key, at: location, what: .alternateBranch) else { continue }
            guard
                let (reference, branchCondition) = parseTypeField(
                    branch.value, node: dataNode.child(index), in: context)
            else { continue }
            references.append(
                Reference(
                    type: reference, source: context.source, offset: dataNode.child(index).offset,
                    role: .alternateBranch,
                    owner: context.name))
            branches.append(AlternateType.Branch(name: branch.key, type: reference, condition: branchCondition))
        }
        types.append(
            SchemaType(
                name: context.name, kind: .alternate(AlternateType(branches: branches)), origin: .alternate,
                condition: condition, features: features, sharing: context.expression.$doc,
                location: context.nameLocation))
    }

    mutating func addCommand(_ context: Context) {
        let (condition, features) = commonAttributes(context, isType: false)
        let boxed = flag("boxed", in: context, default: false)
        let gen = flag("gen", in: context, default: true)
        var command = Command(
            name: context.name, isBoxed: boxed, generatesMarshalling: gen,
            sendsSuccessResponse: flag("success-response", in: context, default: true),
            allowsOOB: flag("allow-oob", in: context, default: false),
            allowsPreconfig: flag("allow-preconfig", in: context, default: false),
            isCoroutine: flag("coroutine", in: context, default: false), condition: condition, features: features,
            location: context.nameLocation)
        if command.allowsOOB, command.isCoroutine {
            error(
                "command '\(context.name)' cannot be both 'allow-oob' and 'coroutine'",
                at: context.location(context.member("coroutine")?.keyOffset ?? context.expression.node.offset),
                hint: "an out-of-band command runs outside the coroutine context: drop one of the flags")
        }
        command.$doc = context.expression.$doc
        command.arguments = parseData(
            context, implicitName: "q_obj_\(context.name)-arg", boxed: boxed, role: .commandData,
            acceptsExtraMembers: !gen)
        if let (returns, returnsNode, _) = context.member("returns") {
            if let reference = parseTypeRef(returns, at: context.location(returnsNode.offset)) {
                references.append(
                    Reference(
                        type: reference, source: context.source, offset: returnsNode.offset, role: .commandReturns,
                        owner: context.name))
                command.returns = reference
            }
        }
        commands.append(command)
    }

    mutating func addEvent(_ context: Context) {
        let (condition, features) = commonAttributes(context, isType: false)
        let boxed = flag("boxed", in: context, default: false)
        var event = Event(
            name: context.name, isBoxed: boxed, condition: condition, features: features, location: context.nameLocation
        )
        event.$doc = context.expression.$doc
        event.data = parseData(
            context, implicitName: "q_obj_\(context.name)-arg", boxed: boxed, role: .eventData,
            acceptsExtraMembers: false)
        events.append(event)
    }

    /// A command's or event's `data`: inline members become an implicit object type.
    mutating func parseData(
        _ context: Context, implicitName: String, boxed: Bool, role: Reference.Role, acceptsExtraMembers: Bool
    ) -> TypeRef? {
        guard let (data, dataNode, _) = context.member("data") else {
            if boxed { error("'boxed': true requires 'data' naming a type", at: context.nameLocation) }
            return nil
        }
        let location = context.location(dataNode.offset)
        if let name = data.stringValue {
            references.append(
                Reference(
                    type: .named(name), source: context.source, offset: dataNode.offset, role: role,
                    owner: context.name,
                    boxed: boxed))
            return .named(name)
        }
        guard let object = data.objectValue else {
            error("'data' must be an object of members or a type name", at: location)
            return nil
        }
        if boxed {
            error("'boxed': true requires 'data' to name a type, not list members", at: location)
            return nil
        }
        let members = parseMembers(object, node: dataNode, owner: context.name, exempt: false, in: context)
        types.append(
            SchemaType(
                name: implicitName,
                kind: .object(ObjectType(members: members, acceptsExtraMembers: acceptsExtraMembers)),
                origin: .implicit, location: location))
        return .named(implicitName)
    }

    /// A boolean flag of a command or event; old schemas wrote `'no'`/`'yes'`. A flag written
    /// with its default value is redundant, which QEMU rejects (a warning).
    mutating func flag(_ key: String, in context: Context, default defaultValue: Bool) -> Bool {
        guard let (value, node, _) = context.member(key) else { return defaultValue }
        let location = context.location(node.offset)
        let flag: Bool
        switch value {
        case .bool(let written): flag = written
        case .string(let word) where word == "no" || word == "yes":
            legacy("flag '\(key)' written as '\(word)' (QEMU 1.x); write \(word == "yes")", at: location)
            flag = word == "yes"
        default:
            error("'\(key)' must be true or false", at: location)
            return defaultValue
        }
        if flag == defaultValue {
            warning(
                "flag '\(key)' may only use \(!defaultValue) value", at: location,
                hint: "\(defaultValue) is the default: remove the key")
        }
        return flag
    }

    // MARK: Members and type references

    /// The members of a `data` object: `'name': TYPE-REF` or `'name': {'type': ..., 'if': ..., 'features': ...}`;
    /// old schemas also nest an anonymous struct as a member's value.
    /// - Parameter exempt: whether `member-name-exceptions` may list `owner` (struct members and
    ///   inline bases; not arguments).
    mutating func parseMembers(
        _ object: JSONObject, node: JSONNode, owner: String, exempt: Bool, in context: Context
    ) -> [Member] {
        var members: [Member] = []
        members.reserveCapacity(object.count)
        // Long member lists find a repeat by hash; short ones by a scan.
        var positionByName: [String: Int]? = object.count > 16 ? Dictionary(minimumCapacity: object.count) : nil
        let entries = object.members
        for index in entries.indices {
            let key = entries[index].key
            let location = context.location(node.keyOffset(index))
            let isOptional = key.utf8.first == UInt8(ascii: "*")
            let name = isOptional ? String(key.dropFirst()) : key
            guard checkName(name, at: location, what: .member, exemptOwner: exempt ? owner : nil) else { continue }
            let clashPosition =
                positionByName.map { $0[name] } ?? members.firstIndex(where: { $0.name == name })
            if let clash = clashPosition.map({ members[$0] }) {
                error(
                    "member '\(name)' of '\(owner)' is duplicated (first at \(clash.location.map(\.description) ?? "?"))",
                    at: location)
                continue
            }
            let value = entries[index].value
            let valueNode = node.child(index)
            let reference: TypeRef
            var condition: Condition?
            var features: [Feature] = []
            let memberObject = value.objectValue
            if let nested = memberObject, Self.isAnonymousStruct(nested) {
                legacy(
                    "member '\(name)' is an anonymous struct (QEMU 1.x); QEMU 2.0 and later want 'type'",
                    at: context.location(valueNode.offset))
                let nestedName = "q_obj_\(owner)-\(name)"
                let nestedMembers = parseMembers(nested, node: valueNode, owner: nestedName, exempt: false, in: context)
                types.append(
                    SchemaType(
                        name: nestedName, kind: .object(ObjectType(members: nestedMembers)), origin: .implicit,
                        location: context.location(valueNode.offset)))
                reference = .named(nestedName)
            } else {
                guard let (parsed, parsedCondition) = parseTypeField(value, node: valueNode, in: context) else {
                    continue
                }
                reference = parsed
                condition = parsedCondition
                if let memberObject,
                    let featuresIndex = memberObject.members.firstIndex(where: { $0.key == "features" })
                {
                    features = parseFeatures(
                        memberObject.members[featuresIndex].value, node: valueNode.child(featuresIndex),
                        in: context.expression)
                }
                references.append(
                    Reference(
                        type: reference, source: context.source, offset: valueNode.offset, role: .member, owner: owner))
            }
            positionByName?[name] = members.count
            members.append(
                Member(
                    name: name, type: reference, isOptional: isOptional, condition: condition, features: features,
                    documentation: context.documentation(of: name), location: location))
        }
        return members
    }

    /// Whether a member's object value is a QEMU 1.x anonymous struct rather than a member
    /// definition: it has no `type` and keys other than a definition's `if` and `features`.
    static func isAnonymousStruct(_ object: JSONObject) -> Bool {
        object["type"] == nil && !object.members.allSatisfy { $0.key == "if" || $0.key == "features" }
    }

    /// A type field: a TYPE-REF, or `{'type': TYPE-REF, 'if': ..., 'features': ...}`.
    mutating func parseTypeField(_ value: JSONValue, node: JSONNode, in context: Context) -> (TypeRef, Condition?)? {
        guard let object = value.objectValue else {
            return parseTypeRef(value, at: context.location(node.offset)).map { ($0, nil) }
        }
        checkKeys(object, allowed: ["type", "if", "features"], node: node, what: "member", in: context.expression)
        guard let typeIndex = object.members.firstIndex(where: { $0.key == "type" }) else {
            error("'data' member misses key 'type'", at: context.location(node.offset))
            return nil
        }
        guard
            let reference = parseTypeRef(
                object.members[typeIndex].value, at: context.location(node.child(typeIndex).offset))
        else { return nil }
        var condition: Condition?
        if let ifIndex = object.members.firstIndex(where: { $0.key == "if" }) {
            condition = parseCondition(object.members[ifIndex].value, node: node.child(ifIndex), in: context.expression)
        }
        return (reference, condition)
    }

    /// `'Name'` or `['Name']`.
    /// - Parameter location: where the value is; worked out only for a fault.
    mutating func parseTypeRef(_ value: JSONValue, at location: @autoclosure () -> SourceLocation) -> TypeRef? {
        switch value {
        case .string(let name): return .named(name)
        case .array(let elements):
            guard elements.count == 1, let name = elements[0].stringValue else {
                error("array type must be a list containing exactly one type name", at: location())
                return nil
            }
            return .array(.named(name))
        default:
            error("type must be a type name or a one-element list of a type name", at: location())
            return nil
        }
    }

    mutating func checkKeys(
        _ object: JSONObject, allowed: Set<String>, node: JSONNode, what: String, in expression: QAPIExpression
    ) {
        for (index, member) in object.members.enumerated() where !allowed.contains(member.key) {
            error(
                "\(what) has unknown key '\(member.key)'", at: expression.location(node.keyOffset(index)),
                hint: "allowed keys: " + allowed.sorted().joined(separator: ", "))
        }
    }

    // MARK: Conditions and features

    /// An `if`: a name, `{'all': [...]}`, `{'any': [...]}`, `{'not': ...}`. Old schemas wrote a
    /// list (all of) and C preprocessor text (`defined(CONFIG_X)`): read, as old-dialect forms.
    mutating func parseCondition(_ value: JSONValue, node: JSONNode, in expression: QAPIExpression) -> Condition? {
        let location = expression.location(node.offset)
        switch value {
        case .string(let text):
            if Self.isConfigurationName(text) { return .name(text) }
            guard let condition = Self.preprocessorCondition(text) else {
                error("'if' condition '\(text)' is not a valid identifier", at: location)
                return nil
            }
            legacy("'if' condition '\(text)' is C preprocessor text (QEMU 6.0 and earlier)", at: location)
            return condition
        case .array(let list):
            guard !list.isEmpty else {
                error("'if' condition [] is useless", at: location, hint: "remove the 'if' or name a condition")
                return nil
            }
            legacy("'if' condition as a list (QEMU 6.0 and earlier) read as 'all'", at: location)
            let parts = list.enumerated().compactMap {
                parseCondition($0.element, node: node.child($0.offset), in: expression)
            }
            return parts.count == list.count ? .all(parts) : nil
        case .object(let object):
            return parseConditionOperator(object, node: node, in: expression)
        default:
            error("'if' condition must be a string or an object", at: location)
            return nil
        }
    }

    /// `{'all': [...]}`, `{'any': [...]}` or `{'not': ...}`.
    mutating func parseConditionOperator(_ object: JSONObject, node: JSONNode, in expression: QAPIExpression)
        -> Condition?
    {
        for (index, member) in object.members.enumerated() where !["all", "any", "not"].contains(member.key) {
            error(
                "'if' condition has unknown key '\(member.key)'", at: expression.location(node.keyOffset(index)),
                hint: "use 'all', 'any' or 'not'")
            return nil
        }
        guard object.count == 1, let operation = object.members.first else {
            error("'if' condition has conflicting keys", at: expression.location(node.offset))
            return nil
        }
        let inner = node.child(0)
        if operation.key == "not" {
            return parseCondition(operation.value, node: inner, in: expression).map { .not($0) }
        }
        guard let list = operation.value.arrayValue else {
            error("'\(operation.key)' condition must be an array", at: expression.location(inner.offset))
            return nil
        }
        guard !list.isEmpty else {
            error("'if' condition [] is useless", at: expression.location(inner.offset))
            return nil
        }
        let parts = list.enumerated().compactMap {
            parseCondition($0.element, node: inner.child($0.offset), in: expression)
        }
        guard parts.count == list.count else { return nil }
        return operation.key == "all" ? .all(parts) : .any(parts)
    }

    /// Whether the text is a configuration name as QEMU 6.1 and later write them: an upper-case
    /// letter, then upper-case letters, digits and `_`.
    static func isConfigurationName(_ text: String) -> Bool {
        guard let first = text.utf8.first, isASCIIUpper(first) else { return false }
        return text.utf8.allSatisfy { isASCIIUpper($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// `CONFIG_X`, `defined(CONFIG_X)`, `!defined(CONFIG_X)`, `A && B`, `A || B` → a condition.
    static func preprocessorCondition(_ text: String) -> Condition? {
        if isConditionName(text) { return .name(text) }
        let text = text.trimmingSpaces
        if text.contains("||") {
            let parts = text.components(separatedBy: "||").map(preprocessorCondition)
            return parts.allSatisfy { $0 != nil } ? .any(parts.compactMap { $0 }) : nil
        }
        if text.contains("&&") {
            let parts = text.components(separatedBy: "&&").map(preprocessorCondition)
            return parts.allSatisfy { $0 != nil } ? .all(parts.compactMap { $0 }) : nil
        }
        if text.hasPrefix("!") { return preprocessorCondition(String(text.dropFirst())).map { .not($0) } }
        var name = text
        if name.hasPrefix("defined(") && name.hasSuffix(")") {
            name = String(name.dropFirst("defined(".count).dropLast()).trimmingSpaces
        }
        guard isConditionName(name) else { return nil }
        return .name(name)
    }

    /// Whether the text is a configuration name: a letter or `_`, then letters, digits and `_`.
    static func isConditionName(_ name: String) -> Bool {
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else {
            // Non-ASCII: Unicode letters and numbers count, as Characters.
            guard let first = name.first, first.isLetter || first == "_" else { return false }
            return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        }
        guard let first = name.utf8.first, isASCIILetter(first) || first == UInt8(ascii: "_") else { return false }
        return name.utf8.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "_") }
    }

    mutating func parseFeatures(_ value: JSONValue, node: JSONNode, in expression: QAPIExpression) -> [Feature] {
        guard let list = value.arrayValue else {
            error("'features' must be an array", at: expression.location(node.offset))
            return []
        }
        var features: [Feature] = []
        for (index, element) in list.enumerated() {
            let elementNode = node.child(index)
            let location = expression.location(elementNode.offset)
            var feature: Feature
            if let name = element.stringValue {
                feature = Feature(name)
            } else if let object = element.objectValue, object["name"] == nil {
                error("'features' member misses key 'name'", at: location)
                continue
            } else if let object = element.objectValue, let name = object["name"]?.stringValue {
                checkKeys(object, allowed: ["name", "if"], node: elementNode, what: "feature", in: expression)
                feature = Feature(name)
                if let ifIndex = object.members.firstIndex(where: { $0.key == "if" }) {
                    feature.condition = parseCondition(
                        object.members[ifIndex].value, node: elementNode.child(ifIndex), in: expression)
                }
            } else {
                error("'features' member requires a string name", at: location)
                continue
            }
            guard checkName(feature.name, at: location, what: .feature) else { continue }
            if featureNames.insert(feature.name).inserted, featureNames.count == Feature.maximumDistinctNames + 1 {
                error(
                    "feature '\(feature.name)' is the \(featureNames.count)th distinct feature name; QEMU allows at "
                        + "most \(Feature.maximumDistinctNames)", at: location)
            }
            if features.contains(where: { $0.name == feature.name }) {
                error("feature '\(feature.name)' is duplicated", at: location)
                continue
            }
            features.append(feature)
        }
        return features
    }

    // MARK: Docs

    /// Style, as QEMU checks a definition against its doc: a doc when `doc-required` asks for
    /// one, `Returns:` only on commands, and the described members and features exist.
    mutating func checkDocumentation(_ context: Context, meta: DefinitionKeyword) {
        guard let doc = context.expression.doc else {
            if pragmas[Pragma.docRequired.rawValue] == .bool(true) {
                warning("documentation comment required", at: context.nameLocation)
            }
            return
        }
        if meta != .command, let returns = doc.sections.first(where: { $0.tag == "Returns" }) {
            warning("'Returns:' is only valid for commands", at: returns.location)
        }
        checkDocumentedMembers(context, isSimpleUnion: meta == .union && context.member("discriminator") == nil)
        checkDocumentedFeatures(context, doc: doc)
    }

    /// Every `@name:` must name a member written in this definition (a named `data` or `base`
    /// type documents its own members), an enum value, a branch, or a simple union's `type`.
    mutating func checkDocumentedMembers(_ context: Context, isSimpleUnion: Bool) {
        let entries = context.docMembers
        guard !entries.isEmpty else { return }
        let data = context.member("data")?.0
        let base = context.member("base")?.0
        // Entries mostly follow the members' order: each search starts after the last match.
        var next = 0
        for entry in entries {
            if let found = Self.index(of: entry.name, in: data, from: next) {
                next = found + 1
            } else if Self.index(of: entry.name, in: base, from: 0) == nil, !(isSimpleUnion && entry.name == "type") {
                warning("documented member '\(entry.name)' does not exist in '\(context.name)'", at: entry.location)
            }
        }
    }

    /// The doc's `Features:` list and the features of the definition and its members match.
    mutating func checkDocumentedFeatures(_ context: Context, doc: DocComment) {
        let used = Self.featureNames(in: context.expression.object)
        for entry in doc.features where !used.contains(entry.name) {
            warning("documented feature '\(entry.name)' does not exist in '\(context.name)'", at: entry.location)
        }
        let documented = Set(doc.features.map(\.name))
        for name in used.sorted() where !documented.contains(name) {
            let location = context.member("features").map { context.location($0.keyOffset) } ?? context.nameLocation
            warning("feature '\(name)' of '\(context.name)' lacks documentation", at: location)
        }
    }

    /// The feature names of a definition, its inline members and its enum values.
    static func featureNames(in object: JSONObject) -> Set<String> {
        func names(_ features: JSONValue?) -> [String] {
            features?.arrayValue?.compactMap { $0.stringValue ?? $0["name"]?.stringValue } ?? []
        }
        var found = Set(names(object["features"]))
        for key in ["data", "base"] {
            switch object[key] {
            case .object(let members)?:
                for member in members.members { found.formUnion(names(member.value["features"])) }
            case .array(let values)?: for value in values { found.formUnion(names(value["features"])) }
            default: break
            }
        }
        return found
    }

    /// Whether `key` is `*name` (an optional member's key), byte for byte.
    static func isOptionalKey(_ key: String, for name: String) -> Bool {
        key.utf8.count == name.utf8.count + 1 && key.utf8.first == UInt8(ascii: "*")
            && key.utf8.dropFirst().elementsEqual(name.utf8)
    }

    /// Where `data` or `base` declares `name`: the index of an object's key (`*` optional marker
    /// ignored), or of a list element that is the string or has it as `name`. The search starts at
    /// `start` and wraps around.
    static func index(of name: String, in value: JSONValue?, from start: Int) -> Int? {
        switch value {
        case .object(let object)?:
            let members = object.members
            // Byte-equal keys settle almost every entry; otherwise String's Unicode equality decides.
            return firstIndex(in: members.indices, from: start) {
                members[$0].key == name || isOptionalKey(members[$0].key, for: name)
            } ?? members.indices.first { members[$0].key.hasPrefix("*") && members[$0].key.dropFirst() == name }
        case .array(let list)?:
            return firstIndex(in: list.indices, from: start) {
                (list[$0].stringValue ?? list[$0]["name"]?.stringValue) == name
            }
        default:
            return nil
        }
    }

    /// The first index matching, searching from `start` to the end, then from the beginning.
    static func firstIndex(in indices: Range<Int>, from start: Int, where matches: (Int) -> Bool) -> Int? {
        let start = min(max(start, indices.lowerBound), indices.upperBound)
        for index in start..<indices.upperBound where matches(index) { return index }
        for index in indices.lowerBound..<start where matches(index) { return index }
        return nil
    }

    // MARK: Diagnostics

    mutating func error(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.add(Diagnostic(.error, message, at: location, hint: hint))
    }

    mutating func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.add(Diagnostic(.warning, message, at: location, hint: hint))
    }

    mutating func note(_ message: String, at location: SourceLocation?) {
        diagnostics.add(Diagnostic(.note, message, at: location))
    }

    /// An old-dialect reading (a form QEMU once accepted and now rejects): a note, so that every
    /// era loads, but an error under `--strict`, which holds a schema to QEMU's current rules.
    mutating func legacy(_ message: String, at location: SourceLocation?) {
        diagnostics.add(Diagnostic(diagnostics.strict ? .error : .note, message, at: location))
    }
}

func isASCIILetter(_ byte: UInt8) -> Bool { isASCIILower(byte) || isASCIIUpper(byte) }
func isASCIILower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
func isASCIIUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
