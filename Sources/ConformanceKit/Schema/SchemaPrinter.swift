/// Renders a `Schema` for people: a summary of what it holds, or one definition in full (members,
/// types, optionality, conditions, features, docs, examples). Used by `qmp-conform schema show`.
package enum SchemaPrinter {
    /// A summary: origin, counts, configuration symbols, and the command and event names.
    /// - Parameter schema: the schema.
    /// - Returns: the text, ending with a newline.
    package static func summary(_ schema: Schema) -> String {
        var lines: [String] = []
        switch schema.origin {
        case .source(let files):
            lines.append("QAPI source: \(files.first ?? "?") (\(files.count) file\(files.count == 1 ? "" : "s"))")
        case .introspection: lines.append("introspection (query-qmp-schema)")
        }
        let named = schema.types.filter { $0.origin != .builtin && $0.origin != .implicit }
        let counts = Dictionary(grouping: named, by: \.metaTypeName).mapValues(\.count)
        let typeSummary = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
        lines.append(
            "\(schema.commands.count) commands, \(schema.events.count) events, \(named.count) types (\(typeSummary))")
        let conditions = schema.conditionNames
        if !conditions.isEmpty {
            lines.append("conditional on (use --define to choose): " + conditions.joined(separator: " "))
        }
        lines.append("")
        lines.append("COMMANDS:")
        lines += schema.commands.map { "  \($0.name)" + conditionSuffix($0.condition) }
        lines.append("")
        lines.append("EVENTS:")
        lines += schema.events.map { "  \($0.name)" + conditionSuffix($0.condition) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One command, event or type in full.
    /// - Parameters:
    ///   - name: the definition's name.
    ///   - schema: the schema.
    /// - Returns: the text, or nil when nothing has that name.
    package static func definition(named name: String, in schema: Schema) -> String? {
        var lines: [String] = []
        if let command = schema.command(named: name) {
            lines.append("command \(command.name)" + conditionSuffix(command.condition) + location(command.location))
            var flags: [String] = []
            if command.isBoxed { flags.append("boxed") }
            if !command.generatesMarshalling { flags.append("gen: false (arguments not validated by the schema)") }
            if !command.sendsSuccessResponse { flags.append("no success response") }
            if command.allowsOOB { flags.append("allow-oob") }
            if command.allowsPreconfig { flags.append("allow-preconfig") }
            if command.isCoroutine { flags.append("coroutine") }
            if !flags.isEmpty { lines.append("  flags: " + flags.joined(separator: ", ")) }
            appendFeatures(command.features, to: &lines)
            lines.append("  arguments:" + (command.arguments == nil ? " none" : ""))
            if let arguments = command.arguments { appendObject(arguments, in: schema, indent: "    ", to: &lines) }
            lines.append("  returns: " + (command.returns.map { describe($0, in: schema) } ?? "{}"))
            appendDoc(command.doc, to: &lines)
        } else if let event = schema.event(named: name) {
            lines.append("event \(event.name)" + conditionSuffix(event.condition) + location(event.location))
            appendFeatures(event.features, to: &lines)
            lines.append("  data:" + (event.data == nil ? " none" : ""))
            if let data = event.data { appendObject(data, in: schema, indent: "    ", to: &lines) }
            appendDoc(event.doc, to: &lines)
        } else if let type = schema.type(named: name) {
            lines.append(
                "\(type.metaTypeName) \(type.name)" + conditionSuffix(type.condition) + location(type.location))
            appendFeatures(type.features, to: &lines)
            switch type.kind {
            case .builtin(let builtin):
                lines.append("  json-type: \(builtin.jsonType)")
                if let range = builtin.integerRange { lines.append("  range: \(range.min)...\(range.max)") }
            case .enumeration(let enumeration):
                lines.append("  values:")
                lines += enumeration.values.map {
                    "    \($0.name)" + conditionSuffix($0.condition) + featureSuffix($0.features)
                }
            case .object:
                lines.append("  members:")
                appendObject(.named(type.name), in: schema, indent: "    ", to: &lines)
            case .alternate(let alternate):
                lines.append("  branches:")
                lines += alternate.branches.map {
                    "    \($0.name): \(describe($0.type, in: schema))" + conditionSuffix($0.condition)
                }
            }
            appendDoc(type.doc, to: &lines)
        } else {
            return nil
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func appendObject(_ reference: TypeRef, in schema: Schema, indent: String, to lines: inout [String])
    {
        guard let object = schema.object(reference) else {
            lines.append(indent + describe(reference, in: schema))
            return
        }
        if case .named(let name) = reference, schema.type(named: name)?.origin != .implicit {
            lines.append(indent + "(type \(name))")
        }
        if object.acceptsExtraMembers { lines.append(indent + "(more members accepted: 'gen': false)") }
        for member in object.members {
            var line =
                indent + member.name + (member.isOptional ? " (optional)" : "") + ": "
                + describe(member.type, in: schema)
            line += conditionSuffix(member.condition) + featureSuffix(member.features)
            if let documentation = member.documentation {
                line += " - " + documentation.replacingOccurrences(of: "\n", with: " ")
            }
            lines.append(line)
        }
        if let variants = object.variants {
            lines.append(indent + "branches by '\(variants.tag)':")
            for variant in variants.cases {
                let members = schema.object(variant.type)?.members.map { $0.name + ($0.isOptional ? "?" : "") } ?? []
                lines.append(
                    indent + "  \(variant.name): \(describe(variant.type, in: schema))"
                        + conditionSuffix(variant.condition)
                        + (members.isEmpty ? "" : " {" + members.joined(separator: ", ") + "}"))
            }
        }
    }

    private static func describe(_ reference: TypeRef, in schema: Schema) -> String {
        switch reference {
        case .array(let element): return "[" + describe(element, in: schema) + "]"
        case .named(let name):
            guard let type = schema.type(named: name) else { return name }
            return type.origin == .builtin || type.builtin != nil
                ? (type.builtin == .anyInteger ? "int" : name) : "\(name) (\(type.metaTypeName))"
        }
    }

    private static func appendFeatures(_ features: [Feature], to lines: inout [String]) {
        if !features.isEmpty {
            lines.append(
                "  features: " + features.map { $0.name + conditionSuffix($0.condition) }.joined(separator: ", "))
        }
    }

    private static func appendDoc(_ doc: DocComment?, to lines: inout [String]) {
        guard let doc else { return }
        if !doc.body.isEmpty { lines.append("  doc: " + doc.body.replacingOccurrences(of: "\n", with: "\n       ")) }
        if let since = doc.since { lines.append("  since: \(since)") }
        if !doc.errorClasses.isEmpty { lines.append("  error classes: " + doc.errorClasses.joined(separator: ", ")) }
        for (index, example) in doc.examples.enumerated() {
            lines.append("  example \(index + 1):")
            for exchange in example {
                let arrow = exchange.direction == .request ? "->" : "<-"
                lines.append("    \(arrow) " + (exchange.json.map { JSONWriter.compact.string($0) } ?? exchange.text))
            }
        }
    }

    private static func conditionSuffix(_ condition: Condition?) -> String { condition.map { "  [if \($0)]" } ?? "" }
    private static func featureSuffix(_ features: [Feature]) -> String {
        features.isEmpty ? "" : "  [features: " + features.map(\.name).joined(separator: ", ") + "]"
    }
    private static func location(_ location: SourceLocation?) -> String { location.map { "  (\($0))" } ?? "" }
}
