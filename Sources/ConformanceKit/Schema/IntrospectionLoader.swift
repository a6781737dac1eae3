/// Reads a `query-qmp-schema` return value (a list of `SchemaInfo` entries) into a `Schema`: the
/// second way in, beside QAPI source.
///
/// Type names may be obfuscated numbers; array entries become `TypeRef.array`; every integer
/// type is introspection's `int` (`BuiltinType.anyInteger`). Commands and events whose
/// argument or return type is an empty object get nil, as in source schemas.
public enum IntrospectionLoader {
    /// Loads introspection entries.
    /// - Parameters:
    ///   - value: the `return` value of `query-qmp-schema` (a JSON array).
    ///   - file: a label for diagnostics.
    /// - Returns: the schema.
    /// - Throws: `DiagnosticError` naming the malformed entry.
    public static func load(_ value: JSONValue, file: String = "<introspection>") throws(DiagnosticError) -> Schema {
        guard let entries = value.arrayValue else {
            throw DiagnosticError(
                Diagnostic(
                    .error, "introspection must be a JSON array of SchemaInfo objects",
                    at: SourceLocation(file: file, line: 1, column: 1)))
        }
        var reader = Reader(file: file)
        return try reader.read(entries)
    }

    private struct Reader {
        let file: String
        /// Each name to its entry, and to its element type when it is an array.
        var entryIndex: [String: (entry: Int, element: String?)] = [:]
        /// The entries' objects, by entry number.
        var objects: [JSONObject] = []

        func fault(_ message: String, entry: Int) -> DiagnosticError {
            DiagnosticError(
                Diagnostic(
                    .error, "introspection entry \(entry): \(message)",
                    at: SourceLocation(file: file, line: 1, column: 1),
                    hint: "the file must hold the unmodified 'return' value of query-qmp-schema"))
        }

        mutating func read(_ entries: [JSONValue]) throws(DiagnosticError) -> Schema {
            entryIndex.reserveCapacity(entries.count)
            objects.reserveCapacity(entries.count)
            for index in entries.indices {
                guard let object = entries[index].objectValue, let name = object["name"]?.stringValue,
                    let meta = object["meta-type"]?.stringValue
                else { throw fault("must be an object with string 'name' and 'meta-type'", entry: index) }
                var element: String?
                if meta == "array" {
                    guard let elementType = object["element-type"]?.stringValue else {
                        throw fault("array '\(name)' lacks 'element-type'", entry: index)
                    }
                    element = elementType
                }
                guard entryIndex.updateValue((index, element), forKey: name) == nil else {
                    throw fault("name '\(name)' is defined twice", entry: index)
                }
                objects.append(object)
            }
            var types: [SchemaType] = []
            var commands: [Command] = []
            var events: [Event] = []
            for index in objects.indices {
                let object = objects[index]
                guard let name = object["name"]?.stringValue, let meta = object["meta-type"]?.stringValue else {
                    continue
                }
                let features = Self.features(object["features"])
                switch meta {
                case "builtin":
                    guard let builtin = Self.builtin(jsonType: object["json-type"]?.stringValue) else {
                        throw fault("built-in '\(name)' has an unknown 'json-type'", entry: index)
                    }
                    types.append(
                        SchemaType(name: name, kind: .builtin(builtin), origin: .introspection, features: features))
                case "enum":
                    // 'members' (with features) since QEMU 6.2; 'values' before.
                    let values =
                        object["members"]?.arrayValue?.compactMap { member in
                            member["name"]?.stringValue.map {
                                EnumType.Value($0, features: Self.features(member["features"]))
                            }
                        } ?? object["values"]?.arrayValue?.compactMap { $0.stringValue.map { EnumType.Value($0) } }
                    guard let values else { throw fault("enum '\(name)' lacks 'values'", entry: index) }
                    types.append(
                        SchemaType(
                            name: name, kind: .enumeration(EnumType(values: values)), origin: .introspection,
                            features: features))
                case "object":
                    types.append(
                        SchemaType(
                            name: name, kind: .object(try readObject(object, name: name, entry: index)),
                            origin: .introspection, features: features))
                case "alternate":
                    guard let members = object["members"]?.arrayValue else {
                        throw fault("alternate '\(name)' lacks 'members'", entry: index)
                    }
                    var branches: [AlternateType.Branch] = []
                    for member in members {
                        guard let typeName = member["type"]?.stringValue else {
                            throw fault("alternate '\(name)' has a member without 'type'", entry: index)
                        }
                        let reference = try reference(typeName, entry: index)
                        branches.append(AlternateType.Branch(name: reference.description, type: reference))
                    }
                    types.append(
                        SchemaType(
                            name: name, kind: .alternate(AlternateType(branches: branches)), origin: .introspection,
                            features: features))
                case "array":
                    continue
                case "command":
                    commands.append(
                        Command(
                            name: name, arguments: try optionalObject(object["arg-type"], entry: index),
                            isBoxed: false, returns: try optionalReturn(object["ret-type"], entry: index),
                            allowsOOB: object["allow-oob"]?.boolValue ?? false, features: features))
                case "event":
                    events.append(
                        Event(
                            name: name, data: try optionalObject(object["arg-type"], entry: index), features: features))
                default:
                    throw fault("unknown meta-type '\(meta)' of '\(name)'", entry: index)
                }
            }
            return Schema(origin: .introspection, types: types, commands: commands, events: events)
        }

