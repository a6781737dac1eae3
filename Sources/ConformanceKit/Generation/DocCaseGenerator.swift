/// Cases mined from a command's doc comment: each `Example:` request for the command (with its
/// reply as the expected shape), and each error class the doc names with the member that
/// triggers it (`If @name is not a valid network device, DeviceNotFound`).
///
/// Example values that would reach the host (paths, addresses, ports) are replaced with the value
/// table's safe values, so a doc example can never make the endpoint touch host files.
struct DocCaseGenerator {
    let generator: CaseGenerator

    /// Roles whose example values are replaced by the table's values (they name host resources).
    static let hostRoles: Set<String> = [
        "path", "directory", "host", "ipv4", "ipv6", "port", "host-port", "tcp-uri", "http-url",
    ]

    func cases(for command: Command) -> [TestCase] {
        guard let doc = command.doc else { return [] }
        return exampleCases(command, doc) + errorCases(command, doc)
    }

    private func exampleCases(_ command: Command, _ doc: DocComment) -> [TestCase] {
        var cases: [TestCase] = []
        for example in doc.examples {
            for (index, exchange) in example.enumerated() where exchange.direction == .request {
                guard let request = exchange.json, request["execute"]?.stringValue == command.name else { continue }
                let reply = example.dropFirst(index + 1).first { $0.direction == .reply }?.json
                let expectation: TestCase.Expectation =
                    if let errorClass = reply?["error"]?["class"]?.stringValue {
                        .errorClass(QMPErrorClass(rawValue: errorClass))
                    } else if let reply, reply["return"] != nil { .reply(reply) } else { .accept }
                let arguments = request["arguments"].map { sanitized($0, type: command.arguments) }
                cases.append(
                    generator.makeCase(
                        command, .doc, "doc example at line \(exchange.location.line)", arguments: arguments,
                        expectation,
                        origin: "doc: \(generator.relative(exchange.location))", extraTags: ["doc-example"]))
            }
        }
        return cases
    }

    /// Error classes named in `Returns:`/`Errors:` with a trigger: a string member named on the
    /// same line, set to a name that does not exist.
    private func errorCases(_ command: Command, _ doc: DocComment) -> [TestCase] {
        guard let object = generator.schema.object(command.arguments),
            generator.synthesizer.heights.isFinite(command.arguments!)
        else { return [] }
        var cases: [TestCase] = []
        for section in doc.sections where section.tag == "Returns" || section.tag == "Errors" {
            for line in section.text.split(separator: "\n") {
                let words = line.split(whereSeparator: {
                    !$0.isLetter && !$0.isNumber && $0 != "@" && $0 != "-" && $0 != "_"
                })
                guard let errorClass = words.map(String.init).first(where: DocComment.isErrorClassName),
                    errorClass != "GenericError",
                    let mention = words.first(where: { $0.hasPrefix("@") }),
                    let member = object.members.first(where: { $0.name == mention.dropFirst() }),
                    member.type == .named("str")
                        || generator.schema.type(named: member.type.elementName)?.builtin == .str
                else { continue }
                var arguments = generator.synthesizer.minimalObject(object, branch: nil, depth: 0)
                arguments[member.name] = .string("qmp-conform-absent-\(member.name)")
                cases.append(
                    generator.makeCase(
                        command, .doc, "documented \(errorClass) when '\(member.name)' names nothing",
                        arguments: .object(arguments),
                        .errorClass(QMPErrorClass(rawValue: errorClass)),
                        origin: "doc: \(generator.relative(section.location))",
                        extraTags: ["doc-error"]))
            }
        }
        return cases
    }

    /// The example's arguments with host-reaching strings replaced, walking the schema type.
    private func sanitized(_ value: JSONValue, type: TypeRef?) -> JSONValue {
        let schema = generator.schema
        if case .named(let name)? = type, let alternate = schema.type(named: name)?.alternate {
            let branch = ValueValidator(schema: schema).branch(of: alternate, accepting: value)
            return branch.map { sanitized(value, type: $0.type) } ?? value
        }
        switch value {
        case .object(var members):
            guard let object = type.flatMap({ schema.object($0) }) else {
                return .object(JSONObject(members.members.map { .init($0.key, sanitized($0.value, type: nil)) }))
            }
            let tagValue = object.variants.flatMap { members[$0.tag]?.stringValue }
            let (shape, _) = generator.synthesizer.shape(of: object, branch: tagValue)
            for member in shape {
                guard let current = members[member.name] else { continue }
                if case .string = current {
                    let synthesizer = generator.synthesizer
                    let role = synthesizer.table.role(
                        member: member.name, documentation: member.documentation, command: synthesizer.command)
                    if Self.hostRoles.contains(role) {
                        members[member.name] = .string(synthesizer.table.value(role: role, member: member.name))
                        continue
                    }
                }
                members[member.name] = sanitized(current, type: member.type)
            }
            return .object(members)
        case .array(let elements):
            guard case .array(let element)? = type else { return .array(elements.map { sanitized($0, type: nil) }) }
            return .array(elements.map { sanitized($0, type: element) })
        case .string(let text) where text.contains("/") && !text.hasPrefix("${"):
            // Whatever else looks like a path (even a QOM path) goes into the scratch directory:
            // an example must never name a host file.
            let name = text.split(separator: "/").last.map(String.init) ?? "file"
            return .string("${scratch}/" + (name == ".." || name == "." ? "file" : name))
        default:
            return value
        }
    }
}
