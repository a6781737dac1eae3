/// Writes a `Schema` as the `query-qmp-schema` return value QEMU would give for it, so a model
/// read from source can be compared with an endpoint's introspection.
///
/// Follows QEMU's `introspect.py`: commands and events first, then every type they reach; all
/// integer types become `int`; arrays are entries named `[T]`; a missing argument or return
/// type is the empty object `q_empty`; optional members carry `"default": null`. Names are not
/// obfuscated. Apply defines first: conditions are not part of introspection.
public enum IntrospectionRenderer {
    /// Renders the schema.
    /// - Parameter schema: the schema, normally already narrowed with `applying(defines:)`.
    /// - Returns: the JSON array of `SchemaInfo` entries.
    public static func render(_ schema: Schema) -> JSONValue {
        var renderer = Renderer(schema: schema)
        return renderer.render()
    }

    private struct Renderer {
        let schema: Schema
        var entries: [JSONValue] = []
        var emitted: Set<String> = []
        var queue: [TypeRef] = []

        init(schema: Schema) { self.schema = schema }

        mutating func render() -> JSONValue {
            for command in schema.commands {
                var entry: JSONObject = [
                    "name": .string(command.name), "meta-type": "command",
                    "arg-type": .string(name(command.arguments)), "ret-type": .string(name(command.returns)),
                ]
                if command.allowsOOB { entry["allow-oob"] = true }
                addFeatures(command.features, to: &entry)
                entries.append(.object(entry))
            }
            for event in schema.events {
                var entry: JSONObject = [
                    "name": .string(event.name), "meta-type": "event", "arg-type": .string(name(event.data)),
                ]
                addFeatures(event.features, to: &entry)
                entries.append(.object(entry))
            }
            while !queue.isEmpty {
                let reference = queue.removeFirst()
                emit(reference)
            }
            return .array(entries)
        }

        /// The introspection name of a reference, queuing the type for output.
        mutating func name(_ reference: TypeRef?) -> String {
            let reference = reference ?? .named(Self.emptyObject)
            queue.append(reference)
            return Self.wireName(reference, in: schema)
        }

        /// QEMU's name for the empty object type of commands without arguments or return value.
        static let emptyObject = "q_empty"

        static func wireName(_ reference: TypeRef, in schema: Schema) -> String {
            switch reference {
            case .array(let element): "[\(wireName(element, in: schema))]"
            case .named(let name): schema.type(named: name)?.builtin?.introspectionName ?? name
            }
        }

        mutating func emit(_ reference: TypeRef) {
            let wire = Self.wireName(reference, in: schema)
            guard emitted.insert(wire).inserted else { return }
            if case .array(let element) = reference {
                entries.append(["name": .string(wire), "meta-type": "array", "element-type": .string(name(element))])
                return
            }
            guard let type = schema.type(named: reference.elementName) else {
                if wire == Self.emptyObject {
                    entries.append(["name": .string(wire), "meta-type": "object", "members": []])
                }
                return
            }
            var entry: JSONObject = ["name": .string(wire)]
            switch type.kind {
            case .builtin(let builtin):
                entry["meta-type"] = "builtin"
                entry["json-type"] = .string(builtin.jsonType)
            case .enumeration(let enumeration):
                entry["meta-type"] = "enum"
                entry["members"] = .array(
                    enumeration.values.map { value in
                        var member: JSONObject = ["name": .string(value.name)]
                        addFeatures(value.features, to: &member)
                        return .object(member)
                    })
                entry["values"] = .array(enumeration.names.map { .string($0) })
            case .object(let object):
                entry["meta-type"] = "object"
                entry["members"] = .array(
                    object.members.map { member in
                        var rendered: JSONObject = ["name": .string(member.name), "type": .string(name(member.type))]
                        if member.isOptional { rendered["default"] = .null }
                        addFeatures(member.features, to: &rendered)
                        return .object(rendered)
                    })
                if let variants = object.variants {
                    entry["tag"] = .string(variants.tag)
                    entry["variants"] = .array(
                        variants.cases.map { ["case": .string($0.name), "type": .string(name($0.type))] })
                }
            case .alternate(let alternate):
                entry["meta-type"] = "alternate"
                entry["members"] = .array(alternate.branches.map { ["type": .string(name($0.type))] })
            }
            addFeatures(type.features, to: &entry)
            entries.append(.object(entry))
        }

        func addFeatures(_ features: [Feature], to entry: inout JSONObject) {
            if !features.isEmpty { entry["features"] = .array(features.map { .string($0.name) }) }
        }
    }
}
