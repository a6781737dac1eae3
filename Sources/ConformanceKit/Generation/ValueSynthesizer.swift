/// Builds schema-valid JSON values for types: the minimal value (required members only), the
/// full value (every member), and the interesting variations of a type (integer bounds, each enum
/// value, each union and alternate branch, empty/one/several lists).
///
/// Strings get meaningful values from the `ValueTable` (paths under `${scratch}`, loopback
/// addresses, ids); the run substitutes the placeholders. It knows nothing about invalid values:
/// `Mutation` breaks what this builds.
///
/// Recursive types are bounded: it only chooses branches and optional members that have a
/// buildable value (`ValueHeights`), and past `maximumDepth` of nesting it chooses the shallowest
/// ones, so every value it builds is finite. A type without any finite value gets `null`; callers ask
/// `heights` first.
struct ValueSynthesizer: Sendable {
    /// A member whose value is being built: its name and doc text decide a string's meaning.
    struct Slot: Sendable {
        var name: String
        var documentation: String?
    }

    /// One variation of a type's value, with a short label for case summaries.
    struct Variation: Sendable {
        var label: String
        var value: JSONValue
    }

    let schema: Schema
    let table: ValueTable
    /// The command whose arguments are being built, for the table's per-command entries.
    private(set) var command: String?
    /// With 0, defaults are the first enum value, union branch and alternate branch; any other
    /// seed picks among them by hash, so different seeds spread the defaults over the choices.
    let seed: UInt64
    /// Nesting (and union flattening) beyond which branches are chosen shallowest first, so that
    /// recursive types end.
    let maximumDepth = 8
    /// Which types have a finite value, and how deep the shallowest is.
    let heights: ValueHeights

    /// Creates a synthesizer.
    /// - Parameters:
    ///   - schema: the schema whose types it builds.
    ///   - table: the value table for strings.
    ///   - seed: the seed of the open choices.
    init(schema: Schema, table: ValueTable, seed: UInt64 = 0) {
        self.schema = schema
        self.table = table
        self.seed = seed
        heights = ValueHeights(schema: schema)
    }

    /// The same synthesizer building the arguments of one command.
    /// - Parameter command: the command's name.
    /// - Returns: the synthesizer.
    func building(for command: String) -> ValueSynthesizer {
        var scoped = self
        scoped.command = command
        return scoped
    }

    /// A deterministic choice of `0..<count` for a named decision under the seed.
    func choice(_ count: Int, _ key: String) -> Int {
        guard seed != 0, count > 1 else { return 0 }
        return Int(StableHash.of(key, seed: seed) % UInt64(count))
    }

    // MARK: Minimal and full values

    /// The smallest valid value of a type.
    func minimal(_ type: TypeRef, slot: Slot?, depth: Int = 0) -> JSONValue {
        switch type {
        case .array: return .array([])
        case .named(let name):
            guard let named = schema.type(named: name) else { return .null }
            switch named.kind {
            case .builtin(let builtin): return minimal(builtin, slot: slot)
            case .enumeration(let enumeration):
                guard !enumeration.values.isEmpty else { return "" }
                if let slot, let wanted = table.enumValue(member: slot.name, command: command),
                    enumeration.values.contains(where: { $0.name == wanted })
                {
                    return .string(wanted)
                }
                return .string(enumeration.values[choice(enumeration.values.count, name)].name)
            case .object(let object): return .object(minimalObject(object, branch: nil, depth: depth + 1))
            case .alternate(let alternate):
                guard let branch = preferredBranch(of: alternate, name: name, depth: depth) else { return .null }
                return minimal(branch, of: alternate, slot: slot, depth: depth + 1)
            }
        }
    }

    /// The smallest value of an alternate's branch. The string branch of an alternate that also
    /// takes an object (a node's options or a node's name) names an existing thing: it gets the
    /// table's reference role, not the role of the member it sits in (a `file` that is a node).
    func minimal(_ branch: AlternateType.Branch, of alternate: AlternateType, slot: Slot?, depth: Int) -> JSONValue {
        guard let role = table.referenceRole, case .named(let name) = branch.type,
            schema.type(named: name)?.builtin == .str,
            alternate.branches.contains(where: { schema.object($0.type) != nil })
        else { return minimal(branch.type, slot: slot, depth: depth) }
        return .string(table.value(role: role, member: slot?.name ?? "qmp-conform"))
    }

