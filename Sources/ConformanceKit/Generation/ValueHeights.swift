/// How deeply nested and how large the shallowest valid value of each named type is, or that it
/// has none that can be built: an alternate whose only branch is itself, a union whose only
/// variant is the union, a struct that requires a member of its own type, or required members
/// that multiply into more than `maximumSize` JSON nodes (ten levels of ten required members).
///
/// `ValueSynthesizer` uses it to choose only branches that lead to a buildable value, and past its
/// depth limit to choose the shallowest ones, whose heights strictly decrease, so that building
/// a value of a recursive type always ends. `CaseGenerator` uses it to cut, with a note, the cases
/// of a command whose arguments cannot be built. Computed once per schema as a least fixed point,
/// without recursion; it does not build values.
struct ValueHeights: Sendable {
    /// The shallowest value of a type: its nesting height (0 for scalars and lists, which can be
    /// empty; one more than the tallest required member or the shallowest branch for objects and
    /// alternates), then its size in JSON nodes. Ordered by height, then size.
    struct Measure: Sendable, Hashable, Comparable {
        var height: Int
        var size: Int

        static func < (lhs: Measure, rhs: Measure) -> Bool { (lhs.height, lhs.size) < (rhs.height, rhs.size) }
    }

    /// The largest value, in JSON nodes, that counts as buildable.
    static let maximumSize = 100_000
    /// The measure of a scalar or an empty list.
    static let leaf = Measure(height: 0, size: 1)

    /// Type name → measure of its shallowest value; absent: no buildable value.
    private var measures: [String: Measure] = [:]
    /// The names of the schema's types; other names are not judged (and count as scalars).
    private let typeNames: Set<String>
    /// The unions that have themselves as a variant (none in real schemas): the only ones whose
    /// variants need the costlier check of `branchMeasure`.
    private let selfVariantUnions: Set<String>

    /// Works out the measures of every type of a schema.
    /// - Parameter schema: the schema.
    init(schema: Schema) {
        typeNames = Set(schema.types.map(\.name))
        selfVariantUnions = Set(
            schema.types.filter { type in
                type.object?.variants?.cases.contains { $0.type == .named(type.name) } == true
            }.map(\.name))
        var changed = true
        while changed {
            changed = false
            for type in schema.types {
                guard let measure = measure(of: type, in: schema), measures[type.name].map({ measure < $0 }) ?? true
                else { continue }
                measures[type.name] = measure
                changed = true
            }
        }
    }

    /// The measure of a type reference's shallowest value.
    /// - Parameter type: the type.
    /// - Returns: the measure; nil when the type has no buildable value. Unknown names count as scalars.
    func measure(_ type: TypeRef) -> Measure? {
        switch type {
        case .array: Self.leaf
        case .named(let name): measures[name] ?? (typeNames.contains(name) ? nil : Self.leaf)
        }
    }

    /// Whether a value of the type can be built at all.
    /// - Parameter type: the type.
    /// - Returns: false for types that contain themselves without an optional member, a list or
    ///   another branch as a way out, and for types whose smallest value is too large.
    func isFinite(_ type: TypeRef) -> Bool { measure(type) != nil }

    /// The measure of what a union variant adds: its object's, a leaf when it names no object type.
    /// - Parameters:
    ///   - variant: the variant.
    ///   - union: the union it is a variant of.
    ///   - schema: the schema.
    /// - Returns: the measure; nil when the variant's object has no buildable value or is the union
    ///   itself (whose members would be flattened into themselves without end).
    func branchMeasure(_ variant: ObjectType.Variants.Variant, of union: ObjectType, in schema: Schema) -> Measure? {
        guard case .named(let name) = variant.type, let branch = schema.type(named: name)?.object else {
            return Self.leaf
        }
        let isUnionItself = selfVariantUnions.contains(name) && branch.variants == union.variants
        return isUnionItself ? nil : measure(variant.type)
    }

    /// A type's measure from the measures known so far; nil while it cannot be built from them.
    private func measure(of type: SchemaType, in schema: Schema) -> Measure? {
        switch type.kind {
        case .builtin, .enumeration: return Self.leaf
        case .alternate(let alternate):
            return alternate.branches.compactMap { measure($0.type) }.min().map {
                Measure(height: $0.height + 1, size: $0.size)
            }
        case .object(let object):
            var result = Measure(height: 1, size: 1)
            for member in object.members where !member.isOptional {
                guard let memberMeasure = measure(member.type) else { return nil }
                result = Measure(
                    height: max(result.height, memberMeasure.height + 1), size: result.size + memberMeasure.size)
                guard result.size <= Self.maximumSize else { return nil }
            }
            if let variants = object.variants, !variants.cases.isEmpty {
                guard let branch = variants.cases.compactMap({ branchMeasure($0, of: object, in: schema) }).min() else {
                    return nil
                }
                // The branch's members sit beside the common ones: its own node is not added.
                result = Measure(height: max(result.height, branch.height + 1), size: result.size + branch.size - 1)
                guard result.size <= Self.maximumSize else { return nil }
            }
            return result
        }
    }
}
