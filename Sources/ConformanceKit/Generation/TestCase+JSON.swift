extension TestCase {
    /// The case as JSON, for `cases show`, golden files and JSON reports; keys sorted on output.
    public var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "command": .string(command), "kind": .string(kind.rawValue), "summary": .string(summary),
            "expect": expectation.json, "tags": .array(tags.map { .string($0) }), "origin": .string(origin),
        ]
        if let arguments { object["arguments"] = arguments }
        if !launch.isEmpty { object["launch"] = .array(launch.map { .string($0) }) }
        if passesDescriptor { object["passes-fd"] = true }
        return .object(object)
    }
}

extension TestCase.Expectation {
    /// The expectation as JSON: `{"accept": true}`, `{"reject": {"rule", "path"}}`, ...
    public var json: JSONValue {
        switch self {
        case .accept: ["accept": true]
        case .reject(let rule, let path):
            ["reject": ["rule": .string(rule.rawValue), "path": .string(path.description)]]
        case .reply(let reply): ["reply": reply]
        case .errorClass(let errorClass): ["error-class": .string(errorClass.rawValue)]
        }
    }

    /// One line for listings: `accept`, `reject missing-member at up`, `error DeviceNotFound`.
    public var summary: String {
        switch self {
        case .accept: "accept"
        case .reject(let rule, let path): "reject \(rule.rawValue) at \(path)"
        case .reply: "reply as documented"
        case .errorClass(let errorClass): "error \(errorClass)"
        }
    }
}