    func minimal(_ builtin: BuiltinType, slot: Slot?) -> JSONValue {
        switch builtin {
        case .str:
            return .string(
                slot.map { table.value(member: $0.name, documentation: $0.documentation, command: command) }
                    ?? "qmp-conform")
        case .bool: return false
        case .null: return .null
        case .any:
            // A value of any type: the table's integer when it names one (a QOM property's).
            guard let slot, let number = table.integer(member: slot.name, command: command) else {
                return "qmp-conform"
            }
            return .int(number)
        case .number: return 1.5
        default:
            // The table's integer where the type's smallest value is one QEMU refuses (a
            // bitmap granularity of 0), as long as the type takes it.
            guard let slot, let number = table.integer(member: slot.name, command: command), builtin.admits(number)
            else { return 0 }
            return .int(number)
        }
    }

    /// An alternate's branch to use by default: one with a finite value that is not an object
    /// (cheapest), by seed; past the depth limit, the shallowest.
    func preferredBranch(of alternate: AlternateType, name: String, depth: Int = 0) -> AlternateType.Branch? {
        let finite = alternate.branches.filter { heights.isFinite($0.type) }
        guard depth < maximumDepth else { return finite.min { heights.measure($0.type)! < heights.measure($1.type)! } }
        let scalars = finite.filter { schema.object($0.type) == nil }
        let candidates = scalars.isEmpty ? finite : scalars
        return candidates.isEmpty ? nil : candidates[choice(candidates.count, name)]
    }

    /// The members an object value has when its union tags select `branch` (the first branch
    /// with members by default), base members first.
    /// - Parameters:
    ///   - object: the object type.
    ///   - branch: the tag value; nil for the default branch.
    ///   - depth: how many unions were flattened into this one already (a variant may be a union).
    /// - Returns: the members, and the tag member's name and value for a union.
    func shape(of object: ObjectType, branch: String?, depth: Int = 0)
        -> (members: [Member], tag: (name: String, value: String)?)
    {
        guard let variants = object.variants else { return (object.members, nil) }
        let chosen = branch ?? defaultBranch(of: object, depth: depth)
        var members = object.members
        if let chosen, let variant = variants.variant(named: chosen), let branchObject = schema.object(variant.type),
            heights.branchMeasure(variant, of: object, in: schema) != nil
        {
            members += shape(of: branchObject, branch: nil, depth: depth + 1).members
        }
        return (members, chosen.map { (variants.tag, $0) })
    }

    /// The variants of a union that lead to a finite value (all of them, in real schemas).
    /// - Parameter union: the union.
    /// - Returns: the variants with a finite value, in definition order.
    func finiteCases(of union: ObjectType) -> [ObjectType.Variants.Variant] {
        (union.variants?.cases ?? []).filter { heights.branchMeasure($0, of: union, in: schema) != nil }
    }

    /// A union's default branch: one with a branch type and a finite value (by seed; past the
    /// depth limit, the shallowest), else the tag enum's first value.
    func defaultBranch(of object: ObjectType, depth: Int = 0) -> String? {
        guard let variants = object.variants else { return nil }
        if !variants.cases.isEmpty {
            let finite = finiteCases(of: object)
            guard depth < maximumDepth else {
                let measure = { heights.branchMeasure($0, of: object, in: schema)! }
                return finite.min { measure($0) < measure($1) }?.name
            }
            if let wanted = table.enumValue(member: variants.tag, command: command),
                finite.contains(where: { $0.name == wanted })
            {
                return wanted
            }
            guard !finite.isEmpty else { return nil }
            return finite[choice(finite.count, variants.cases.map(\.name).joined(separator: ","))].name
        }
        guard let tag = object.member(named: variants.tag), case .named(let enumName) = tag.type else { return nil }
        return schema.type(named: enumName)?.enumeration?.values.first?.name
    }

    /// An object with its required members only (the tag set to `branch`).
    func minimalObject(_ object: ObjectType, branch: String?, depth: Int) -> JSONObject {
        build(object, branch: branch, depth: depth) { !$0.isOptional }
    }

