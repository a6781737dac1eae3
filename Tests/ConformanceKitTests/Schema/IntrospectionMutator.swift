import TestSupport

@testable import ConformanceKit

/// Breaks a valid `query-qmp-schema` reply in one of the ways a hostile or broken endpoint could:
/// array and alternate cycles, union variants and required members that are their own type,
/// dangling type names, values of the wrong JSON kind, deleted keys.
///
/// Deterministic: the same entries and seed give the same mutant.
struct IntrospectionMutator {
    /// One kind of damage.
    enum Damage: CaseIterable {
        case arraySelfCycle, arrayPairCycle, alternateSelfBranch, unionSelfVariant, requiredSelfMember
        case danglingName, wrongKind, deletedKey
    }

    /// The unmodified entries.
    let entries: [JSONValue]

    /// A mutant of the entries and what was done to it.
    /// - Parameter random: the generator that picks the damage and where.
    /// - Returns: the damaged entries and a description for failure messages.
    func mutant(using random: inout SeededRandom) -> (entries: [JSONValue], damage: String) {
        var entries = entries
        let damage = Damage.allCases.randomElement(using: &random)!
        let index = entries.indices.randomElement(using: &random)!
        switch damage {
        case .arraySelfCycle:
            let array = pick("array", using: &random)
            entries[array][member: "element-type"] = entries[array]["name"]
        case .arrayPairCycle:
            let first = pick("array", using: &random)
            let second = pick("array", using: &random)
            entries[first][member: "element-type"] = entries[second]["name"]
            entries[second][member: "element-type"] = entries[first]["name"]
        case .alternateSelfBranch:
            let alternate = pick("alternate", using: &random)
            entries[alternate][member: "members"] = [["type": entries[alternate]["name"] ?? .null]]
        case .unionSelfVariant:
            let union = entries.indices.filter { entries[$0]["tag"] != nil }.randomElement(using: &random)!
            let name = entries[union]["name"] ?? .null
            let tag = entries[union]["tag"] ?? .null
            entries[union][member: "variants"] = [["case": "self", "type": name]]
            entries[union][member: "members"] = [["name": tag, "type": "str"]]
        case .requiredSelfMember:
            let object = pick("object", using: &random)
            var members = entries[object]["members"]?.arrayValue ?? []
            members.append(["name": "qmp-conform-self", "type": entries[object]["name"] ?? .null])
            entries[object][member: "members"] = .array(members)
        case .danglingName:
            let key = ["element-type", "arg-type", "ret-type"].randomElement(using: &random)!
            entries[index][member: key] = "qmp-conform-dangling"
        case .wrongKind:
            let keys = entries[index].objectValue?.keys ?? []
            let key = keys.randomElement(using: &random) ?? "name"
            entries[index][member: key] = Mutation.kindSamples.randomElement(using: &random)!.value
        case .deletedKey:
            let keys = entries[index].objectValue?.keys ?? []
            if let key = keys.randomElement(using: &random) { entries[index][member: key] = nil }
        }
        return (entries, "\(damage) near entry \(index)")
    }

    /// A random entry of a meta-type.
    private func pick(_ metaType: String, using random: inout SeededRandom) -> Int {
        entries.indices.filter { entries[$0]["meta-type"]?.stringValue == metaType }.randomElement(using: &random)!
    }
}

extension JSONValue {
    /// Sets or removes (nil) an object member; no effect on other kinds.
    subscript(member key: String) -> JSONValue? {
        get { self[key] }
        set {
            guard case .object(var object) = self else { return }
            object[key] = newValue
            self = .object(object)
        }
    }
}
