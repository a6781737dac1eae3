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

        /// An error naming the entry by number and, when it has one, by name: introspection has
        /// no lines to point at.
        func fault(_ message: String, entry: Int) -> DiagnosticError {
            let name = objects.indices.contains(entry) ? objects[entry]["name"]?.stringValue : nil
            return DiagnosticError(
                Diagnostic(
                    .error, "introspection entry \(entry)\(name.map { " ('\($0)')" } ?? ""): \(message)",
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
                let features = try self.features(object["features"], entry: index)
                switch meta {
                case "builtin":
                    guard let builtin = Self.builtin(jsonType: object["json-type"]?.stringValue) else {
                        throw fault("built-in '\(name)' has an unknown 'json-type'", entry: index)
                    }
                    types.append(
                        SchemaType(name: name, kind: .builtin(builtin), origin: .introspection, features: features))
                case "enum":
                    let values = try enumValues(object, name: name, entry: index)
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
                    guard let members = try list(object, "members", entry: index) else {
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
                    // Arrays become `TypeRef.array` where used; resolving each checks it even when unused.
                    _ = try reference(name, entry: index)
                case "command":
                    commands.append(
                        Command(
                            name: name, arguments: try optionalObject(object, "arg-type", entry: index),
                            isBoxed: false, returns: try optionalObject(object, "ret-type", entry: index),
                            allowsOOB: try flag(object, "allow-oob", entry: index), features: features))
                case "event":
                    events.append(
                        Event(
                            name: name, data: try optionalObject(object, "arg-type", entry: index), features: features))
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
            guard let memberList = try list(object, "members", entry: entry) else {
                throw fault("object '\(name)' lacks 'members'", entry: entry)
            }
            var members: [Member] = []
            for member in memberList {
                guard let memberName = member["name"]?.stringValue, let typeName = member["type"]?.stringValue else {
                    throw fault("object '\(name)' has a member without 'name' or 'type'", entry: entry)
                }
                let features = try self.features(member["features"], entry: entry)
                members.append(
                    Member(
                        name: memberName, type: try reference(typeName, entry: entry),
                        isOptional: member.objectValue?["default"] != nil, features: features))
            }
            var variants: ObjectType.Variants?
            if let tag = object["tag"]?.stringValue {
                var cases: [ObjectType.Variants.Variant] = []
                for variant in try list(object, "variants", entry: entry) ?? [] {
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

        /// The feature names of a `features` list (absent: none).
        func features(_ value: JSONValue?, entry: Int) throws(DiagnosticError) -> [Feature] {
            guard let value else { return [] }
            guard let list = value.arrayValue else { throw fault("'features' must be a list of strings", entry: entry) }
            var features: [Feature] = []
            for element in list {
                guard let name = element.stringValue else {
                    throw fault("'features' must be a list of strings, got \(element.kind.rawValue)", entry: entry)
                }
                features.append(Feature(name))
            }
            return features
        }

        /// An enum's values: `members` (with features) since QEMU 6.2, `values` before.
        func enumValues(_ object: JSONObject, name: String, entry: Int) throws(DiagnosticError) -> [EnumType.Value] {
            if let members = try list(object, "members", entry: entry) {
                var values: [EnumType.Value] = []
                for member in members {
                    guard let valueName = member["name"]?.stringValue else {
                        throw fault("enum '\(name)' has a member without a string 'name'", entry: entry)
                    }
                    values.append(EnumType.Value(valueName, features: try features(member["features"], entry: entry)))
                }
                return values
            }
            guard let list = try list(object, "values", entry: entry) else {
                throw fault("enum '\(name)' lacks 'values'", entry: entry)
            }
            var values: [EnumType.Value] = []
            for element in list {
                guard let valueName = element.stringValue else {
                    throw fault("enum '\(name)' has a value that is not a string", entry: entry)
                }
                values.append(EnumType.Value(valueName))
            }
            return values
        }

        /// A member that must be a list when present; nil when absent.
        func list(_ object: JSONObject, _ key: String, entry: Int) throws(DiagnosticError) -> [JSONValue]? {
            guard let value = object[key] else { return nil }
            guard let list = value.arrayValue else {
                throw fault("'\(key)' must be a list, got \(value.kind.rawValue)", entry: entry)
            }
            return list
        }

        /// A member that must be a boolean when present; false when absent.
        func flag(_ object: JSONObject, _ key: String, entry: Int) throws(DiagnosticError) -> Bool {
            guard let value = object[key] else { return false }
            guard let flag = value.boolValue else {
                throw fault("'\(key)' must be a boolean, got \(value.kind.rawValue)", entry: entry)
            }
            return flag
        }

        /// The type a name refers to, array names unwrapped into `TypeRef.array` one level at a
        /// time: a loop, so that an array whose element is itself (`[S]` -> `[S]`, or A -> B -> A)
        /// is an error naming the cycle, never an endless recursion.
        func reference(_ name: String, entry: Int) throws(DiagnosticError) -> TypeRef {
            var arrays: [String] = []
            var seen: Set<String> = []
            var current = name
            while true {
                guard let info = entryIndex[current] else {
                    throw fault("reference to undefined type '\(current)'", entry: entry)
                }
                guard let element = info.element else { break }
                guard seen.insert(current).inserted else {
                    let cycle = (arrays.drop { $0 != current } + [current]).map { "'\($0)'" }
                    throw fault("array type cycle: " + cycle.joined(separator: " -> "), entry: entry)
                }
                arrays.append(current)
                current = element
            }
            return arrays.reduce(TypeRef.named(current)) { element, _ in .array(element) }
        }

        /// An argument or return type (`arg-type`, `ret-type`); absent or an empty object (QEMU's
        /// `q_empty`) means none.
        func optionalObject(_ object: JSONObject, _ key: String, entry: Int) throws(DiagnosticError) -> TypeRef? {
            guard let value = object[key] else { return nil }
            guard let name = value.stringValue else {
                throw fault("'\(key)' must be a type name, got \(value.kind.rawValue)", entry: entry)
            }
            let reference = try reference(name, entry: entry)
            return isEmptyObject(name) ? nil : reference
        }

        func isEmptyObject(_ name: String) -> Bool {
            guard let info = entryIndex[name], case let object = objects[info.entry],
                object["meta-type"]?.stringValue == "object"
            else { return false }
            return (object["members"]?.arrayValue ?? []).isEmpty && object["tag"] == nil
        }
    }
}
