import Foundation

/// The walk behind `SchemaDiff.compare`: pairs up commands, events and types of two schemas and
/// records each difference with its compatibility for the directions the type travels in.
struct SchemaComparison {
    /// Which way a type travels: into the server (arguments) or out of it (returns, events).
    enum Direction: Hashable {
        case input, output
    }

    /// The kinds of difference, each with a compatibility rule per direction.
    enum Difference {
        case memberAdded(optional: Bool)
        case memberRemoved(wasOptional: Bool)
        case becameRequired, becameOptional
        case valueAdded, valueRemoved, branchAdded, branchRemoved, kindChanged, rangeWidened, rangeNarrowed

        func compatibility(_ direction: Direction) -> SchemaDiff.Change.Compatibility {
            let breaksInput: Bool
            let breaksOutput: Bool
            switch self {
            case .memberAdded(let optional): (breaksInput, breaksOutput) = (!optional, false)
            case .memberRemoved(let wasOptional): (breaksInput, breaksOutput) = (true, !wasOptional)
            case .becameRequired: (breaksInput, breaksOutput) = (true, false)
            case .becameOptional: (breaksInput, breaksOutput) = (false, true)
            case .valueAdded, .branchAdded: (breaksInput, breaksOutput) = (false, false)
            case .valueRemoved, .branchRemoved: (breaksInput, breaksOutput) = (true, false)
            case .kindChanged: (breaksInput, breaksOutput) = (true, true)
            case .rangeWidened: (breaksInput, breaksOutput) = (false, true)
            case .rangeNarrowed: (breaksInput, breaksOutput) = (true, false)
            }
            return (direction == .input ? breaksInput : breaksOutput) ? .breaking : .compatible
        }
    }

    /// What the definition being compared says of itself: its `Since:` release on each side and
    /// whether it is unstable. Changes inside it inherit this unless they say otherwise.
    struct Scope {
        var oldDoc: DocComment?
        var newDoc: DocComment?
        var isUnstable = false

        /// The scope of one definition compared on both sides.
        init(old: DocComment?, new: DocComment?, unstable: Bool) {
            oldDoc = old
            newDoc = new
            isUnstable = unstable
        }

        init() {}
    }

    let old: Schema
    let new: Schema
    let downstream: Bool
    /// Whether type names mean the same thing on both sides (both from source).
    let byName: Bool
    var changes: [SchemaDiff.Change] = []
    private var visited: Set<[String]> = []
    private var usage: [String: Set<Direction>] = [:]
    private var scope = Scope()

    init(old: Schema, new: Schema, downstream: Bool) {
        self.old = old
        self.new = new
        self.downstream = downstream
        byName = old.origin != .introspection && new.origin != .introspection
    }

    mutating func run() {
        compareIncludes()
        compareCommands()
        compareEvents()
        if byName {
            usage = Self.usage(of: old).merging(Self.usage(of: new)) { $0.union($1) }
            compareNamedTypes()
        }
    }

    // MARK: Top level

    private mutating func compareIncludes() {
        func names(_ schema: Schema) -> Set<String> { Set(schema.files.dropFirst().map(schema.relativePath)) }
        guard !old.files.isEmpty, !new.files.isEmpty else { return }
        let (before, after) = (names(old), names(new))
        for file in after.subtracting(before) {
            record("include '\(file)'", .added, "file now included", .compatible, aspect: .include)
        }
        for file in before.subtracting(after) {
            record("include '\(file)'", .removed, "file no longer included", .compatible, aspect: .include)
        }
    }

