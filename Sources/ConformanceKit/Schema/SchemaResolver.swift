/// Resolves the definitions `SchemaBuilder` read into a `Schema`: the last stage of loading
/// from source.
///
/// Checks every type reference, flattens struct and union bases (detecting cycles), checks each
/// union's discriminator against its enum and each branch against the base for clashes, and
/// checks that alternates' branches can be told apart on the wire. Faults are located errors.
struct SchemaResolver {
    private var builder: SchemaBuilder
    private var typesByName: [String: SchemaType] = [:]
    private var flattened: [String: [Member]] = [:]
    private var visiting: [String] = []

    init(_ builder: SchemaBuilder) {
        self.builder = builder
        for type in builder.types where typesByName[type.name] == nil { typesByName[type.name] = type }
    }

    /// Resolves and checks everything.
    /// - Parameter files: the files read, for the schema's origin.
    /// - Returns: the schema and all diagnostics (errors included; the caller decides).
    mutating func resolve(files: [String]) -> (Schema, DiagnosticCollector) {
        for reference in builder.references { check(reference) }
        for type in builder.types where type.object != nil { _ = flatten(type.name) }
        for union in builder.unions { checkDiscriminator(union) }
        for type in builder.types {
            if let object = typesByName[type.name]?.object, object.variants != nil { checkBranches(of: type.name, object) }
            if let alternate = type.alternate { checkAlternate(type, alternate) }
        }
        let types = builder.types.map { typesByName[$0.name] ?? $0 }
        let schema = Schema(
            origin: .source(files: files), types: types, commands: builder.commands, events: builder.events,
            pragmas: builder.pragmas)
        return (schema, builder.diagnostics)
    }

    // MARK: References

    private mutating func check(_ reference: SchemaBuilder.Reference) {
        if case .array(let element) = reference.type, case .array = element {
            error("nested array types are not supported", at: reference.location)
            return
        }
        let name = reference.type.elementName
        guard let type = typesByName[name] else {
            var hint: String?
            if let suggestion = Suggestion.closest(to: name, among: typesByName.keys.sorted()) { hint = "did you mean '\(suggestion)'?" }
            error("unknown type '\(name)' in \(describe(reference))", at: reference.location, hint: hint)
            return
        }
        let isArray = if case .array = reference.type { true } else { false }
        switch reference.role {
        case .base:
            if type.object == nil || type.object?.variants != nil {
                error("base '\(name)' of '\(reference.owner)' must be a struct type, not \(type.metaTypeName)", at: reference.location)
            }
        case .branch:
            if isArray || type.object == nil {
                error(
                    "branch type '\(reference.type)' of union '\(reference.owner)' must be an object type, not \(isArray ? "an array" : type.metaTypeName)",
                    at: reference.location)
            }
        case .alternateBranch:
            if type.alternate != nil || type.builtin == .any {
                error("alternate '\(reference.owner)' cannot have a branch of type '\(name)' (\(type.metaTypeName))", at: reference.location)
            }
        case .commandData, .eventData:
            if isArray || type.object == nil {
                error("'data' of '\(reference.owner)' must name an object type, not \(type.metaTypeName)", at: reference.location)
            } else if !reference.boxed, type.object?.variants != nil {
                error(
                    "'data' of '\(reference.owner)' names union '\(name)'", at: reference.location,
                    hint: "add 'boxed': true to pass a union's members as arguments")
            }
        case .commandReturns:
            let exceptions = builder.pragmaList("command-returns-exceptions")
            if type.object == nil, !exceptions.contains(reference.owner) {
                warning(
                    "command '\(reference.owner)' returns \(isArray ? "an array of " : "")\(type.metaTypeName) '\(name)': "
                        + "QEMU wants an object (or list of objects) unless 'command-returns-exceptions' lists it",
                    at: reference.location)
            }
        case .member, .arrayElement:
            break
        }
    }

    private func describe(_ reference: SchemaBuilder.Reference) -> String {
        switch reference.role {
        case .member, .arrayElement: "a member of '\(reference.owner)'"
        case .base: "the base of '\(reference.owner)'"
        case .branch, .alternateBranch: "a branch of '\(reference.owner)'"
        case .commandData: "the arguments of command '\(reference.owner)'"
        case .commandReturns: "the return type of command '\(reference.owner)'"
        case .eventData: "the data of event '\(reference.owner)'"
        }
    }

    // MARK: Bases

