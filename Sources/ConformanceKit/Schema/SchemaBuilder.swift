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

    static let metaKeys = ["enum", "struct", "type", "union", "alternate", "command", "event", "pragma"]

    /// The first of `metaKeys` the expression has (in that order of preference), in one pass
    /// over its keys.
    static func metaKey(of object: JSONObject) -> String? {
        var best: Int?
        let members = object.members
        for index in members.indices {
            if let rank = metaKeys.firstIndex(of: members[index].key), rank < best ?? .max { best = rank }
        }
        return best.map { metaKeys[$0] }
    }
    static let allowedKeys: [String: [String]] = [
        "enum": ["enum", "data", "prefix", "if", "features"],
        "struct": ["struct", "data", "base", "if", "features"],
        "type": ["type", "data", "base", "if", "features"],
        "union": ["union", "data", "base", "discriminator", "if", "features"],
        "alternate": ["alternate", "data", "if", "features"],
        "command": [
            "command", "data", "returns", "boxed", "if", "features", "gen", "success-response", "allow-oob",
            "allow-preconfig", "coroutine",
        ],
        "event": ["event", "data", "boxed", "if", "features"],
        "pragma": ["pragma"],
    ]

    // MARK: Expressions

    mutating func add(_ expression: QAPIExpression) {
        guard let meta = Self.metaKey(of: expression.object) else {
            error(
                "expression must have one of the keys 'enum', 'struct', 'union', 'alternate', 'command', 'event', "
                    + "'include' or 'pragma'", at: expression.location)
            return
        }
        let allowed = Self.allowedKeys[meta] ?? []
        let members = expression.object.members
        for index in members.indices where !allowed.contains(members[index].key) {
            error(
                "'\(meta)' definition has unknown key '\(members[index].key)'",
                at: expression.location(expression.node.keyOffset(index)),
                hint: "allowed keys: " + allowed.sorted().joined(separator: ", "))
        }
        if meta == "pragma" {
            addPragma(expression)
            return
        }
        guard let (nameValue, nameNode, _) = expression.member(meta), let name = nameValue.stringValue else {
            error("value of '\(meta)' must be a string naming the definition", at: expression.location)
            return
        }
        let nameLocation = expression.location(nameNode.offset)
        guard checkName(name, at: nameLocation, what: NameKind(rawValue: meta == "type" ? "struct" : meta) ?? .struct)
        else {
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
        case "enum": addEnum(context)
        case "struct", "type":
            if meta == "type" { note("old keyword 'type' read as 'struct'", at: expression.location) }
            addStruct(context)
        case "union": addUnion(context)
        case "alternate": addAlternate(context)
        case "command": addCommand(context)
        default: addEvent(context)
        }
        checkDocumentedMembers(context)
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

    mutating func commonAttributes(_ context: Context) -> (Condition?, [Feature]) {
        let condition = context.member("if").flatMap { parseCondition($0.0, node: $0.1, in: context.expression) }
        let features = context.member("features").map { parseFeatures($0.0, node: $0.1, in: context.expression) } ?? []
        return (condition, features)
    }

    mutating func addPragma(_ context: QAPIExpression) {
        guard let (value, node, _) = context.member("pragma"), let object = value.objectValue else {
            error("value of 'pragma' must be an object", at: context.location)
            return
        }
        let known: [String: JSONValue.Kind] = [
            "doc-required": .boolean, "command-name-exceptions": .array, "command-returns-exceptions": .array,
            "member-name-exceptions": .array,
        ]
        for (index, member) in object.members.enumerated() {
            guard let kind = known[member.key] else {
                error(
                    "unknown pragma '\(member.key)'", at: context.location(node.keyOffset(index)),
                    hint: "known pragmas: " + known.keys.sorted().joined(separator: ", "))
                continue
            }
            guard member.value.kind == kind else {
                error(
                    "pragma '\(member.key)' must be a \(kind == .boolean ? "boolean" : "list of strings")",
                    at: context.location(node.child(index).offset))
                continue
            }
            pragmas[member.key] = member.value
        }
    }

    // MARK: Definitions

    mutating func addEnum(_ context: Context) {
        let (condition, features) = commonAttributes(context)
        guard let (data, dataNode, _) = context.member("data"), let list = data.arrayValue else {
            error("'enum' requires 'data' as a list of values", at: context.nameLocation)
            return
        }
        var values: [EnumType.Value] = []
        var seen: [String: SourceLocation] = [:]
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
            guard checkName(value.name, at: location, what: .enumValue, allowLeadingDigit: true) else { continue }
            if let previous = seen[value.name] {
                error("enum value '\(value.name)' is duplicated (first at \(previous))", at: location)
                continue
            }
            seen[value.name] = location
            value.documentation = context.documentation(of: value.name)
            values.append(value)
        }
        let prefix = context.member("prefix")?.0.stringValue
        types.append(
            SchemaType(
                name: context.name, kind: .enumeration(EnumType(values: values, prefix: prefix)), origin: .enum,
                condition: condition, features: features, sharing: context.expression.$doc,
                location: context.nameLocation))
    }

    mutating func addStruct(_ context: Context) {
        let (condition, features) = commonAttributes(context)
        var members: [Member] = []
        if let (data, dataNode, _) = context.member("data") {
            guard let object = data.objectValue else {
                error("'data' of struct '\(context.name)' must be an object", at: context.location(dataNode.offset))
                return
            }
            members = parseMembers(object, node: dataNode, owner: context.name, in: context)
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
            let members = parseMembers(object, node: node, owner: owner, in: context)
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
        let (condition, features) = commonAttributes(context)
        guard let (data, dataNode, _) = context.member("data"), let branches = data.objectValue else {
            error("'union' requires 'data' as an object of branches", at: context.nameLocation)
            return
        }
        if let (discriminator, discriminatorNode, _) = context.member("discriminator"), discriminator.objectValue != nil
        {
            // QEMU 2.x's anonymous union ('discriminator': {}) is what later became an alternate.
            note("union with 'discriminator': {} read as an alternate", at: context.location(discriminatorNode.offset))
            addAlternate(context, condition: condition, features: features)
            return
        }
        var cases: [ObjectType.Variants.Variant] = []
        let simple = context.member("discriminator") == nil
        for (index, branch) in branches.members.enumerated() {
            let branchLocation = context.location(dataNode.keyOffset(index))
            guard checkName(branch.key, at: branchLocation, what: .unionBranch, allowLeadingDigit: true) else {
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
        let (condition, features) = commonAttributes(context)
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
        let (condition, features) = commonAttributes(context)
        let boxed = flag("boxed", in: context, default: false)
        let gen = flag("gen", in: context, default: true)
        var command = Command(
            name: context.name, isBoxed: boxed, generatesMarshalling: gen,
            sendsSuccessResponse: flag("success-response", in: context, default: true),
            allowsOOB: flag("allow-oob", in: context, default: false),
            allowsPreconfig: flag("allow-preconfig", in: context, default: false),
            isCoroutine: flag("coroutine", in: context, default: false), condition: condition, features: features,
            location: context.nameLocation)
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
        let (condition, features) = commonAttributes(context)
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
        let members = parseMembers(object, node: dataNode, owner: context.name, in: context)
        types.append(
            SchemaType(
                name: implicitName,
                kind: .object(ObjectType(members: members, acceptsExtraMembers: acceptsExtraMembers)),
                origin: .implicit, location: location))
        return .named(implicitName)
    }

    /// A boolean flag of a command or event; old schemas wrote `'no'`/`'yes'`.
    mutating func flag(_ key: String, in context: Context, default defaultValue: Bool) -> Bool {
        guard let (value, node, _) = context.member(key) else { return defaultValue }
        switch value {
        case .bool(let flag): return flag
        case .string("no"): return false
        case .string("yes"): return true
        default:
            error("'\(key)' must be true or false", at: context.location(node.offset))
            return defaultValue
        }
    }

    // MARK: Members and type references

    /// The members of a `data` object: `'name': TYPE-REF` or `'name': {'type': ..., 'if': ..., 'features': ...}`;
    /// old schemas also nest an anonymous struct as a member's value.
    mutating func parseMembers(_ object: JSONObject, node: JSONNode, owner: String, in context: Context) -> [Member] {
        var members: [Member] = []
        members.reserveCapacity(object.count)
        let entries = object.members
        for index in entries.indices {
            let key = entries[index].key
            let location = context.location(node.keyOffset(index))
            let isOptional = key.utf8.first == UInt8(ascii: "*")
            let name = isOptional ? String(key.dropFirst()) : key
            guard checkName(name, at: location, what: .member) else { continue }
            if let clash = members.first(where: { $0.name == name }) {
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
            if let nested = memberObject, !Self.isMemberObject(nested) {
                let nestedName = "q_obj_\(owner)-\(name)"
                let nestedMembers = parseMembers(nested, node: valueNode, owner: nestedName, in: context)
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
            members.append(
                Member(
                    name: name, type: reference, isOptional: isOptional, condition: condition, features: features,
                    documentation: context.documentation(of: name), location: location))
        }
        return members
    }

    static func isMemberObject(_ object: JSONObject) -> Bool {
        object["type"] != nil
            && object.members.allSatisfy { $0.key == "type" || $0.key == "if" || $0.key == "features" }
    }

    /// A type field: a TYPE-REF, or `{'type': TYPE-REF, 'if': ..., 'features': ...}`.
    mutating func parseTypeField(_ value: JSONValue, node: JSONNode, in context: Context) -> (TypeRef, Condition?)? {
        guard let object = value.objectValue else {
            return parseTypeRef(value, at: context.location(node.offset)).map { ($0, nil) }
        }
        checkKeys(object, allowed: ["type", "if", "features"], node: node, what: "member", in: context.expression)
        guard let typeIndex = object.members.firstIndex(where: { $0.key == "type" }) else {
            error("member object requires 'type'", at: context.location(node.offset))
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

    /// An `if`: a name, `{'all': [...]}`, `{'any': [...]}`, `{'not': ...}`; old schemas wrote a
    /// list (all of) and C preprocessor text (`defined(CONFIG_X)`).
    mutating func parseCondition(_ value: JSONValue, node: JSONNode, in expression: QAPIExpression) -> Condition? {
        let location = expression.location(node.offset)
        switch value {
        case .string(let text):
            guard let condition = Self.preprocessorCondition(text) else {
                error("'if' condition '\(text)' is not a configuration name", at: location)
                return nil
            }
            return condition
        case .array(let list):
            guard !list.isEmpty else {
                error("'if' condition [] is useless", at: location, hint: "remove the 'if' or name a condition")
                return nil
            }
            let parts = list.enumerated().compactMap {
                parseCondition($0.element, node: node.child($0.offset), in: expression)
            }
            return parts.count == list.count ? .all(parts) : nil
        case .object(let object):
            guard object.count == 1, let operation = object.members.first else {
                error("'if' condition must have exactly one of 'all', 'any', 'not'", at: location)
                return nil
            }
            let inner = node.child(0)
            switch operation.key {
            case "not":
                return parseCondition(operation.value, node: inner, in: expression).map { .not($0) }
            case "all", "any":
                guard let list = operation.value.arrayValue, !list.isEmpty else {
                    error(
                        "'if' condition '\(operation.key)' needs a non-empty list",
                        at: expression.location(inner.offset))
                    return nil
                }
                let parts = list.enumerated().compactMap {
                    parseCondition($0.element, node: inner.child($0.offset), in: expression)
                }
                guard parts.count == list.count else { return nil }
                return operation.key == "all" ? .all(parts) : .any(parts)
            default:
                error(
                    "'if' condition has unknown operator '\(operation.key)'",
                    at: expression.location(node.keyOffset(0)),
                    hint: "use 'all', 'any' or 'not'")
                return nil
            }
        default:
            error("'if' condition must be a string, a list or an object", at: location)
            return nil
        }
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
            error("'features' must be a list", at: expression.location(node.offset))
            return []
        }
        var features: [Feature] = []
        for (index, element) in list.enumerated() {
            let elementNode = node.child(index)
            let location = expression.location(elementNode.offset)
            var feature: Feature
            if let name = element.stringValue {
                feature = Feature(name)
            } else if let object = element.objectValue, let name = object["name"]?.stringValue {
                checkKeys(object, allowed: ["name", "if"], node: elementNode, what: "feature", in: expression)
                feature = Feature(name)
                if let ifIndex = object.members.firstIndex(where: { $0.key == "if" }) {
                    feature.condition = parseCondition(
                        object.members[ifIndex].value, node: elementNode.child(ifIndex), in: expression)
                }
            } else {
                error("feature must be a string or an object with 'name'", at: location)
                continue
            }
            guard checkName(feature.name, at: location, what: .feature) else { continue }
            if features.contains(where: { $0.name == feature.name }) {
                error("feature '\(feature.name)' is duplicated", at: location)
                continue
            }
            features.append(feature)
        }
        return features
    }

    // MARK: Names and docs

    /// What a checked name names: the text is how messages call it.
    enum NameKind: String, CustomStringConvertible {
        case `struct`, union, `enum`, alternate, command, event, member, feature
        case enumValue = "enum value"
        case unionBranch = "union branch"
        case alternateBranch = "alternate branch"

        var description: String { rawValue }
    }

    /// Checks a name's characters (an error) and QEMU's naming conventions (warnings).
    /// - Returns: false when the name is invalid and the definition should be skipped.
    mutating func checkName(
        _ name: String, at location: SourceLocation, what: NameKind, allowLeadingDigit: Bool = false
    ) -> Bool {
        let scan =
            name.utf8.withContiguousStorageIfAvailable { NameScan($0, allowLeadingDigit: allowLeadingDigit) }
            ?? Array(name.utf8).withUnsafeBufferPointer { NameScan($0, allowLeadingDigit: allowLeadingDigit) }
        guard scan.isValid else {
            error(
                "\(what) name '\(name)' is not a valid QAPI name", at: location,
                hint:
                    "names start with a letter and use only letters, digits, '-' and '_' (downstream: '__RFQDN_' prefix)"
            )
            return false
        }
        checkNamingConvention(scan, full: name, at: location, what: what)
        return true
    }

    /// What one pass over a name's bytes tells: validity and the traits the naming conventions
    /// look at, for the name without its downstream `__RFQDN_` prefix.
    struct NameScan {
        var isValid: Bool
        var first: UInt8?
        var hasLower = false
        var hasUpper = false
        var hasUnderscore = false
        var hasDash = false
        var endsWithList: Bool

        init(_ bytes: UnsafeBufferPointer<UInt8>, allowLeadingDigit: Bool) {
            var body = bytes[...]
            if body.starts(with: "__".utf8), let underscore = body.dropFirst(2).firstIndex(of: UInt8(ascii: "_")) {
                body = body[(underscore + 1)...]  // downstream prefix __RFQDN_
            }
            first = body.first
            isValid = first.map { isASCIILetter($0) || (allowLeadingDigit && isASCIIDigit($0)) } ?? false
            for byte in body {
                if isASCIILower(byte) {
                    hasLower = true
                } else if isASCIIUpper(byte) {
                    hasUpper = true
                } else if byte == UInt8(ascii: "_") {
                    hasUnderscore = true
                } else if byte == UInt8(ascii: "-") {
                    hasDash = true
                } else if !isASCIIDigit(byte) {
                    isValid = false
                }
            }
            endsWithList = body.count >= 4 && body.suffix(4).elementsEqual("List".utf8)
        }
    }

    mutating func checkNamingConvention(
        _ scan: NameScan, full name: String, at location: SourceLocation, what: NameKind
    ) {
        switch what {
        case .event:
            if scan.hasLower || scan.hasDash {
                warning("event name '\(name)' should be ALL_CAPS with '_'", at: location)
            }
        case .command:
            if scan.hasUnderscore && !pragmaList("command-name-exceptions").contains(name) {
                warning("command name '\(name)' should use '-', not '_'", at: location)
            }
            if scan.hasUpper {
                warning("command name '\(name)' should be lower-case", at: location)
            }
        case .struct, .union, .alternate, .enum:
            if let first = scan.first, !isASCIIUpper(first) {
                warning("type name '\(name)' should be CamelCase, starting with a capital", at: location)
            }
            if scan.endsWithList && what != .enum {
                warning(
                    "type name '\(name)' should not end with 'List': that suffix names array types in generated C",
                    at: location)
            }
        case .member, .enumValue, .unionBranch, .alternateBranch, .feature:
            if scan.hasUpper || scan.hasUnderscore {
                noteStyle(name: name, location: location, what: what)
            }
        }
    }

    mutating func noteStyle(name: String, location: SourceLocation, what: NameKind) {
        // member-name-exceptions lists types; the owner is not known here, so this stays a note
        // for names QEMU only tolerates via that pragma.
        diagnostics.add(
            Diagnostic(
                .note, "\(what) name '\(name)' does not follow QEMU's lower-case-with-dashes style", at: location))
    }

    func pragmaList(_ key: String) -> [String] { pragmas[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// Style: every `@name:` in the doc must name a member, argument, value or branch.
    mutating func checkDocumentedMembers(_ context: Context) {
        let entries = context.docMembers
        guard !entries.isEmpty else { return }
        let data = context.member("data")?.0
        let base = context.member("base")?.0
        // Data or base naming a type: its members are documented there, so anything goes.
        guard data?.stringValue == nil, base?.stringValue == nil else { return }
        // Entries mostly follow the members' order: each search starts after the last match.
        var next = 0
        for entry in entries {
            if let found = Self.index(of: entry.name, in: data, from: next) {
                next = found + 1
            } else if Self.index(of: entry.name, in: base, from: 0) == nil {
                warning("documented member '\(entry.name)' does not exist in '\(context.name)'", at: entry.location)
            }
        }
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

    mutating func warning(_ message: String, at location: SourceLocation?) {
        diagnostics.add(Diagnostic(.warning, message, at: location))
    }

    mutating func note(_ message: String, at location: SourceLocation?) {
        diagnostics.add(Diagnostic(.note, message, at: location))
    }
}

func isASCIILetter(_ byte: UInt8) -> Bool { isASCIILower(byte) || isASCIIUpper(byte) }
func isASCIILower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
func isASCIIUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
