/// The value-synthesis table of `cases/values.json`: which meaning (role) a string member has,
/// judged by its name and doc text, and the value each role gets.
///
/// Data, not code, so that reviewers can check what a run will send. Loaded once per run;
/// `ValueSynthesizer` applies it.
public struct ValueTable: Sendable, Hashable {
    /// A doc-text rule: members whose description contains `contains` get `role`.
    public struct DocRule: Sendable, Hashable {
        public var contains: String
        public var role: String
    }

    /// Role → value template (`${member}`, `${scratch}`, `${free_port}` are substituted later).
    public var roles: [String: String]
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
    /// - Returns: the role name.
    public func role(member: String, documentation: String?) -> String {
        if let role = members[member] { return role }
        if let match = suffixes.first(where: { member.hasSuffix($0.suffix) }) { return match.role }
        if let documentation, let rule = doc.first(where: { documentation.contains($0.contains) }) { return rule.role }
        return defaultRole
    }

    /// The value template of a string member, `${member}` already replaced.
    /// - Parameters:
    ///   - member: the member name.
    ///   - documentation: its doc text, if any.
    /// - Returns: the value (may still hold `${scratch}` and `${free_port}`).
    public func value(member: String, documentation: String?) -> String {
        value(role: role(member: member, documentation: documentation), member: member)
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
    static let fileKeys = ["comment", "roles", "members", "suffixes", "doc", "default", "reference"]
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
        let members = try document.stringMap("members")
        for (member, role) in members { try checkRole(role, at: JSONPath.root.appending("members").appending(member)) }
        let suffixMap = try document.stringMap("suffixes")
        for (suffix, role) in suffixMap {
            try checkRole(role, at: JSONPath.root.appending("suffixes").appending(suffix))
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
                try checkRole(role, at: path)
                docRules.append(DocRule(contains: contains, role: role))
            }
        }
        let defaultRole =
            try top["default"].map { (value) throws(DiagnosticError) in
                try document.string(value, at: JSONPath.root.appending("default"))
            } ?? "text"
        try checkRole(defaultRole, at: JSONPath.root.appending("default"))
        let referenceRole =
            try top["reference"].map { (value) throws(DiagnosticError) in
                try document.string(value, at: JSONPath.root.appending("reference"))
            }
        if let referenceRole { try checkRole(referenceRole, at: JSONPath.root.appending("reference")) }
        return ValueTable(
            roles: roles, members: members,
            suffixes: suffixMap.map { ($0.key, $0.value) }.sorted {
                ($0.suffix.count, $0.suffix) > ($1.suffix.count, $1.suffix)
            },
            doc: docRules, defaultRole: defaultRole, referenceRole: referenceRole)
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
            && lhs.referenceRole == rhs.referenceRole
            && lhs.suffixes.elementsEqual(rhs.suffixes, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(roles)
        hasher.combine(members)
        hasher.combine(doc)
    }
}
