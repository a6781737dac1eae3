/// Which commands reach beyond the endpoint (stop it, reset the guest, touch host files, open
/// sockets, spawn processes, run free-form monitor text), read from `cases/policy.json`.
///
/// The generator tags cases with their effects; the runner runs valid cases with effects only on
/// a launched, disposable endpoint or with an explicit opt-in. Invalid cases always run: the QMP
/// spec promises that validation happens before any side effect.
public struct SafetyPolicy: Sendable, Hashable {
    /// Effect name → description.
    public var effects: [String: String]
    /// Command → effects.
    public var commands: [String: [String]]
    /// Command → discriminator value → further effects (e.g. netdev_add's `tap`).
    public var branches: [String: [String: [String]]]
    /// Effects a launched, disposable endpoint does not contain (host programs, privileges):
    /// valid cases with them run only with `allowUnsafe`.
    public var beyondLaunch: Set<String> = []
    /// Commands whose arguments the endpoint does not validate against the schema (QEMU's
    /// `'gen': false`), with the reason; introspection cannot tell, so the policy says it.
    public var unvalidated: [String: String]

    /// Whether the endpoint validates a command's arguments against the schema.
    public func validatesArguments(of command: Command) -> Bool {
        command.generatesMarshalling && unvalidated[command.name] == nil
    }

    /// The effects a request would have.
    /// - Parameters:
    ///   - command: the command name.
    ///   - arguments: the arguments; a union's discriminator value selects branch effects.
    /// - Returns: the effect names, sorted, without repeats.
    public func effects(of command: String, arguments: JSONValue?) -> [String] {
        var found = Set(commands[command] ?? [])
        if let byBranch = branches[command], let members = arguments?.objectValue {
            for member in members {
                if let branch = member.value.stringValue, let extra = byBranch[branch] { found.formUnion(extra) }
            }
        }
        return found.sorted()
    }

    /// The keys of `policy.json`.
    static let fileKeys = ["comment", "unvalidated", "effects", "commands", "branches", "beyond-launch"]

    /// Reads the policy from the JSON text of `policy.json`.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: its path, for diagnostics.
    /// - Returns: the policy.
    /// - Throws: `DiagnosticError` located at the fault (unknown key, unknown effect, wrong shape).
    public static func load(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> SafetyPolicy {
        let document = try CaseFile(bytes: bytes, file: file)
        let top = try document.object(document.value, at: .root, keys: fileKeys, what: "a safety policy")
        func objectMember(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> JSONObject {
            guard let object = value.objectValue else {
                throw document.error("expected an object, got \(value.kind.rawValue)", at: path)
            }
            return object
        }
        let effects = try document.stringMap("effects")
        func effectList(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> [String] {
            guard let list = value.arrayValue else { throw document.error("expected a list of effect names", at: path) }
            var names: [String] = []
            for (index, element) in list.enumerated() {
                guard let name = element.stringValue, effects[name] != nil else {
                    throw document.error(
                        "unknown effect \(element)", at: path.appending(index: index),
                        hint: "known effects: " + effects.keys.sorted().joined(separator: ", "))
                }
                names.append(name)
            }
            return names
        }
        var commands: [String: [String]] = [:]
        for entry in try objectMember(top["commands"] ?? [:], at: JSONPath.root.appending("commands")) {
            commands[entry.key] = try effectList(
                entry.value, at: JSONPath.root.appending("commands").appending(entry.key))
        }
        var branches: [String: [String: [String]]] = [:]
        let branchesPath = JSONPath.root.appending("branches")
        for command in try objectMember(top["branches"] ?? [:], at: branchesPath) {
            for branch in try objectMember(command.value, at: branchesPath.appending(command.key)) {
                let path = branchesPath.appending(command.key).appending(branch.key)
                branches[command.key, default: [:]][branch.key] = try effectList(branch.value, at: path)
            }
        }
        var policy = SafetyPolicy(
            effects: effects, commands: commands, branches: branches, unvalidated: try document.stringMap("unvalidated")
        )
        if let listed = document.value["beyond-launch"] {
            policy.beyondLaunch = Set(try effectList(listed, at: JSONPath.root.appending("beyond-launch")))
        }
        return policy
    }
}
