/// Resolves the definitions `SchemaBuilder` read into a `Schema`: the last stage of loading
/// from source.
///
/// Checks every type reference, flattens struct and union bases (detecting cycles), checks each
/// union's discriminator against its enum and each branch against the base for clashes, and
/// checks that alternates' branches can be told apart on the wire. Faults are located errors.
struct SchemaResolver {
    private var builder: SchemaBuilder
    /// The builder's types; the first of each name is the one references resolve to (and the
    /// one that gets its base flattened in).
    private var types: [SchemaType]
    /// Name to the index in `types` of the first type with that name.
    private var indexByName: [String: Int] = [:]
    /// Whether a name is defined twice (a user type named like a built-in).
    private var hasRepeatedNames = false
    /// The flattened members of each object type, by index in `types`, once worked out.
    private var flattened: [[Member]?]
    private var visiting: [String] = []

    init(_ builder: SchemaBuilder) {
        self.builder = builder
        types = builder.types
        indexByName.reserveCapacity(types.count)
        for index in types.indices {
            // One hash per name; a repeat puts the first index back.
            if let first = indexByName.updateValue(index, forKey: types[index].name) {
                indexByName[types[index].name] = first
                hasRepeatedNames = true
            }
        }
        flattened = Array(repeating: nil, count: types.count)
        // The builder's copy is not read again: drop it so that `types` is uniquely referenced.
        self.builder.types = []
    }

    /// The first type with a name.
    private func type(named name: String) -> SchemaType? { indexByName[name].map { types[$0] } }

    /// Resolves and checks everything.
    /// - Parameter files: the files read, for the schema's origin.
    /// - Returns: the schema and all diagnostics (errors included; the caller decides).
    mutating func resolve(files: [String]) -> (Schema, DiagnosticCollector) {
        for reference in builder.references { check(reference) }
        for index in types.indices {
            if case .object = types[index].kind {
                _ = hasRepeatedNames ? flatten(types[index].name) : flatten(at: index)
            }
        }
        for union in builder.unions { checkDiscriminator(union) }
        for index in types.indices {
            switch types[index].kind {
            case .object(let object) where object.variants != nil:
                // A repeated name resolves to its first definition, which is checked once.
                if !hasRepeatedNames || indexByName[types[index].name] == index {
                    checkBranches(of: types[index].name, object)
                }
            case .alternate(let alternate): checkAlternate(types[index], alternate)
            default: break
            }
        }
        // A repeated name (a user type named like a built-in) resolves to the first definition.
        let resolvedTypes =
            hasRepeatedNames ? types.indices.map { index in types[indexByName[types[index].name] ?? index] } : types
        let schema = Schema(
            origin: .source(files: files), types: resolvedTypes, typeIndex: indexByName, commands: builder.commands,
            events: builder.events, pragmas: builder.pragmas)
        return (schema, builder.diagnostics)
    }

    // MARK: References