        static func builtin(jsonType: String?) -> BuiltinType? {
            switch jsonType {
            case "string": .str
            case "int": .anyInteger
            case "number": .number
            case "boolean": .bool
            case "null": .null
            case "value": .any
            default: nil
            }
        }

        func readObject(_ object: JSONObject, name: String, entry: Int) throws(DiagnosticError) -> ObjectType {
            guard let memberList = object["members"]?.arrayValue else {
                throw fault("object '\(name)' lacks 'members'", entry: entry)
            }
            var members: [Member] = []
            for member in memberList {
                guard let memberName = member["name"]?.stringValue, let typeName = member["type"]?.stringValue else {
                    throw fault("object '\(name)' has a member without 'name' or 'type'", entry: entry)
                }
                let features = Self.features(member["features"])
                members.append(
                    Member(
                        name: memberName, type: try reference(typeName, entry: entry),
                        isOptional: member.objectValue?["default"] != nil, features: features))
            }
            var variants: ObjectType.Variants?
            if let tag = object["tag"]?.stringValue {
                var cases: [ObjectType.Variants.Variant] = []
                for variant in object["variants"]?.arrayValue ?? [] {
                    guard let caseName = variant["case"]?.stringValue, let typeName = variant["type"]?.stringValue
                    else {
                        throw fault("union '\(name)' has a variant without 'case' or 'type'", entry: entry)
                    }
                    cases.append(.init(name: caseName, type: try reference(typeName, entry: entry)))
                }
                variants = .init(tag: tag, cases: cases)
            }
            return ObjectType(members: members, variants: variants)
        }

        /// The feature names of a `features` list.
        static func features(_ value: JSONValue?) -> [Feature] {
            guard case .array(let list)? = value, !list.isEmpty else { return [] }
            return list.compactMap { $0.stringValue.map { Feature($0) } }
        }

        func reference(_ name: String, entry: Int) throws(DiagnosticError) -> TypeRef {
            guard let info = entryIndex[name] else {
                throw fault("reference to undefined type '\(name)'", entry: entry)
            }
            if let element = info.element { return .array(try reference(element, entry: entry)) }
            return .named(name)
        }

        /// An argument type; an empty object (QEMU's `q_empty`) means none.
        func optionalObject(_ value: JSONValue?, entry: Int) throws(DiagnosticError) -> TypeRef? {
            guard let name = value?.stringValue else { return nil }
            let reference = try reference(name, entry: entry)
            return isEmptyObject(name) ? nil : reference
        }

        func optionalReturn(_ value: JSONValue?, entry: Int) throws(DiagnosticError) -> TypeRef? {
            try optionalObject(value, entry: entry)
        }

        func isEmptyObject(_ name: String) -> Bool {
            guard let info = entryIndex[name], case let object = objects[info.entry],
                object["meta-type"]?.stringValue == "object"
            else { return false }
            return (object["members"]?.arrayValue ?? []).isEmpty && object["tag"] == nil
        }
    }
}