    /// An object with every member.
    func fullObject(_ object: ObjectType, branch: String?, depth: Int) -> JSONObject {
        build(object, branch: branch, depth: depth) { _ in true }
    }

    /// An object with the members `include` picks (required members are always included;
    /// optional members without a finite value never are). Linear in the number of members.
    func build(_ object: ObjectType, branch: String?, depth: Int, include: (Member) -> Bool) -> JSONObject {
        let (members, tag) = shape(of: object, branch: branch, depth: depth >= maximumDepth ? maximumDepth : 0)
        var built: [JSONObject.Member] = []
        var positions: [String: Int] = [:]
        for member in members where !member.isOptional || (heights.isFinite(member.type) && include(member)) {
            let value: JSONValue =
                if let tag, tag.name == member.name {
                    .string(tag.value)
                } else {
                    minimal(
                        member.type, slot: Slot(name: member.name, documentation: member.documentation), depth: depth)
                }
            // A name seen before (a hostile schema's duplicate) keeps its place and takes the new value.
            if let position = positions[member.name] {
                built[position].value = value
            } else {
                positions[member.name] = built.count
                built.append(JSONObject.Member(member.name, value))
            }
        }
        return JSONObject(uniqueMembers: built)
    }

    // MARK: Variations

    /// The interesting valid values of a member's type, beyond its minimal value.
    func variations(_ type: TypeRef, slot: Slot) -> [Variation] {
        switch type {
        case .array(let element):
            guard heights.isFinite(element) else { return [] }
            let item = minimal(element, slot: slot)
            let several = Array(elementVariety(element, slot: slot).prefix(3))
            return [
                Variation(label: "a one-element list", value: .array([item])),
                Variation(label: "a list of \(several.count)", value: .array(several)),
            ]
        case .named(let name):
            guard let named = schema.type(named: name) else { return [] }
            switch named.kind {
            case .builtin(let builtin): return builtinVariations(builtin)
            case .enumeration(let enumeration):
                return enumeration.values.map { Variation(label: "'\($0.name)'", value: .string($0.name)) }
            case .object(let object):
                guard let variants = object.variants else {
                    return [
                        Variation(label: "with all members", value: .object(fullObject(object, branch: nil, depth: 1)))
                    ]
                }
                return finiteCases(of: object).flatMap { variant in
                    [
                        Variation(
                            label: "branch '\(variant.name)'",
                            value: .object(minimalObject(object, branch: variant.name, depth: 1))),
                        Variation(
                            label: "branch '\(variant.name)' with all members",
                            value: .object(fullObject(object, branch: variant.name, depth: 1))),
                    ]
                }
            case .alternate(let alternate):
                return alternate.branches.filter { heights.isFinite($0.type) }.map { branch in
                    Variation(
                        label: "alternate branch '\(branch.name)'",
                        value: minimal(branch, of: alternate, slot: slot, depth: 1))
                }
            }
        }
    }

    /// Up to three distinct valid element values (for a list of several).
    private func elementVariety(_ element: TypeRef, slot: Slot) -> [JSONValue] {
        var values = [minimal(element, slot: slot)]
        for variation in variations(element, slot: slot) where !values.contains(variation.value) && values.count < 3 {
            if case .array = element { break }
            values.append(variation.value)
        }
        while values.count < 3 { values.append(values[0]) }
        return values
    }

    func builtinVariations(_ builtin: BuiltinType) -> [Variation] {
        switch builtin {
        case .bool: return [Variation(label: "true", value: true)]
        case .number:
            return [Variation(label: "a negative number", value: -2.5), Variation(label: "an integer", value: 7)]
        case .anyInteger:
            // Introspection hides the integer's real range: only values every integer type takes.
            return [Variation(label: "1", value: 1)]
        default:
            guard let range = builtin.integerRange else { return [] }
            return [
                Variation(label: "\(builtin.rawValue) minimum \(range.min)", value: .int(range.min)),
                Variation(label: "\(builtin.rawValue) maximum \(range.max)", value: .integer(range.max)),
            ]
        }
    }
}