    private mutating func check(_ reference: SchemaBuilder.Reference) {
        if case .array(let element) = reference.type, case .array = element {
            error("nested array types are not supported", at: reference.location)
            return
        }
        let name = reference.type.elementName
        guard let typeIndex = indexByName[name] else {
            var hint: String?
            if let suggestion = Suggestion.closest(to: name, among: indexByName.keys.sorted()) {
                hint = "did you mean '\(suggestion)'?"
            }
            error("unknown type '\(name)' in \(describe(reference))", at: reference.location, hint: hint)
            return
        }
        let isArray = if case .array = reference.type { true } else { false }
        switch reference.role {
        case .base:
            if types[typeIndex].object == nil || types[typeIndex].object?.variants != nil {
                error(
                    "base '\(name)' of '\(reference.owner)' must be a struct type, not \(types[typeIndex].metaTypeName)",
                    at: reference.location)
            }
        case .branch:
            if isArray || types[typeIndex].object == nil {
                error(
                    "branch type '\(reference.type)' of union '\(reference.owner)' must be an object type, not \(isArray ? "an array" : types[typeIndex].metaTypeName)",
                    at: reference.location)
            }
        case .alternateBranch:
            if types[typeIndex].alternate != nil || types[typeIndex].builtin == .any {
                error(
                    "alternate '\(reference.owner)' cannot have a branch of type '\(name)' (\(types[typeIndex].metaTypeName))",
                    at: reference.location)
            }
        case .commandData, .eventData:
            if isArray || types[typeIndex].object == nil {
                error(
                    "'data' of '\(reference.owner)' must name an object type, not \(types[typeIndex].metaTypeName)",
                    at: reference.location)
            } else if !reference.boxed, types[typeIndex].object?.variants != nil {
                error(
                    "'data' of '\(reference.owner)' names union '\(name)'", at: reference.location,
                    hint: "add 'boxed': true to pass a union's members as arguments")
            }
        case .commandReturns:
            let exceptions = builder.pragmaList(Pragma.commandReturnsExceptions.rawValue)
            if types[typeIndex].object == nil, !exceptions.contains(reference.owner) {
                warning(
                    "command '\(reference.owner)' returns \(isArray ? "an array of " : "")\(types[typeIndex].metaTypeName) '\(name)': "
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
    private mutating func flatten(_ name: String) -> [Member]? { indexByName[name].flatMap { flatten(at: $0) } }

    /// The flattened members of the type at an index in `types`.
    private mutating func flatten(at index: Int) -> [Member]? {
        if let done = flattened[index] { return done }
        let name = types[index].name
        guard case .object(var object) = types[index].kind else { return nil }
        if let start = visiting.firstIndex(of: name) {
            let cycle = visiting[start...] + [name]
            error("base cycle: " + cycle.joined(separator: " -> "), at: types[index].location)
            return nil
        }
        guard let base = object.base else {
            // No base: the members stay as they are (the same array), unless two clash.
            let members = withoutClashes(object.members, after: [], in: name, at: index)
            if members.count != object.members.count {
                object.members = members
                types[index].kind = .object(object)
            }
            flattened[index] = members
            return members
        }
        visiting.append(name)
        defer { visiting.removeLast() }
        guard let baseIndex = indexByName[base], case .object = types[baseIndex].kind,
            let baseMembers = flatten(at: baseIndex)
        else { return nil }
        let members = withoutClashes(object.members, after: baseMembers, in: name, at: index)
        types[index].kind = .object(
            ObjectType(
                members: members, base: base, variants: object.variants,
                acceptsExtraMembers: object.acceptsExtraMembers))
        flattened[index] = members
        return members
    }

    /// The flattened members of a named type, when worked out.
    private func flattenedMembers(of name: String) -> [Member]? { indexByName[name].flatMap { flattened[$0] } }

    /// `first` then `members`, reporting and dropping each member whose C name clashes with one
    /// before it (`first` has no clashes of its own). Without a clash and with no `first`, it is
    /// `members` itself, not a copy.
    private mutating func withoutClashes(_ members: [Member], after first: [Member], in name: String, at index: Int)
        -> [Member]
    {
        // Positions only, so that the common case (no clash) copies no member. Short lists are
        // scanned; long ones (generated schemas) go by C name, so the work stays linear.
        let all = first + members
        // C name to the position in `all` of the first member spelled so.
        let firstByCName: [String: Int]? =
            all.count > 32
            ? Dictionary(all.indices.map { (SchemaBuilder.cName(all[$0].name), $0) }, uniquingKeysWith: { a, _ in a })
            : nil
        let clashing = members.indices.filter { position in
            if let firstByCName {
                return firstByCName[SchemaBuilder.cName(members[position].name)] != first.count + position
            }
            return Self.hasMember(in: first, sameCNameAs: members[position].name)
                || Self.hasMember(in: members[..<position], sameCNameAs: members[position].name)
        }
        if clashing.isEmpty { return first.isEmpty ? members : all }
        for position in clashing {
            // A clash is an equivalence, so comparing with dropped members finds the same first clash.
            let member = members[position]
            guard
                let clash = firstByCName.flatMap { $0[SchemaBuilder.cName(member.name)] }.map({ all[$0] })
                    ?? first.first(where: { Self.sameCName($0.name, member.name) })
                    ?? members[..<position].first(where: { Self.sameCName($0.name, member.name) })
            else { continue }
            error(
                "member '\(member.name)' of '\(name)' collides with member '\(clash.name)' of its base"
                    + (clash.location.map { " at \($0)" } ?? ""), at: member.location ?? types[index].location)
        }
        return first + members.indices.filter { !clashing.contains($0) }.map { members[$0] }
    }

    /// Whether a member's name is spelled in C like `name`: QAPI forbids two members that differ
    /// only in `-`, `.` vs `_`. A linear scan: member lists are short, and it allocates nothing.
    private static func hasMember(in members: ArraySlice<Member>, sameCNameAs name: String) -> Bool {
        for index in members.indices where sameCName(members[index].name, name) { return true }
        return false
    }

    private static func hasMember(in members: [Member], sameCNameAs name: String) -> Bool {
        hasMember(in: members[...], sameCNameAs: name)
    }

    /// Whether two names are equal once `-` and `.` are read as `_`, as C spells them.
    private static func sameCName(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        func cByte(_ byte: UInt8) -> UInt8 {
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") ? UInt8(ascii: "_") : byte
        }
        return zip(left, right).allSatisfy { cByte($0) == cByte($1) }
    }

    // MARK: Unions

    private mutating func checkDiscriminator(_ union: SchemaBuilder.PendingUnion) {
        guard let object = type(named: union.name)?.object, let base = object.base, flattenedMembers(of: base) != nil
        else {
            return
        }
        guard let tag = object.member(named: union.discriminator) else {
            error(
                "discriminator '\(union.discriminator)' of union '\(union.name)' is not a member of its base '\(base)'",
                at: union.discriminatorLocation,
                hint: "members of the base: " + object.members.map(\.name).joined(separator: ", "))
            return
        }
        if tag.isOptional {
            error(
                "discriminator member '\(tag.name)' of union '\(union.name)' must not be optional",
                at: union.discriminatorLocation)
        }
        if tag.condition != nil {
            error(
                "discriminator member '\(tag.name)' of union '\(union.name)' must not be conditional",
                at: union.discriminatorLocation)
        }
        guard case .named(let enumName) = tag.type, let values = type(named: enumName)?.enumeration else {
            error(
                "discriminator member '\(tag.name)' of union '\(union.name)' must be of enum type, not '\(tag.type)'",
                at: union.discriminatorLocation)
            return
        }
        if values.values.isEmpty, object.variants?.cases.isEmpty ?? true {
            // Values without a branch get an empty one: only an empty enum leaves none.
            error("union '\(union.name)' has no branches", at: union.discriminatorLocation)
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
        for variant in object.variants?.cases ?? [] {
            guard case .named(let branchName) = variant.type, let branchMembers = flattenedMembers(of: branchName)
            else {
                continue
            }
            for member in branchMembers {
                if let clash = object.members.first(where: { Self.sameCName($0.name, member.name) }) {
                    error(
                        "member '\(member.name)' of branch '\(variant.name)' (type '\(branchName)') collides with member "
                            + "'\(clash.name)' of union '\(name)'", at: variant.location ?? type(named: name)?.location)
                }
            }
        }
    }

    // MARK: Alternates

    /// The JSON kinds a branch's values may arrive as, as QEMU's input visitor reads them (it
    /// parses a string as a number or boolean where the schema wants one): a plain string
    /// claims numbers and booleans too; an enum claims booleans when it has `on` or `off`, and
    /// numbers when a value starts like one. Two branches claiming one kind cannot be told apart.
    private func wireKinds(_ reference: TypeRef) -> [JSONValue.Kind] {
        if case .array = reference { return [.array] }
        guard let type = type(named: reference.elementName) else { return [] }
        switch type.kind {
        case .builtin(let builtin):
            switch builtin {
            case .str: return [.string, .number, .boolean]
            case .bool: return [.boolean]
            case .null: return [.null]
            case .any: return []
            default: return [.number]
            }
        case .enumeration(let enumeration):
            let names = enumeration.names
            var kinds: [JSONValue.Kind] = [.string]
            if names.contains("on") || names.contains("off") { kinds.append(.boolean) }
            if names.contains(where: { $0.first.map { "-+0123456789.".contains($0) } ?? false }) {
                kinds.append(.number)
            }
            return kinds
        case .object: return [.object]
        case .alternate: return []
        }
    }

    private mutating func checkAlternate(_ type: SchemaType, _ alternate: AlternateType) {
        var seen: [JSONValue.Kind: String] = [:]
        for branch in alternate.branches {
            for kind in wireKinds(branch.type) {
                if let other = seen[kind] {
                    error(
                        "branch '\(branch.name)' of alternate '\(type.name)' can't be distinguished from '\(other)': "
                            + "both accept JSON \(kind) values", at: type.location)
                    return
                }
                seen[kind] = branch.name
            }
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
