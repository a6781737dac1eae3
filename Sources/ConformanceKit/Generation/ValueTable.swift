/// The value-synthesis table of `cases/values.json`: which meaning (role) a string member has,
/// judged by its command, its name and its doc text, and the value each role gets; and the
/// integers members get where the type's smallest value is not one the command accepts.
///
/// Data, not code, so that reviewers can check what a run will send. Loaded once per run;
/// `ValueSynthesizer` applies it.
public struct ValueTable: Sendable, Hashable {
    /// A doc-text rule: members whose description contains `contains` get `role`.
    public struct DocRule: Sendable, Hashable {
        public var contains: String
        public var role: String
    }

    /// What one command's member gets, whatever its generic rules say: a string member a role,
    /// an integer member a number (QEMU's own range, which the schema does not state).
    public enum Override: Sendable, Hashable {
        /// The member is a string of this role.
        case role(String)
        /// The member is an integer of this value.
        case integer(Int64)
        /// The member is this value of its enum; a union's tag, this branch by default.
        case enumValue(String)
    }

    /// Role → value template (`${member}`, `${scratch}`, `${free_port}` are substituted later).
    public var roles: [String: String]
    /// Command → member name → override, for members whose meaning depends on the command
    /// (`qom-get`'s `path` is a QOM path, not a file). Applies at any depth of the arguments.
    public var commands: [String: [String: Override]] = [:]
    /// Member name → integer, for integer members of every command (a bitmap's `granularity`).
    public var integers: [String: Int64] = [:]
    /// Exact member name → role.
    public var members: [String: String]
    /// Name suffix → role, tried longest first.
    public var suffixes: [(suffix: String, role: String)]
    /// Doc-text rules, in order.
    public var doc: [DocRule]
    /// The role when nothing matches.
    public var defaultRole: String
    /// The role of a string that stands where an object could be defined inline: the string
    /// branch of an alternate with an object branch (`BlockdevRef`: a node's options or an
    /// existing node's name) names an existing thing, whatever its member is called. Nil: such
    /// strings get their member's role.
    public var referenceRole: String?

    /// The role of a string member.
    /// - Parameters:
    ///   - member: the member name.
    ///   - documentation: its doc text, if any.
    ///   - command: the command whose arguments hold it, if known.
    /// - Returns: the role name.
    public func role(member: String, documentation: String?, command: String? = nil) -> String {
        if let command, case .role(let role) = commands[command]?[member] { return role }
        if let role = members[member] { return role }
        if let match = suffixes.first(where: { member.hasSuffix($0.suffix) }) { return match.role }
        if let documentation, let rule = doc.first(where: { documentation.contains($0.contains) }) { return rule.role }
        return defaultRole
    }

    /// The value template of a string member, `${member}` already replaced.
    /// - Parameters:
    ///   - member: the member name.
    ///   - documentation: its doc text, if any.
    ///   - command: the command whose arguments hold it, if known.
    /// - Returns: the value (may still hold `${scratch}` and `${free_port}`).
    public func value(member: String, documentation: String?, command: String? = nil) -> String {
        value(role: role(member: member, documentation: documentation, command: command), member: member)
    }

    /// The enum value an enum member (a union's tag) gets instead of the first, if the table
    /// names one for the command.
    /// - Parameters:
    ///   - member: the member name.
    ///   - command: the command whose arguments hold it, if known.
    /// - Returns: the value, or nil.
    public func enumValue(member: String, command: String?) -> String? {
        guard let command, case .enumValue(let value) = commands[command]?[member] else { return nil }
        return value
    }

    /// The integer an integer member gets instead of its type's smallest value, if the table
    /// names one: the command's own entry first, then the member's.
    /// - Parameters:
    ///   - member: the member name.
    ///   - command: the command whose arguments hold it, if known.
    /// - Returns: the integer, or nil.
    public func integer(member: String, command: String? = nil) -> Int64? {
        if let command, case .integer(let number) = commands[command]?[member] { return number }
        return integers[member]
    }

    /// The value template of a role for a member, `${member}` already replaced.
    /// - Parameters:
    ///   - role: the role name.
    ///   - member: the member name.
    /// - Returns: the value (may still hold `${scratch}` and `${free_port}`).
    public func value(role: String, member: String) -> String {
        let template = roles[role] ?? roles[defaultRole] ?? "qmp-conform"
        return template.replacingOccurrences(of: "${member}", with: member)
    }

    /// The keys of `values.json`.
    static let fileKeys = [
        "comment", "roles", "members", "suffixes", "doc", "default", "reference", "commands", "integers",
    ]
    /// The keys of a doc rule.
    static let docRuleKeys = ["contains", "role"]

