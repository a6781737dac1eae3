import Foundation

/// The resolved QAPI schema of one build: every command, event and type, with references
/// resolved, unions flattened onto their base, conditions, features and docs kept.
///
/// Both ways in produce it: `QAPISchemaLoader` from QAPI source files, `IntrospectionLoader` from
/// a `query-qmp-schema` reply. Generators, the validator and the oracle read it; `SchemaDiff`
/// compares two of them. It is a value: filtering by `--define` returns a new schema.
public struct Schema: Sendable {
    /// Where the schema came from.
    public enum Origin: Sendable, Hashable {
        /// QAPI source: the files read, the top file first.
        case source(files: [String])
        /// A `query-qmp-schema` reply (type names may be obfuscated).
        case introspection
    }

    /// Where the schema came from.
    public var origin: Origin
    /// Every named type, in definition order (implicit types right after their owner).
    public private(set) var types: [SchemaType]
    /// Every command, in definition order.
    public private(set) var commands: [Command]
    /// Every event, in definition order.
    public private(set) var events: [Event]
    /// The merged `pragma` directives of source schemas.
    public var pragmas: JSONObject

    private var typeIndex: [String: Int]
    private var commandIndex: [String: Int]
    private var eventIndex: [String: Int]

    /// Creates a schema from resolved parts (names must be unique within each list).
    /// - Parameters:
    ///   - origin: where it came from.
    ///   - types: the named types.
    ///   - commands: the commands.
    ///   - events: the events.
    ///   - pragmas: pragma settings, if any.
    public init(origin: Origin, types: [SchemaType], commands: [Command], events: [Event], pragmas: JSONObject = [:]) {
        self.init(
            origin: origin, types: types, typeIndex: Self.index(types.map(\.name)), commands: commands, events: events,
            pragmas: pragmas)
    }

    /// Creates a schema whose type index the caller already has (each name to its first position).
    init(
        origin: Origin, types: [SchemaType], typeIndex: [String: Int], commands: [Command], events: [Event],
        pragmas: JSONObject
    ) {
        self.origin = origin
        self.types = types
        self.commands = commands
        self.events = events
        self.pragmas = pragmas
        self.typeIndex = typeIndex
        commandIndex = Self.index(commands.map(\.name))
        eventIndex = Self.index(events.map(\.name))
    }

    private static func index(_ names: [String]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(names.count)
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        return index
    }

    /// The type with a name.
    public func type(named name: String) -> SchemaType? { typeIndex[name].map { types[$0] } }
    /// The command with a name.
    public func command(named name: String) -> Command? { commandIndex[name].map { commands[$0] } }
    /// The event with a name.
    public func event(named name: String) -> Event? { eventIndex[name].map { events[$0] } }

    /// The object content of a type reference, when it names an object type.
    public func object(_ reference: TypeRef?) -> ObjectType? {
        guard case .named(let name)? = reference else { return nil }
        return type(named: name)?.object
    }

    /// The argument members of a command (an empty list when it takes none).
    public func argumentMembers(of command: Command) -> [Member] { object(command.arguments)?.members ?? [] }

    /// The files a source schema was read from (empty for introspection).
    public var files: [String] {
        if case .source(let files) = origin { files } else { [] }
    }

    /// A file's path relative to the directory of the schema's top file (as given when it is
    /// elsewhere), so that names and origins do not depend on where the tree sits or on how
    /// the top file was named (relative or absolute).
    /// - Parameter file: a file of the schema.
    /// - Returns: the relative path.
    func relativePath(_ file: String) -> String {
        guard let top = files.first else { return file }
        let root = URL(fileURLWithPath: top).deletingLastPathComponent().standardizedFileURL.path + "/"
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : file
    }

    /// Every configuration symbol any condition in the schema mentions, sorted.
    public var conditionNames: [String] {
        var names: Set<String> = []
        func add(_ condition: Condition?) { if let condition { names.formUnion(condition.names) } }
        func add(_ features: [Feature]) { features.forEach { add($0.condition) } }
        for type in types {
            add(type.condition)
            add(type.features)
            switch type.kind {
            case .object(let object):
                object.members.forEach {
                    add($0.condition)
                    add($0.features)
                }
                object.variants?.cases.forEach { add($0.condition) }
            case .enumeration(let enumeration):
                enumeration.values.forEach {
                    add($0.condition)
                    add($0.features)
                }
            case .alternate(let alternate): alternate.branches.forEach { add($0.condition) }
            case .builtin: break
            }
        }
        commands.forEach {
            add($0.condition)
            add($0.features)
        }
        events.forEach {
            add($0.condition)
            add($0.features)
        }
        return names.sorted()
    }

    /// The schema of one build configuration: everything whose condition fails is removed, and
    /// what remains carries no condition.
    /// - Parameter defines: the configuration symbols that are set (`--define`).
    /// - Returns: the filtered schema.
    public func applying(defines: Set<String>) -> Schema {
        func holds(_ condition: Condition?) -> Bool { condition?.evaluate(defines: defines) ?? true }
        func features(_ list: [Feature]) -> [Feature] {
            list.filter { holds($0.condition) }.map { Feature($0.name) }
        }
        func members(_ list: [Member]) -> [Member] {
            list.filter { holds($0.condition) }.map {
                var member = $0
                member.condition = nil
                member.features = features(member.features)
                return member
            }
        }
        let keptTypes: [SchemaType] = types.filter { holds($0.condition) }.map { type in
            var type = type
            type.condition = nil
            type.features = features(type.features)
            switch type.kind {
            case .object(var object):
                object.members = members(object.members)
                if var variants = object.variants {
                    variants.cases = variants.cases.filter { holds($0.condition) }.map {
                        var variant = $0
                        variant.condition = nil
                        return variant
                    }
                    object.variants = variants
                }
                type.kind = .object(object)
            case .enumeration(var enumeration):
                enumeration.values = enumeration.values.filter { holds($0.condition) }.map {
                    EnumType.Value($0.name, features: features($0.features), documentation: $0.documentation)
                }
                type.kind = .enumeration(enumeration)
            case .alternate(var alternate):
                alternate.branches = alternate.branches.filter { holds($0.condition) }.map {
                    AlternateType.Branch(name: $0.name, type: $0.type)
                }
                type.kind = .alternate(alternate)
            case .builtin: break
            }
            return type
        }
        let keptCommands = commands.filter { holds($0.condition) }.map {
            var command = $0
            command.condition = nil
            command.features = features(command.features)
            return command
        }
        let keptEvents = events.filter { holds($0.condition) }.map {
            var event = $0
            event.condition = nil
            event.features = features(event.features)
            return event
        }
        return Schema(origin: origin, types: keptTypes, commands: keptCommands, events: keptEvents, pragmas: pragmas)
    }
}