    /// The members of an object type with its base chain flattened in; nil on a cycle or unknown base.
    private mutating func flatten(_ name: String) -> [Member]? {
        if let done = flattened[name] { return done }
        guard let type = typesByName[name], var object = type.object else { return nil }
        if let start = visiting.firstIndex(of: name) {
            let cycle = visiting[start...] + [name]
            error("base cycle: " + cycle.joined(separator: " -> "), at: type.location)
            return nil
        }
        visiting.append(name)
        defer { visiting.removeLast() }
        var members: [Member] = []
        if let base = object.base {
            guard typesByName[base]?.object != nil, let baseMembers = flatten(base) else { return nil }
            members = baseMembers
        }
        var taken = Dictionary(members.map { (cName($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        for member in object.members {
            if let clash = taken[cName(member.name)] {
                error(
                    "member '\(member.name)' of '\(name)' collides with member '\(clash.name)' of its base"
                        + (clash.location.map { " at \($0)" } ?? ""), at: member.location ?? type.location)
                continue
            }
            taken[cName(member.name)] = member
            members.append(member)
        }
        object.members = members
        typesByName[name]?.kind = .object(object)
        flattened[name] = members
        return members
    }

    /// The name as C would spell it: QAPI forbids two members that differ only in `-` vs `_`.
    private func cName(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else { return name }
        return String(decoding: name.utf8.map { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }

    // MARK: Unions

    private mutating func checkDiscriminator(_ union: SchemaBuilder.PendingUnion) {
        guard let object = typesByName[union.name]?.object, let base = object.base, flattened[base] != nil else { return }
        guard let tag = object.member(named: union.discriminator) else {
            error(
                "discriminator '\(union.discriminator)' of union '\(union.name)' is not a member of its base '\(base)'",
                at: union.discriminatorLocation,
                hint: "members of the base: " + object.members.map(\.name).joined(separator: ", "))
            return
        }
        if tag.isOptional {
            error("discriminator member '\(tag.name)' of union '\(union.name)' must not be optional", at: union.discriminatorLocation)
        }
        if tag.condition != nil {
            error("discriminator member '\(tag.name)' of union '\(union.name)' must not be conditional", at: union.discriminatorLocation)
        }
        guard case .named(let enumName) = tag.type, let values = typesByName[enumName]?.enumeration else {
            error(
                "discriminator member '\(tag.name)' of union '\(union.name)' must be of enum type, not '\(tag.type)'",
                at: union.discriminatorLocation)
            return
        }
        for variant in object.variants?.cases ?? [] where !values.names.contains(variant.name) {
            error(
                "branch '\(variant.name)' of union '\(union.name)' is not a value of enum '\(enumName)'",
                at: variant.location ?? union.discriminatorLocation,
                hint: "values of '\(enumName)': " + values.names.joined(separator: ", "))
        }
    }

    /// Branch members must not clash with the union's common members.
    private mutating func checkBranches(of name: String, _ object: ObjectType) {
        let common = Dictionary(object.members.map { (cName($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        for variant in object.variants?.cases ?? [] {
            guard case .named(let branchName) = variant.type, let branchMembers = flattened[branchName] else { continue }
            for member in branchMembers {
                if let clash = common[cName(member.name)] {
                    error(
                        "member '\(member.name)' of branch '\(variant.name)' (type '\(branchName)') collides with member "
                            + "'\(clash.name)' of union '\(name)'", at: variant.location ?? typesByName[name]?.location)
                }
            }
        }
    }

    // MARK: Alternates

    /// The JSON kind class a branch type occupies; two branches in one class cannot be told apart.
    private func wireClass(_ reference: TypeRef) -> String? {
        if case .array = reference { return "array" }
        guard let type = typesByName[reference.elementName] else { return nil }
        switch type.kind {
        case .builtin(let builtin):
            switch builtin {
            case .str: return "string"
            case .bool: return "boolean"
            case .null: return "null"
            case .any: return nil
            default: return "number"
            }
        case .enumeration: return "string"
        case .object: return "object"
        case .alternate: return nil
        }
    }

    private mutating func checkAlternate(_ type: SchemaType, _ alternate: AlternateType) {
        var seen: [String: String] = [:]
        for branch in alternate.branches {
            guard let wire = wireClass(branch.type) else { continue }
            if let other = seen[wire] {
                error(
                    "branch '\(branch.name)' of alternate '\(type.name)' cannot be told apart from branch '\(other)': "
                        + "both are JSON \(wire) values", at: type.location)
            }
            seen[wire] = branch.name
        }
    }

    // MARK: Diagnostics

    private mutating func error(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        builder.diagnostics.add(Diagnostic(.error, message, at: location, hint: hint))
    }

    private mutating func warning(_ message: String, at location: SourceLocation?) {
        builder.diagnostics.add(Diagnostic(.warning, message, at: location))
    }
}
