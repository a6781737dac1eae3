extension NormalizedOutcome {
    /// The outcome as JSON, as baselines and JSON reports carry it: `ending`, `replies` (each
    /// `step`, `command`, `reply` and its `class` or `shape`), `events`, and `check` for a
    /// protocol check. Empty lists and absent members are left out.
    public var jsonValue: JSONValue {
        var object: JSONObject = ["ending": .string(ending.rawValue)]
        if !replies.isEmpty {
            object["replies"] = .array(
                replies.map { reply in
                    var entry: JSONObject = [
                        "step": .string(reply.step), "command": .string(reply.command),
                        "reply": .string(reply.kind.rawValue),
                    ]
                    entry["class"] = reply.errorClass.map { .string($0.rawValue) }
                    entry["shape"] = reply.shape
                    return .object(entry)
                })
        }
        if !events.isEmpty { object["events"] = .array(events.map(JSONValue.string)) }
        object["check"] = check.map { .string($0.rawValue) }
        return .object(object)
    }

    /// Reads an outcome written by `jsonValue`.
    /// - Parameters:
    ///   - value: the value.
    ///   - path: where it sits in its file.
    ///   - document: the file, for locations.
    /// - Throws: `DiagnosticError` at the first member that is not as `jsonValue` writes it.
    public init(json value: JSONValue, at path: JSONPath, in document: CaseFile) throws(DiagnosticError) {
        let object = try document.object(
            value, at: path, keys: ["ending", "replies", "events", "check"], what: "an outcome")
        let ending: Ending = try document.named(object["ending"], at: path.appending("ending"))
        var replies: [Reply] = []
        for (index, entry) in try document.list(object["replies"], at: path.appending("replies")).enumerated() {
            let at = path.appending("replies").appending(index: index)
            let members = try document.object(
                entry, at: at, keys: ["step", "command", "reply", "class", "shape"], what: "a reply outcome")
            replies.append(
                Reply(
                    step: try document.string(members["step"] ?? .null, at: at.appending("step")),
                    command: try document.string(members["command"] ?? .null, at: at.appending("command")),
                    kind: try document.named(members["reply"], at: at.appending("reply")),
                    errorClass: try members["class"].map { (value) throws(DiagnosticError) in
                        QMPErrorClass(rawValue: try document.string(value, at: at.appending("class")))
                    },
                    shape: members["shape"]))
        }
        var events: [String] = []
        for (index, entry) in try document.list(object["events"], at: path.appending("events")).enumerated() {
            events.append(try document.string(entry, at: path.appending("events").appending(index: index)))
        }
        let check: ProtocolCheckResult.Outcome? =
            object["check"] == nil ? nil : try document.named(object["check"], at: path.appending("check"))
        self.init(ending: ending, replies: replies, events: events, check: check)
    }
}
