/// How deeply nested the shallowest valid value of each named type is, or that it has none: an
/// alternate whose only branch is itself, a union whose only variant is the union, a struct that
/// requires a member of its own type.
///
/// `ValueSynthesizer` uses it to choose only branches that lead to a finite value, and past its
/// depth limit to choose the shallowest ones, whose heights strictly decrease, so that building
/// a value of a recursive type always ends. `CaseGenerator` uses it to cut, with a note, the cases
/// of a command whose arguments cannot be built. Computed once per schema as a least fixed point,
/// without recursion; it does not build values.
struct ValueHeights: Sendable {
    /// Type name → height: 0 for scalars and lists (the empty list), one more than the tallest
    /// required member or the shallowest branch for objects and alternates. Absent: no finite value.
    private var heights: [String: Int] = [:]
    /// The names of the schema's types; other names are not judged (and count as scalars).
    private let typeNames: Set<String>

    /// Works out the heights of every type of a schema.
    /// - Parameter schema: the schema.
    init(schema: Schema) {
        typeNames = Set(schema.types.map(\.name))
        var changed = true
        while changed {
            changed = false
            for type in schema.types {
                guard let height = height(of: type, in: schema), height < heights[type.name] ?? Int.max else {
                    continue
                }
                heights[type.name] = height
                changed = true
            }
        }
    }

    /// The height of a type reference's shallowest value.
    /// - Parameter type: the type.
    /// - Returns: the height; nil when the type has no finite value. Unknown names count as scalars.
    func height(_ type: TypeRef) -> Int? {
        switch type {
        case .array: 0
        case .named(let name): heights[name] ?? (typeNames.contains(name) ? nil : 0)
        }
    }

    /// Whether a value of the type can be built at all.
    /// - Parameter type: the type.
    /// - Returns: false for types that contain themselves without an optional member, a list or
    ///   another branch as a way out.
    func isFinite(_ type: TypeRef) -> Bool { height(type) != nil }

    /// A type's height from the heights known so far; nil while it cannot be built from them.
    private func height(of type: SchemaType, in schema: Schema) -> Int? {
        switch type.kind {
        case .builtin, .enumeration: return 0
        case .alternate(let alternate): return alternate.branches.compactMap { height($0.type) }.min().map { $0 + 1 }
        case .object(let object):
            var tallest = 0
            for member in object.members where !member.isOptional {
                guard let memberHeight = height(member.type) else { return nil }
                tallest = max(tallest, memberHeight)
            }
            if let variants = object.variants, !variants.cases.isEmpty {
                guard let branch = variants.cases.compactMap({ branchHeight($0, of: object, in: schema) }).min() else {
                    return nil
                }
                tallest = max(tallest, branch)
            }
            return tallest + 1
        }
    }

    /// The height a union variant adds: its object's height, 0 when it names no object type.
    /// - Parameters:
    ///   - variant: the variant.
    ///   - union: the union it is a variant of.
    ///   - schema: the schema.
    /// - Returns: the height; nil when the variant's object has no finite value or is the union
    ///   itself (whose members would be flattened into themselves without end).
    func branchHeight(_ variant: ObjectType.Variants.Variant, of union: ObjectType, in schema: Schema) -> Int? {
        guard let branch = schema.object(variant.type) else { return 0 }
        return branch == union ? nil : height(variant.type)
    }
}