    /// Reads the table from the JSON text of `values.json`.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the table.
    /// - Throws: `DiagnosticError` located at the fault: an unknown key, a value of the wrong
    ///   type, an unknown role, or a role value that breaks the sandbox rules (`ValueSafety`).
    public static func load(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> ValueTable {
        let document = try CaseFile(bytes: bytes, file: file)
        let top = try document.object(document.value, at: .root, keys: fileKeys, what: "a value table")
        let roles = try document.stringMap("roles")
        for (role, template) in roles {
            try checkSafety(template, at: JSONPath.root.appending("roles").appending(role), in: document)
        }
        func checkRole(_ role: String, at path: JSONPath) throws(DiagnosticError) {
            guard roles[role] != nil else {
                throw document.error("unknown role '\(role)'", at: path, hint: "define it under \"roles\"")
            }
        }
        // A QOM path is safe only where a command takes one: never a role of members in general.
        func checkGenericRole(_ role: String, at path: JSONPath) throws(DiagnosticError) {
            try checkRole(role, at: path)
            if let template = roles[role], ValueSafety.isQOMPath(template) {
                throw document.error(
                    "role '\(role)' holds a QOM path, \"\(template)\", which a member that takes a host path would send "
                        + "to the host", at: path,
                    hint: "give it to the members that take a QOM path under \"commands\"")
            }
        }
        let members = try document.stringMap("members")
        for (member, role) in members {
            try checkGenericRole(role, at: JSONPath.root.appending("members").appending(member))
        }
        let suffixMap = try document.stringMap("suffixes")
        for (suffix, role) in suffixMap {
            try checkGenericRole(role, at: JSONPath.root.appending("suffixes").appending(suffix))
        }
        var docRules: [DocRule] = []
        let docPath = JSONPath.root.appending("doc")
        if let doc = top["doc"] {
            guard let list = doc.arrayValue else {
                throw document.error("'doc' must be a list of rules, got \(doc.kind.rawValue)", at: docPath)
            }
            for (index, rule) in list.enumerated() {
                let path = docPath.appending(index: index)
                let members = try document.object(rule, at: path, keys: docRuleKeys, what: "a doc rule")
                guard let contains = members["contains"]?.stringValue, let role = members["role"]?.stringValue else {
                    throw document.error("a doc rule needs string members 'contains' and 'role'", at: path)
                }
                try checkGenericRole(role, at: path)
                docRules.append(DocRule(contains: contains, role: role))
            }
        }
        let defaultRole =
            try top["default"].map { (value) throws(DiagnosticError) in
                try document.string(value, at: JSONPath.root.appending("default"))
            } ?? "text"
        try checkGenericRole(defaultRole, at: JSONPath.root.appending("default"))
        let referenceRole =
            try top["reference"].map { (value) throws(DiagnosticError) in
                try document.string(value, at: JSONPath.root.appending("reference"))
            }
        if let referenceRole { try checkGenericRole(referenceRole, at: JSONPath.root.appending("reference")) }
        var table = ValueTable(
            roles: roles, members: members,
            suffixes: suffixMap.map { ($0.key, $0.value) }.sorted {
                ($0.suffix.count, $0.suffix) > ($1.suffix.count, $1.suffix)
            },
            doc: docRules, defaultRole: defaultRole, referenceRole: referenceRole)
        table.integers = try integerMap(top["integers"], at: JSONPath.root.appending("integers"), in: document)
        if let commands = top["commands"] {
            let path = JSONPath.root.appending("commands")
            guard let object = commands.objectValue else {
                throw document.error("'commands' must be an object of commands", at: path)
            }
            for entry in object {
                table.commands[entry.key] = try overrides(
                    entry.value, at: path.appending(entry.key), in: document, checkRole: checkRole)
            }
        }
        return table
    }

    /// The integers a member-to-integer map of the file gives (empty when absent).
    private static func integerMap(_ value: JSONValue?, at path: JSONPath, in document: CaseFile)
        throws(DiagnosticError) -> [String: Int64]
    {
        guard let value else { return [:] }
        guard let object = value.objectValue else {
            throw document.error("'\(path)' must be an object of member names to integers", at: path)
        }
        var map: [String: Int64] = [:]
        for entry in object {
            map[entry.key] = try document.integer(entry.value, at: path.appending(entry.key), in: Int64.min...Int64.max)
        }
        return map
    }

    /// One command's overrides: a string names a role, a number is an integer.
    private static func overrides(
        _ value: JSONValue, at path: JSONPath, in document: CaseFile,
        checkRole: (String, JSONPath) throws(DiagnosticError) -> Void
    ) throws(DiagnosticError) -> [String: Override] {
        guard let object = value.objectValue else {
            throw document.error(
                "a command's entry must be an object of member names to roles, integers or {\"enum\": VALUE}",
                at: path)
        }
        var map: [String: Override] = [:]
        for entry in object {
            let memberPath = path.appending(entry.key)
            if let role = entry.value.stringValue {
                try checkRole(role, memberPath)
                map[entry.key] = .role(role)
            } else if let object = entry.value.objectValue {
                guard object.count == 1, let value = object["enum"]?.stringValue else {
                    throw document.error(
                        "expected {\"enum\": VALUE}: the enum value (union branch) the member gets", at: memberPath)
                }
                map[entry.key] = .enumValue(value)
            } else {
                map[entry.key] = .integer(try document.integer(entry.value, at: memberPath, in: Int64.min...Int64.max))
            }
        }
        return map
    }

    /// Refuses a role value that would send the endpoint outside the sandbox.
    private static func checkSafety(_ template: String, at path: JSONPath, in document: CaseFile)
        throws(DiagnosticError)
    {
        if let placeholder = ValueSafety.unknownPlaceholder(in: template) {
            throw document.error(
                "unknown placeholder '\(placeholder)' in \"\(template)\"", at: path,
                hint: "known placeholders: " + ValueSafety.placeholders.map { "${\($0)}" }.joined(separator: ", "))
        }
        if let unsafety = ValueSafety.unsafety(template) {
            throw document.error(
                "unsafe value \"\(template)\": \(unsafety)", at: path,
                hint: "paths go under ${scratch}, addresses are 127.0.0.1 or ::1, ports are ${free_port}")
        }
    }

    public static func == (lhs: ValueTable, rhs: ValueTable) -> Bool {
        lhs.roles == rhs.roles && lhs.members == rhs.members && lhs.doc == rhs.doc && lhs.defaultRole == rhs.defaultRole
            && lhs.referenceRole == rhs.referenceRole && lhs.commands == rhs.commands && lhs.integers == rhs.integers
            && lhs.suffixes.elementsEqual(rhs.suffixes, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(roles)
        hasher.combine(members)
        hasher.combine(doc)
        hasher.combine(commands)
        hasher.combine(integers)
    }
}
