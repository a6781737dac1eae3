/// Decides whether a JSON value conforms to a type of a `Schema`, and if not, lists every
/// violation with its JSON path and rule.
///
/// One validator serves three jobs: cross-checking generated cases (each valid case validates;
/// each invalid case breaks exactly its stated rule), and, in the oracle, checking replies
/// against `returns` and events against their data type. It does not know about QEMU's
/// messages; it knows the schema's rules.
public struct ValueValidator: Sendable {
    /// Which extra object members are tolerated.
    public enum ExtraMembers: String, Sendable, Hashable, CaseIterable {
        /// None (what servers must apply to arguments).
        case strict
        /// Only downstream extensions, named with the `__` prefix (QMP spec section 6): what a
        /// client may see in replies and events of a downstream build.
        case downstream
        /// Any (a lenient check of replies).
        case any
    }

    /// One broken rule.
    public struct Violation: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The rule.
        public var rule: ValidationRule
        /// Where, relative to the validated value.
        public var path: JSONPath
        /// What is wrong, in words: `expected integer, got string`.
        public var message: String

        public var description: String { "\(path): \(rule.rawValue): \(message)" }

        public static func < (lhs: Violation, rhs: Violation) -> Bool { (lhs.path, lhs.rule) < (rhs.path, rhs.rule) }
    }

    /// The schema types are looked up in.
    public let schema: Schema
    /// Which extra members are tolerated.
    public var extraMembers: ExtraMembers
    /// Features whose members the endpoint's output policy hides (`-compat
    /// deprecated-output=hide`): a required member carrying one of them may be absent.
    public var hiddenFeatures: Set<String> = []

    /// Creates a validator.
    /// - Parameters:
    ///   - schema: the schema.
    ///   - extraMembers: which unknown members to tolerate.
    public init(schema: Schema, extraMembers: ExtraMembers = .strict) {
        self.schema = schema
        self.extraMembers = extraMembers
    }

    /// Validates a command's `arguments` as a server must: absent is `{}`, a non-object is a
    /// violation, and a command without arguments accepts only `{}`.
    /// - Parameters:
    ///   - arguments: the `arguments` value, nil when absent.
    ///   - command: the command.
    /// - Returns: every violation, sorted by path.
    public func validateArguments(_ arguments: JSONValue?, of command: Command) -> [Violation] {
        let value = arguments ?? .object([:])
        guard case .object(let object) = value else {
            return [
                Violation(
                    rule: .argumentsNotObject, path: .root,
                    message: "arguments must be an object, got \(value.kind.rawValue)")
            ]
        }
        guard let type = command.arguments else {
            return object.keys.map {
                Violation(
                    rule: .unknownMember, path: JSONPath.root.appending($0),
                    message: "'\(command.name)' takes no arguments")
            }
        }
        var violations: [Violation] = []
        check(value, type, at: .root, into: &violations)
        return violations.sorted()
    }

    /// Validates a value against a type.
    /// - Parameters:
    ///   - value: the value.
    ///   - type: the type.
    /// - Returns: every violation, sorted by path.
    public func validate(_ value: JSONValue, against type: TypeRef) -> [Violation] {
        var violations: [Violation] = []
        check(value, type, at: .root, into: &violations)
        return violations.sorted()
    }

    // MARK: Checking

    private func check(_ value: JSONValue, _ type: TypeRef, at path: JSONPath, into violations: inout [Violation]) {
        switch type {
        case .array(let element):
            guard case .array(let elements) = value else {
                violations.append(wrongKind(value, expected: "array", at: path))
                return
            }
            for (index, item) in elements.enumerated() {
                check(item, element, at: path.appending(index: index), into: &violations)
            }
        case .named(let name):
            guard let named = schema.type(named: name) else {
                violations.append(
                    Violation(rule: .wrongType, path: path, message: "type '\(name)' is not in the schema"))
                return
            }
            switch named.kind {
            case .builtin(let builtin): checkBuiltin(value, builtin, at: path, into: &violations)
            case .enumeration(let enumeration):
                guard case .string(let text) = value else {
                    violations.append(wrongKind(value, expected: "string", at: path))
                    return
                }
                if !enumeration.values.contains(where: { $0.name == text }) {
                    violations.append(
                        Violation(
                            rule: .unknownEnumValue, path: path, message: "'\(text)' is not a value of enum '\(name)'"))
                }
            case .object(let object): checkObject(value, object, at: path, into: &violations)
            case .alternate(let alternate):
                guard let branch = branch(of: alternate, accepting: value) else {
                    let kinds = alternate.branches.map { IntrospectionRenderer.wireKind($0.type, in: schema) }
                    violations.append(
                        Violation(
                            rule: .noAlternateBranch, path: path,
                            message:
                                "no branch of alternate '\(name)' accepts a JSON \(value.kind.rawValue) (accepts: \(kinds.joined(separator: ", ")))"
                        ))
                    return
                }
                check(value, branch.type, at: path, into: &violations)
            }
        }
    }

    private func wrongKind(_ value: JSONValue, expected: String, at path: JSONPath) -> Violation {
        Violation(rule: .wrongType, path: path, message: "expected \(expected), got \(value.kind.rawValue)")
    }

    private func checkBuiltin(
        _ value: JSONValue, _ builtin: BuiltinType, at path: JSONPath, into violations: inout [Violation]
    ) {
        switch builtin {
        case .any: return
        case .str: if value.kind != .string { violations.append(wrongKind(value, expected: "string", at: path)) }
        case .bool: if value.kind != .boolean { violations.append(wrongKind(value, expected: "boolean", at: path)) }
        case .null: if value.kind != .null { violations.append(wrongKind(value, expected: "null", at: path)) }
        case .number:
            if value.kind != .integer && value.kind != .number {
                violations.append(wrongKind(value, expected: "number", at: path))
            }
        default:
            guard let range = builtin.integerRange else { return }
            switch value {
            case .int(let number):
                if !builtin.admits(number) {
                    violations.append(outOfRange(value, builtin, range, at: path))
                }
            case .uint(let number):
                if number > range.max { violations.append(outOfRange(value, builtin, range, at: path)) }
            default:
                violations.append(wrongKind(value, expected: "integer", at: path))
            }
        }
    }

    private func outOfRange(
        _ value: JSONValue, _ builtin: BuiltinType, _ range: (min: Int64, max: UInt64), at path: JSONPath
    ) -> Violation {
        Violation(
            rule: .outOfRange, path: path,
            message:
                "\(value) is outside \(builtin == .anyInteger ? "int" : builtin.rawValue) range \(range.min)...\(range.max)"
        )
    }

    /// The branch an alternate would pick for a value, by JSON kind (as QEMU does by QType).
    func branch(of alternate: AlternateType, accepting value: JSONValue) -> AlternateType.Branch? {
        alternate.branches.first { branch in
            let kind = IntrospectionRenderer.wireKind(branch.type, in: schema)
            switch value.kind {
            case .string: return kind == "string"
            case .integer: return kind == "int" || kind == "number"
            case .number: return kind == "number"
            case .boolean: return kind == "boolean"
            case .null: return kind == "null"
            case .array: return kind == "array"
            case .object: return kind == "object"
            }
        }
    }

    private func checkObject(
        _ value: JSONValue, _ object: ObjectType, at path: JSONPath, into violations: inout [Violation]
    ) {
        guard case .object(let members) = value else {
            violations.append(wrongKind(value, expected: "object", at: path))
            return
        }
        var known: Set<String> = []
        var acceptsExtra = object.acceptsExtraMembers
        var layer: ObjectType? = object
        // A union variant may be a union; one that leads back to a layer already checked ends the walk.
        var layered: Set<String> = []
        while let current = layer {
            layer = nil
            acceptsExtra = acceptsExtra || current.acceptsExtraMembers
            for member in current.members {
                known.insert(member.name)
                let memberPath = path.appending(member.name)
                let isTag = current.variants?.tag == member.name
                guard let memberValue = members[member.name] else {
                    if !member.isOptional, !member.features.contains(where: { hiddenFeatures.contains($0.name) }) {
                        violations.append(
                            Violation(
                                rule: isTag ? .missingDiscriminator : .missingMember, path: memberPath,
                                message: "required member '\(member.name)' is missing"))
                    }
                    continue
                }
                if isTag, case .string(let tag) = memberValue, let values = tagValues(member), !values.contains(tag) {
                    violations.append(
                        Violation(
                            rule: .unknownDiscriminator, path: memberPath,
                            message: "'\(tag)' selects no branch: not a value of the discriminator's enum"))
                    continue
                }
                check(memberValue, member.type, at: memberPath, into: &violations)
            }
            if let variants = current.variants, case .string(let tag)? = members[variants.tag],
                let variant = variants.variant(named: tag), layered.insert(variant.type.description).inserted
            {
                layer = schema.object(variant.type)
            }
        }
        guard !acceptsExtra else { return }
        for key in members.keys where !known.contains(key) {
            if toleratesExtraMember(key) { continue }
            violations.append(
                Violation(rule: .unknownMember, path: path.appending(key), message: "member '\(key)' is not defined"))
        }
    }

    /// Whether a member the type does not define is tolerated under `extraMembers`.
    /// - Parameter key: the member name.
    /// - Returns: true for any name under `.any`, for `__`-prefixed names under `.downstream`.
    public func toleratesExtraMember(_ key: String) -> Bool {
        extraMembers == .any || (extraMembers == .downstream && key.hasPrefix("__"))
    }

    /// The values a union's tag may take (its enum's values).
    private func tagValues(_ member: Member) -> [String]? {
        guard case .named(let name) = member.type else { return nil }
        return schema.type(named: name)?.enumeration?.names
    }
}