    /// Definitions only in `new`, only in `old`, and in both (paired by name), in `old`'s order.
    static func pairs<T>(_ old: [T], _ new: [T], name: (T) -> String) -> (added: [T], removed: [T], common: [(T, T)]) {
        let oldNames = Set(old.map(name))
        let newByName = Dictionary(new.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        let added = new.filter { !oldNames.contains(name($0)) }
        let removed = old.filter { newByName[name($0)] == nil }
        let common = old.compactMap { item in newByName[name(item)].map { (item, $0) } }
        return (added, removed, common)
    }

    private mutating func compareCommands() {
        let (added, removed, common) = Self.pairs(old.commands, new.commands, name: \.name)
        for command in added {
            scope = Scope(old: nil, new: command.doc, unstable: Self.isUnstable(command.name, command.features))
            record(
                "command '\(command.name)'", .added, "new command", .compatible, aspect: .definition,
                name: command.name)
        }
        for command in removed {
            scope = Scope(old: command.doc, new: nil, unstable: Self.isUnstable(command.name, command.features))
            record(
                "command '\(command.name)'", .removed, "command removed", .breaking, aspect: .definition,
                name: command.name)
        }
        for (command, counterpart) in common {
            scope = Scope(
                old: command.doc, new: counterpart.doc,
                unstable: Self.isUnstable(command.name, command.features + counterpart.features))
            let subject = "command '\(command.name)'"
            compareData(
                command.arguments, counterpart.arguments, subject: subject, path: "arguments", direction: .input)
            compareData(command.returns, counterpart.returns, subject: subject, path: "returns", direction: .output)
            if command.allowsOOB != counterpart.allowsOOB {
                record(
                    subject, .changed, counterpart.allowsOOB ? "now allows exec-oob" : "no longer allows exec-oob",
                    counterpart.allowsOOB ? .compatible : .breaking, aspect: .oob)
            }
            compareFeatures(command.features, counterpart.features, subject: subject)
        }
    }

    private mutating func compareEvents() {
        let (added, removed, common) = Self.pairs(old.events, new.events, name: \.name)
        for event in added {
            scope = Scope(old: nil, new: event.doc, unstable: Self.isUnstable(event.name, event.features))
            record("event '\(event.name)'", .added, "new event", .compatible, aspect: .definition, name: event.name)
        }
        for event in removed {
            scope = Scope(old: event.doc, new: nil, unstable: Self.isUnstable(event.name, event.features))
            record(
                "event '\(event.name)'", .removed, "event removed", .breaking, aspect: .definition, name: event.name)
        }
        for (event, counterpart) in common {
            scope = Scope(
                old: event.doc, new: counterpart.doc,
                unstable: Self.isUnstable(event.name, event.features + counterpart.features))
            let subject = "event '\(event.name)'"
            compareData(event.data, counterpart.data, subject: subject, path: "data", direction: .output)
            compareFeatures(event.features, counterpart.features, subject: subject)
        }
    }

    private mutating func compareNamedTypes() {
        let isNamed: (SchemaType) -> Bool = { $0.origin != .implicit && $0.origin != .builtin }
        let (added, removed, common) = Self.pairs(old.types.filter(isNamed), new.types.filter(isNamed), name: \.name)
        for type in added {
            scope = Scope(old: nil, new: type.doc, unstable: Self.isUnstable(type.name, type.features))
            // Type names are not on the wire (introspection hides them): no naming rule for them.
            record("type '\(type.name)'", .added, "new \(type.metaTypeName)", .compatible, aspect: .definition)
        }
        for type in removed {
            scope = Scope(old: type.doc, new: nil, unstable: Self.isUnstable(type.name, type.features))
            record(
                "type '\(type.name)'", .removed, "\(type.metaTypeName) removed", .compatible, aspect: .definition)
        }
        for (type, counterpart) in common {
            scope = Scope(
                old: type.doc, new: counterpart.doc,
                unstable: Self.isUnstable(type.name, type.features + counterpart.features))
            compareKinds(
                type, counterpart, subject: "type '\(type.name)'", path: "", directions: usage[type.name] ?? [])
        }
    }

    private mutating func compareFeatures(_ before: [Feature], _ after: [Feature], subject: String) {
        let (oldNames, newNames) = (Set(before.map(\.name)), Set(after.map(\.name)))
        for name in newNames.subtracting(oldNames).sorted() {
            record(subject, .changed, "feature '\(name)' added", .compatible, aspect: .feature)
        }
        for name in oldNames.subtracting(newNames).sorted() {
            record(subject, .changed, "feature '\(name)' removed", .compatible, aspect: .feature)
        }
    }

    // MARK: Types

    /// Arguments, returns or event data: nil means none (an empty object).
    private mutating func compareData(
        _ before: TypeRef?, _ after: TypeRef?, subject: String, path: String, direction: Direction
    ) {
        switch (before, after) {
        case (nil, nil): return
        case (let before?, let after?):
            compare(before, after, subject: subject, path: path, directions: [direction])
        case (nil, let after?):
            for member in new.object(after)?.members ?? [] {
                recordMember(member, added: true, subject: subject, path: path, directions: [direction])
            }
        case (let before?, nil):
            for member in old.object(before)?.members ?? [] {
                recordMember(member, added: false, subject: subject, path: path, directions: [direction])
            }
        }
    }

    private mutating func compare(
        _ before: TypeRef, _ after: TypeRef, subject: String, path: String, directions: Set<Direction>
    ) {
        switch (before, after) {
        case (.array(let oldElement), .array(let newElement)):
            compare(oldElement, newElement, subject: subject, path: path + "[]", directions: directions)
        case (.named(let oldName), .named(let newName)):
            guard let oldType = old.type(named: oldName), let newType = new.type(named: newName) else { return }
            if byName, oldName == newName, oldType.origin != .implicit, oldType.origin != .builtin {
                return  // compared once, as a named type
            }
            let key = [
                oldName, newName, subject, directions.contains(.input) ? "i" : "",
                directions.contains(.output) ? "o" : "",
            ]
            guard visited.insert(key).inserted else { return }
            compareKinds(oldType, newType, subject: subject, path: path, directions: directions)
        default:
            difference(
                .kindChanged, subject: subject, path: path, "type changed from \(before) to \(after)", directions)
        }
    }

    private mutating func compareKinds(
        _ before: SchemaType, _ after: SchemaType, subject: String, path: String, directions: Set<Direction>
    ) {
        let outer = scope
        defer { scope = outer }
        scope.oldDoc = before.doc ?? scope.oldDoc
        scope.newDoc = after.doc ?? scope.newDoc
        switch (before.kind, after.kind) {
        case (.builtin(let oldBuiltin), .builtin(let newBuiltin)):
            compareBuiltins(oldBuiltin, newBuiltin, subject: subject, path: path, directions: directions)
        case (.enumeration(let oldEnum), .enumeration(let newEnum)):
            let (oldValues, newValues) = (oldEnum.names, newEnum.names)
            for value in newEnum.values where !oldValues.contains(value.name) {
                difference(
                    .valueAdded, subject: subject, path: path, "enum value '\(value.name)' added", directions,
                    item: item(value.name, value.features, value.documentation, side: .new))
            }
            for value in oldEnum.values where !newValues.contains(value.name) {
                difference(
                    .valueRemoved, subject: subject, path: path, "enum value '\(value.name)' removed", directions,
                    item: item(value.name, value.features, value.documentation, side: .old))
            }
        case (.object(let oldObject), .object(let newObject)):
            compareObjects(oldObject, newObject, subject: subject, path: path, directions: directions)
        case (.alternate(let oldAlternate), .alternate(let newAlternate)):
            let describe: (AlternateType.Branch, Schema) -> String = { branch, schema in
                IntrospectionRenderer.wireKind(branch.type, in: schema)
            }
            let oldKinds = Set(oldAlternate.branches.map { describe($0, old) })
            let newKinds = Set(newAlternate.branches.map { describe($0, new) })
            for kind in newKinds.subtracting(oldKinds).sorted() {
                difference(
                    .branchAdded, subject: subject, path: path, "alternate now accepts a JSON \(kind)", directions)
            }
            for kind in oldKinds.subtracting(newKinds).sorted() {
                difference(
                    .branchRemoved, subject: subject, path: path, "alternate no longer accepts a JSON \(kind)",
                    directions)
            }
        default:
            difference(
                .kindChanged, subject: subject, path: path,
                "changed from \(before.metaTypeName) to \(after.metaTypeName)", directions)
        }
    }

    private mutating func compareBuiltins(
        _ before: BuiltinType, _ after: BuiltinType, subject: String, path: String, directions: Set<Direction>
    ) {
        guard before != after else { return }
        if let oldRange = before.integerRange, let newRange = after.integerRange {
            // Introspection collapses every integer type into `int`: no range to compare then.
            if before == .anyInteger || after == .anyInteger { return }
            let widened = newRange.min <= oldRange.min && newRange.max >= oldRange.max
            difference(
                widened ? .rangeWidened : .rangeNarrowed, subject: subject, path: path,
                "integer type changed from \(before) to \(after)", directions)
            return
        }
        difference(
            .kindChanged, subject: subject, path: path, "type changed from \(before.rawValue) to \(after.rawValue)",
            directions)
    }

    private mutating func compareObjects(
        _ before: ObjectType, _ after: ObjectType, subject: String, path: String, directions: Set<Direction>
    ) {
        for member in after.members where before.member(named: member.name) == nil {
            recordMember(member, added: true, subject: subject, path: path, directions: directions)
        }
        for member in before.members {
            guard let counterpart = after.member(named: member.name) else {
                recordMember(member, added: false, subject: subject, path: path, directions: directions)
                continue
            }
            let memberPath = join(path, member.name)
            if member.isOptional && !counterpart.isOptional {
                difference(
                    .becameRequired, subject: subject, path: memberPath, "optional member became required", directions)
            } else if !member.isOptional && counterpart.isOptional {
                difference(
                    .becameOptional, subject: subject, path: memberPath, "required member became optional", directions)
            }
            compare(member.type, counterpart.type, subject: subject, path: memberPath, directions: directions)
        }
        switch (before.variants, after.variants) {
        case (nil, nil): break
        case (var oldVariants?, var newVariants?):
            // A branch without members is the same as no branch: introspection lists one for
            // every tag value, source schemas only those with members.
            oldVariants.cases.removeAll { Self.isEmptyObject($0.type, in: old) }
            newVariants.cases.removeAll { Self.isEmptyObject($0.type, in: new) }
            if oldVariants.tag != newVariants.tag {
                difference(
                    .kindChanged, subject: subject, path: path,
                    "discriminator changed from '\(oldVariants.tag)' to '\(newVariants.tag)'", directions)
                return
            }
            for variant in newVariants.cases where oldVariants.variant(named: variant.name) == nil {
                let members = new.object(variant.type)?.members.map(\.name) ?? []
                let detail =
                    "branch '\(variant.name)' added"
                    + (members.isEmpty ? "" : " (members: \(members.joined(separator: ", ")))")
                difference(
                    .branchAdded, subject: subject, path: path, detail, directions,
                    item: item(variant.name, [], nil, side: .new))
            }
            for variant in oldVariants.cases {
                guard let counterpart = newVariants.variant(named: variant.name) else {
                    difference(
                        .branchRemoved, subject: subject, path: path, "branch '\(variant.name)' removed", directions,
                        item: item(variant.name, [], nil, side: .old))
                    continue
                }
                compare(
                    variant.type, counterpart.type, subject: subject, path: join(path, "(\(variant.name))"),
                    directions: directions)
            }
        default:
            difference(
                .kindChanged, subject: subject, path: path,
                after.variants == nil ? "union became a struct" : "struct became a union", directions)
        }
    }

    private mutating func recordMember(
        _ member: Member, added: Bool, subject: String, path: String, directions: Set<Direction>
    ) {
        let what = member.isOptional ? "optional member" : "member"
        let named = item(member.name, member.features, member.documentation, side: added ? .new : .old)
        if added {
            difference(
                .memberAdded(optional: member.isOptional), subject: subject, path: path,
                "\(what) '\(member.name)' added", directions, item: named)
        } else {
            difference(
                .memberRemoved(wasOptional: member.isOptional), subject: subject, path: path,
                "\(what) '\(member.name)' removed", directions, item: named)
        }
    }

    private static func isEmptyObject(_ reference: TypeRef, in schema: Schema) -> Bool {
        guard let object = schema.object(reference) else { return false }
        return object.members.isEmpty && object.variants == nil
    }

    private func join(_ path: String, _ component: String) -> String {
        path.isEmpty ? component : "\(path).\(component)"
    }

    // MARK: Recording

    /// An added or removed name inside a definition, with what its own documentation and
    /// features say.
    struct Item {
        var name: String
        var since: Version?
        var isUnstable: Bool
    }

    /// Which schema an item is read from.
    enum Side {
        case old, new
    }

    /// An item named `name`: its own `(since X.Y)`, else what the enclosing definition's doc on
    /// that side says of it or of itself; unstable when it or its definition is.
    private func item(_ name: String, _ features: [Feature], _ documentation: String?, side: Side) -> Item {
        let doc = side == .old ? scope.oldDoc : scope.newDoc
        return Item(
            name: name,
            since: documentation.flatMap(DocComment.since(inDescription:)) ?? doc?.since(ofItem: name) ?? doc?.since,
            isUnstable: scope.isUnstable || Self.isUnstable(name, features))
    }

    /// Whether a name or its features mark it outside the stable interface (`x-` names, the
    /// `unstable` feature).
    static func isUnstable(_ name: String, _ features: [Feature]) -> Bool {
        name.hasPrefix("x-") || features.contains { $0.name == "unstable" }
    }

    private mutating func difference(
        _ difference: Difference, subject: String, path: String, _ detail: String, _ directions: Set<Direction>,
        item: Item? = nil
    ) {
        let compatibility = directions.map { difference.compatibility($0) }.max() ?? .compatible
        let (kind, aspect): (SchemaDiff.Change.Kind, SchemaDiff.Change.Aspect) =
            switch difference {
            case .memberAdded: (.added, .member)
            case .valueAdded: (.added, .enumValue)
            case .branchAdded: (.added, .branch)
            case .memberRemoved: (.removed, .member)
            case .valueRemoved: (.removed, .enumValue)
            case .branchRemoved: (.removed, .branch)
            case .becameRequired, .becameOptional: (.changed, .member)
            case .kindChanged, .rangeWidened, .rangeNarrowed: (.changed, .type)
            }
        record(
            subject, kind, path.isEmpty ? detail : "\(path): \(detail)", compatibility, aspect: aspect,
            name: item?.name, since: item?.since, unstable: item?.isUnstable)
    }

    private mutating func record(
        _ subject: String, _ kind: SchemaDiff.Change.Kind, _ detail: String,
        _ compatibility: SchemaDiff.Change.Compatibility, aspect: SchemaDiff.Change.Aspect,
        name: String? = nil, since: Version? = nil, unstable: Bool? = nil
    ) {
        let violates = downstream && kind == .added && (name.map { !$0.hasPrefix("__") } ?? false)
        let side = (kind == .added ? scope.newDoc : scope.oldDoc)?.since
        changes.append(
            SchemaDiff.Change(
                subject: subject, kind: kind, detail: detail, compatibility: compatibility,
                violatesDownstreamNaming: violates, aspect: aspect, name: name, since: since ?? side,
                isUnstable: unstable ?? scope.isUnstable))
    }

    // MARK: Usage

    /// The directions each named type travels in, from the commands and events that reach it.
    static func usage(of schema: Schema) -> [String: Set<Direction>] {
        var usage: [String: Set<Direction>] = [:]
        var queue: [(String, Direction)] = []
        func visit(_ reference: TypeRef?, _ direction: Direction) {
            guard let reference else { return }
            let name = reference.elementName
            if usage[name, default: []].insert(direction).inserted { queue.append((name, direction)) }
        }
        schema.commands.forEach {
            visit($0.arguments, .input)
            visit($0.returns, .output)
        }
        schema.events.forEach { visit($0.data, .output) }
        while let (name, direction) = queue.popLast() {
            guard let type = schema.type(named: name) else { continue }
            switch type.kind {
            case .object(let object):
                object.members.forEach { visit($0.type, direction) }
                object.variants?.cases.forEach { visit($0.type, direction) }
                if let base = object.base { visit(.named(base), direction) }
            case .alternate(let alternate): alternate.branches.forEach { visit($0.type, direction) }
            case .builtin, .enumeration: break
            }
        }
        return usage
    }
}

extension IntrospectionRenderer {
    /// The JSON kind a type occupies on the wire (`string`, `int`, `object`, `array`, ...).
    static func wireKind(_ reference: TypeRef, in schema: Schema) -> String {
        if case .array = reference { return "array" }
        switch schema.type(named: reference.elementName)?.kind {
        case .builtin(let builtin)?: return builtin.jsonType
        case .enumeration?: return "string"
        case .object?: return "object"
        case .alternate?: return "alternate"
        case nil: return "unknown"
        }
    }
}
