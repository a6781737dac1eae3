/// Builds schema-valid JSON values for types: the minimal value (required members only), the
/// full value (every member), and the interesting variations of a type (integer bounds, each enum
/// value, each union and alternate branch, empty/one/several lists).
///
/// Strings get meaningful values from the `ValueTable` (paths under `${scratch}`, loopback
/// addresses, ids); the run substitutes the placeholders. It knows nothing about invalid values:
/// `Mutation` breaks what this builds.
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
    /// With 0, defaults are the first enum value, union branch and alternate branch; any other
    /// seed picks among them by hash, so different seeds spread the defaults over the choices.
    var seed: UInt64 = 0
    /// Nesting beyond which minimal values stop descending (recursive types).
    let maximumDepth = 8

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
                return .string(enumeration.values[choice(enumeration.values.count, name)].name)
            case .object(let object): return .object(minimalObject(object, branch: nil, depth: depth + 1))
            case .alternate(let alternate):
                guard let branch = preferredBranch(of: alternate, name: name) else { return .null }
                return minimal(branch.type, slot: slot, depth: depth + 1)
            }
        }
    }

    func minimal(_ builtin: BuiltinType, slot: Slot?) -> JSONValue {
        switch builtin {
        case .str:
            return .string(slot.map { table.value(member: $0.name, documentation: $0.documentation) } ?? "qmp-conform")
        case .bool: return false
        case .null: return .null
        case .any: return "qmp-conform"
        case .number: return 1.5
        default: return 0
        }
    }

    /// An alternate's branch to use by default: one that is not an object (cheapest), by seed.
    func preferredBranch(of alternate: AlternateType, name: String) -> AlternateType.Branch? {
        let scalars = alternate.branches.filter { schema.object($0.type) == nil }
        let candidates = scalars.isEmpty ? alternate.branches : scalars
        return candidates.isEmpty ? nil : candidates[choice(candidates.count, name)]
    }

    /// The members an object value has when its union tags select `branch` (the first branch
    /// with members by default), base members first.
    func shape(of object: ObjectType, branch: String?) -> (members: [Member], tag: (name: String, value: String)?) {
        guard let variants = object.variants else { return (object.members, nil) }
        let chosen = branch ?? defaultBranch(of: object)
        var members = object.members
        if let chosen, let variant = variants.variant(named: chosen), let branchObject = schema.object(variant.type) {
            members += shape(of: branchObject, branch: nil).members
        }
        return (members, chosen.map { (variants.tag, $0) })
    }

    /// A union's default branch: one with a branch type (by seed), else the tag enum's first value.
    func defaultBranch(of object: ObjectType) -> String? {
        guard let variants = object.variants else { return nil }
        if !variants.cases.isEmpty {
            return variants.cases[choice(variants.cases.count, variants.cases.map(\.name).joined(separator: ","))].name
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

    /// An object with the members `include` picks (required members are always included).
    func build(_ object: ObjectType, branch: String?, depth: Int, include: (Member) -> Bool) -> JSONObject {
        let (members, tag) = shape(of: object, branch: branch)
        var result = JSONObject()
        for member in members where !member.isOptional || include(member) {
            if let tag, tag.name == member.name {
                result[member.name] = .string(tag.value)
            } else if depth < maximumDepth {
                result[member.name] = minimal(
                    member.type, slot: Slot(name: member.name, documentation: member.documentation), depth: depth)
            } else {
                result[member.name] = .null
            }
        }
        return result
    }

    // MARK: Variations

    /// The interesting valid values of a member's type, beyond its minimal value.
    func variations(_ type: TypeRef, slot: Slot) -> [Variation] {
        switch type {
        case .array(let element):
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
                return variants.cases.flatMap { variant in
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
                return alternate.branches.map { branch in
                    Variation(
                        label: "alternate branch '\(branch.name)'", value: minimal(branch.type, slot: slot, depth: 1))
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
