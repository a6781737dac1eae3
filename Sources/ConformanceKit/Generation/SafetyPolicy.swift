/// Which commands reach beyond the endpoint (stop it, reset the guest, touch host files, open
/// sockets, spawn processes, run free-form monitor text, change the system a guest agent runs
/// on), read from `cases/policy.json`: default-deny, every command is either `safe` or listed
/// with its effects, and one that is neither has unknown effects.
///
/// The generator tags cases with their effects; the runner runs valid cases with effects only on
/// a launched, disposable endpoint or with an explicit opt-in, and valid cases of unclassified
/// commands only on a launched endpoint or with the opt-in. Invalid cases always run: the QMP
/// spec promises that validation happens before any side effect.
public struct SafetyPolicy: Sendable, Hashable {
    /// Effect name → description.
    public var effects: [String: String]
    /// Command → effects (never empty: a command without effects is in `safe`).
    public var commands: [String: [String]]
    /// Commands classified as having no effect beyond the endpoint's own state.
    public var safe: Set<String> = []
    /// Command → discriminator value → further effects (e.g. netdev_add's `tap`).
    public var branches: [String: [String: [String]]]
    /// Effects a launched, disposable endpoint does not contain (host programs, privileges):
    /// valid cases with them run only with `allowUnsafe`.
    public var beyondLaunch: Set<String> = []
    /// Commands whose arguments the endpoint does not validate against the schema (QEMU's
    /// `'gen': false`), with the reason; introspection cannot tell, so the policy says it.
    public var unvalidated: [String: String]

    /// Whether the policy classifies a command (as safe, or with its effects).
    /// - Parameter command: the command name.
    /// - Returns: false for a command the policy does not know (a downstream `__com.vendor_x`).
    public func classifies(_ command: String) -> Bool { safe.contains(command) || commands[command] != nil }

    /// The commands whose own effects (branches aside) a launched endpoint does not contain,
    /// sorted: what a launched guest agent is started with blocked (`qemu-ga -b`).
    public var beyondLaunchCommands: [String] {
        commands.filter { $0.value.contains(where: beyondLaunch.contains) }.keys.sorted()
    }

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
    static let fileKeys = ["comment", "unvalidated", "effects", "safe", "commands", "branches", "beyond-launch"]

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
        var safe: Set<String> = []
        let safePath = JSONPath.root.appending("safe")
        guard let safeList = (top["safe"] ?? []).arrayValue else {
            throw document.error("expected a list of command names", at: safePath)
        }
        for (index, element) in safeList.enumerated() {
            guard let name = element.stringValue else {
                throw document.error("expected a command name, got \(element)", at: safePath.appending(index: index))
            }
            guard safe.insert(name).inserted else {
                throw document.error("'\(name)' is listed twice", at: safePath.appending(index: index))
            }
        }
        var commands: [String: [String]] = [:]
        for entry in try objectMember(top["commands"] ?? [:], at: JSONPath.root.appending("commands")) {
            let path = JSONPath.root.appending("commands").appending(entry.key)
            let names = try effectList(entry.value, at: path)
            guard !names.isEmpty else {
                throw document.error(
                    "'\(entry.key)' has an empty effect list", at: path,
                    hint: "a command without effects goes in 'safe'")
            }
            guard !safe.contains(entry.key) else {
                throw document.error(
                    "'\(entry.key)' is both safe and listed with effects", at: path,
                    hint: "remove it from 'safe' or from 'commands'")
            }
            commands[entry.key] = names
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
        policy.safe = safe
        if let listed = document.value["beyond-launch"] {
            policy.beyondLaunch = Set(try effectList(listed, at: JSONPath.root.appending("beyond-launch")))
        }
        return policy
    }
}
