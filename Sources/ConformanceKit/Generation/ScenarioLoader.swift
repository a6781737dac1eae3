import Foundation

/// Reads scenario files: every `*.json` in the subfolders of a cases directory (`cases/net/`,
/// `cases/run-state/`, ...; not the top-level `values.json` and `policy.json`).
///
/// The format is described in `cases/README.md`. Every fault (JSON syntax, unknown key, wrong
/// type, bad regular expression, unknown variable, a step without `execute`, ...) is a
/// `DiagnosticError` at `file:line:column`. It checks the file only: whether the endpoint has
/// the commands is `Scenario.applicability`'s business.
public enum ScenarioLoader {
    /// The keys a scenario file may have.
    static let topKeys = ["description", "requires", "launch", "steps", "cleanup"]
    /// The keys a step may have.
    static let stepKeys = [
        "execute", "arguments", "return", "error", "events", "absent", "capture", "timeout_ms", "sleep_ms",
        "description",
    ]
    /// The keys of `requires`.
    static let requiresKeys = ["commands", "events", "version", "architectures"]
    /// The keys of a return matcher.
    static let matcherKeys = ["exact", "subset", "lacks", "type", "shape", "regex", "count"]
    /// The keys of an error expectation.
    static let errorKeys = ["class", "desc"]
    /// The keys of an expected event.
    static let eventKeys = ["name", "data", "within_ms", "when"]
    /// The keys of a forbidden event.
    static let absentKeys = ["name", "data", "within_ms"]
    /// The window when `within_ms` is not given.
    public static let defaultWindowMilliseconds: Double = 1000
    /// The longest `timeout_ms`, `within_ms` or `sleep_ms` a scenario may ask for: one hour.
    public static let maximumMilliseconds: Int64 = 3_600_000
    /// The largest `count` a return matcher may expect.
    public static let maximumCount = Int64(Int32.max)

    /// Loads every scenario under a cases directory, sorted by relative path.
    /// - Parameter directory: the cases directory.
    /// - Returns: the scenarios.
    /// - Throws: `DiagnosticError` with one diagnostic per faulty file.
    public static func load(directory: String) throws(DiagnosticError) -> [Scenario] {
        var scenarios: [Scenario] = []
        var diagnostics: [Diagnostic] = []
        for relative in scenarioPaths(in: directory) {
            let file = (directory.hasSuffix("/") ? directory : directory + "/") + relative
            guard let data = LocalFiles.contents(atPath: file) else {
                diagnostics.append(Diagnostic(.error, "cannot read '\(file)'"))
                continue
            }
            do {
                scenarios.append(try load(data, file: file, relativePath: relative))
            } catch {
                diagnostics += error.diagnostics
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        return scenarios
    }

    /// The relative paths of the scenario files under a cases directory: `*.json` in its
    /// subfolders, at any depth, sorted.
    /// - Parameter directory: the cases directory.
    /// - Returns: paths like `net/netdev-lifecycle.json`.
    public static func scenarioPaths(in directory: String) -> [String] {
        LocalFiles.paths(under: directory).filter { $0.hasSuffix(".json") && $0.contains("/") }.sorted()
    }

    /// Parses one scenario file.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: its path, for diagnostics.
    ///   - relativePath: its path relative to the cases directory (gives the name and suite).
    /// - Returns: the scenario.
    /// - Throws: `DiagnosticError` located at the first fault.
    public static func load(_ bytes: [UInt8], file: String, relativePath: String) throws(DiagnosticError) -> Scenario {
        let document = try CaseFile(bytes: bytes, file: file)
        var reader = Reader(document: document)
        return try reader.scenario(relativePath: relativePath)
    }

    /// Parses a list of steps written in the scenario format inside another document (the
    /// resource table's recipes), with some variables known from the start.
    /// - Parameters:
    ///   - value: the list.
    ///   - document: the document holding it, for locations.
    ///   - path: where the list is in the document.
    ///   - variables: names `${...}` may use besides `scratch` and the steps' own captures.
    /// - Returns: the steps, located in the document.
    /// - Throws: `DiagnosticError` located at the first fault.
    static func steps(_ value: JSONValue, in document: CaseFile, at path: JSONPath, variables: Set<String>)
        throws(DiagnosticError) -> [Scenario.Step]
    {
        var reader = Reader(document: document)
        reader.captured = variables
        return try reader.steps(value, at: path)
    }

    /// Parses a list of expected events written in the scenario format inside another document.
    /// - Parameters:
    ///   - value: the list.
    ///   - document: the document holding it, for locations.
    ///   - path: where the list is in the document.
    ///   - variables: names `${...}` may use besides `scratch`.
    /// - Returns: the expectations.
    /// - Throws: `DiagnosticError` located at the first fault.
    static func events(_ value: JSONValue, in document: CaseFile, at path: JSONPath, variables: Set<String>)
        throws(DiagnosticError) -> [EventExpectation]
    {
        var reader = Reader(document: document)
        reader.captured = variables
        return try reader.eventList(value, at: path, absent: false)
    }

    /// The dotted name of a relative path: `net/netdev-lifecycle.json` → `net.netdev-lifecycle`.
    /// - Parameter relativePath: the path.
    /// - Returns: the name.
    public static func name(of relativePath: String) -> String {
        let base = relativePath.hasSuffix(".json") ? String(relativePath.dropLast(5)) : relativePath
        return base.replacingOccurrences(of: "/", with: ".")
    }

    /// Parses a capture path: `return`, `return[0].name`, `error.desc`.
    /// - Parameter text: the path text.
    /// - Returns: the path, or nil when malformed or not under `return` or `error`.
    static func capturePath(_ text: String) -> JSONPath? {
        var components: [JSONPath.Component] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"),
                    let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                    index >= 0
                else { return nil }
                components.append(.index(index))
                rest = rest[rest.index(after: close)...]
            } else {
                if !components.isEmpty {
                    guard rest.first == "." else { return nil }
                    rest = rest.dropFirst()
                }
                let key = rest.prefix { $0 != "." && $0 != "[" }
                guard !key.isEmpty else { return nil }
                components.append(.key(String(key)))
                rest = rest.dropFirst(key.count)
            }
        }
        guard case .key(let root)? = components.first, root == "return" || root == "error" else { return nil }
        return JSONPath(components: components)
    }

    /// Walks one document, remembering which captured names exist so far.
    private struct Reader {
        let document: CaseFile
        var captured: Set<String> = []

        init(document: CaseFile) { self.document = document }

        mutating func scenario(relativePath: String) throws(DiagnosticError) -> Scenario {
            let root = JSONPath.root
            let top = try document.object(
                document.value, at: root, keys: ScenarioLoader.topKeys, what: "a scenario file")
            guard let description = top["description"] else {
                throw document.error("missing 'description'", at: root, hint: "say in one line what the scenario shows")
            }
            let text = try document.string(description, at: root.appending("description"))
            var requirements = Scenario.Requirements()
            if let requires = top["requires"] {
                requirements = try self.requirements(requires, at: root.appending("requires"))
            }
            var launch: [String]?
            if let value = top["launch"] { launch = try strings(value, at: root.appending("launch")) }
            guard let stepsValue = top["steps"] else {
                throw document.error("missing 'steps'", at: root, hint: "a scenario needs at least one step")
            }
            let steps = try self.steps(stepsValue, at: root.appending("steps"))
            guard !steps.isEmpty else {
                throw document.error("'steps' is empty", at: root.appending("steps"), hint: "add at least one step")
            }
            var cleanup: [Scenario.Step] = []
            if let value = top["cleanup"] { cleanup = try self.steps(value, at: root.appending("cleanup")) }
            return Scenario(
                name: ScenarioLoader.name(of: relativePath), relativePath: relativePath, file: document.locationFile,
                description: text, requirements: requirements, launch: launch, steps: steps, cleanup: cleanup)
        }

        func requirements(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> Scenario.Requirements {
            let members = try document.object(value, at: path, keys: ScenarioLoader.requiresKeys, what: "'requires'")
            var requirements = Scenario.Requirements()
            if let commands = members["commands"] {
                requirements.commands = try strings(commands, at: path.appending("commands"))
            }
            if let events = members["events"] {
                requirements.events = try strings(events, at: path.appending("events"))
            }
            if let architectures = members["architectures"] {
                requirements.architectures = try strings(architectures, at: path.appending("architectures"))
            }
            if let version = members["version"] {
                let versionPath = path.appending("version")
                guard let parsed = Version(parsing: try document.string(version, at: versionPath)) else {
                    throw document.error(
                        "malformed version \(ValueMatcher.text(version))", at: versionPath, hint: "write it as \"7.2\"")
                }
                requirements.minimumVersion = parsed
            }
            return requirements
        }

        mutating func steps(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> [Scenario.Step] {
            guard let elements = value.arrayValue else {
                throw document.error("expected a list of steps, got \(value.kind.rawValue)", at: path)
            }
            var steps: [Scenario.Step] = []
            for (index, element) in elements.enumerated() {
                steps.append(try step(element, at: path.appending(index: index)))
            }
            return steps
        }

        mutating func step(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> Scenario.Step {
            let members = try document.object(value, at: path, keys: ScenarioLoader.stepKeys, what: "a step")
            let location = document.location(of: path)
            let description = try members["description"].map { (value) throws(DiagnosticError) in
                try document.string(value, at: path.appending("description"))
            }
            if let sleep = members["sleep_ms"] {
                if let other = members.keys.first(where: { $0 != "sleep_ms" && $0 != "description" }) {
                    throw document.keyError(
                        "a pause step ('sleep_ms') takes no '\(other)'", at: path.appending(other),
                        hint: "put the command in a step of its own")
                }
                let milliseconds = try self.milliseconds(sleep, at: path.appending("sleep_ms"))
                return Scenario.Step(
                    action: .sleep(milliseconds: milliseconds), description: description, location: location)
            }
            guard let executeValue = members["execute"] else {
                throw document.error(
                    "step has no 'execute'", at: path,
                    hint: "name the command to send, e.g. \"execute\": \"query-status\"")
            }
            let command = try document.string(executeValue, at: path.appending("execute"))
            var arguments: JSONValue?
            if let value = members["arguments"] {
                guard value.objectValue != nil else {
                    throw document.error(
                        "'arguments' must be an object, got \(value.kind.rawValue)", at: path.appending("arguments"))
                }
                try checkReferences(value, at: path.appending("arguments"))
                arguments = value
            }
            var reply = Scenario.Step.ReplyExpectation.success(nil)
            switch (members["return"], members["error"]) {
            case (.some, .some):
                throw document.keyError(
                    "a step expects either 'return' or 'error', not both", at: path.appending("error"))
            case (let value?, nil):
                reply = .success(try matcher(value, at: path.appending("return")))
            case (nil, let value?):
                reply = .error(try errorExpectation(value, at: path.appending("error")))
            case (nil, nil):
                break
            }
            var events: [EventExpectation] = []
            if let value = members["events"] {
                events = try eventList(value, at: path.appending("events"), absent: false)
            }
            var absent: [EventExpectation] = []
            if let value = members["absent"] {
                absent = try eventList(value, at: path.appending("absent"), absent: true)
            }
            var timeout: Double?
            if let value = members["timeout_ms"] {
                timeout = try milliseconds(value, at: path.appending("timeout_ms"))
            }
            var captures: [Scenario.Step.Capture] = []
            if let value = members["capture"] {
                let capturePath = path.appending("capture")
                guard let object = value.objectValue else {
                    throw document.error(
                        "'capture' must be an object of name: path, got \(value.kind.rawValue)", at: capturePath)
                }
                for member in object {
                    let memberPath = capturePath.appending(member.key)
                    guard CaseVariables.isName(member.key), !["scratch", "free_port"].contains(member.key) else {
                        throw document.keyError(
                            "'\(member.key)' cannot be a variable name", at: memberPath,
                            hint: "use letters, digits, '_' and '-', starting with a letter")
                    }
                    let text = try document.string(member.value, at: memberPath)
                    guard let parsed = ScenarioLoader.capturePath(text) else {
                        throw document.error(
                            "malformed capture path \"\(text)\"", at: memberPath,
                            hint: "a path into the reply such as \"return[0].name\" or \"error.desc\"")
                    }
                    captures.append(.init(name: member.key, path: parsed))
                }
            }
            // Captures become visible to later steps only.
            for capture in captures { captured.insert(capture.name) }
            return Scenario.Step(
                action: .execute(command: command, arguments: arguments), reply: reply, events: events, absent: absent,
                captures: captures, timeoutMilliseconds: timeout, description: description, location: location)
        }

        func matcher(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> ValueMatcher {
            let members = try document.object(
                value, at: path, keys: ScenarioLoader.matcherKeys, what: "a return matcher")
            var matchers: [ValueMatcher] = []
            for member in members {
                let memberPath = path.appending(member.key)
                switch member.key {
                case "exact":
                    try checkReferences(member.value, at: memberPath)
                    matchers.append(.exact(member.value))
                case "subset":
                    try checkReferences(member.value, at: memberPath)
                    matchers.append(.subset(member.value))
                case "lacks":
                    try checkReferences(member.value, at: memberPath)
                    matchers.append(.lacks(member.value))
                case "type":
                    let name = try document.string(member.value, at: memberPath)
                    guard let kind = JSONValue.Kind(rawValue: name) else {
                        throw unknownKind(name, at: memberPath)
                    }
                    matchers.append(.kind(kind))
                case "shape":
                    try checkShape(member.value, at: memberPath)
                    matchers.append(.shape(member.value))
                case "regex":
                    let pattern = try document.string(member.value, at: memberPath)
                    try checkPattern(pattern, at: memberPath)
                    matchers.append(.regex(pattern))
                default:  // "count"
                    let count = try document.integer(member.value, at: memberPath, in: 0...ScenarioLoader.maximumCount)
                    matchers.append(.count(Int(count)))
                }
            }
            guard !matchers.isEmpty else {
                throw document.error(
                    "empty return matcher", at: path,
                    hint: "use one of: " + ScenarioLoader.matcherKeys.joined(separator: ", "))
            }
            return matchers.count == 1 ? matchers[0] : .all(matchers)
        }

        func errorExpectation(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> ErrorExpectation {
            let members = try document.object(
                value, at: path, keys: ScenarioLoader.errorKeys, what: "an error expectation")
            var expectation = ErrorExpectation()
            if let errorClass = members["class"] {
                expectation.errorClass = QMPErrorClass(
                    rawValue: try document.string(errorClass, at: path.appending("class")))
                try checkReferences(errorClass, at: path.appending("class"))
            }
            if let desc = members["desc"] {
                let pattern = try document.string(desc, at: path.appending("desc"))
                try checkPattern(pattern, at: path.appending("desc"))
                expectation.descPattern = pattern
            }
            return expectation
        }

        func eventList(_ value: JSONValue, at path: JSONPath, absent: Bool) throws(DiagnosticError)
            -> [EventExpectation]
        {
            guard let elements = value.arrayValue else {
                throw document.error("expected a list of events, got \(value.kind.rawValue)", at: path)
            }
            var events: [EventExpectation] = []
            for (index, element) in elements.enumerated() {
                let elementPath = path.appending(index: index)
                let members = try document.object(
                    element, at: elementPath, keys: absent ? ScenarioLoader.absentKeys : ScenarioLoader.eventKeys,
                    what: absent ? "a forbidden event" : "an expected event")
                guard let name = members["name"] else {
                    throw document.error("event has no 'name'", at: elementPath)
                }
                var event = EventExpectation(
                    name: try document.string(name, at: elementPath.appending("name")),
                    windowMilliseconds: ScenarioLoader.defaultWindowMilliseconds)
                if let data = members["data"] {
                    guard data.objectValue != nil else {
                        throw document.error(
                            "'data' must be an object, got \(data.kind.rawValue)", at: elementPath.appending("data"))
                    }
                    try checkReferences(data, at: elementPath.appending("data"))
                    event.data = data
                }
                if let window = members["within_ms"] {
                    event.windowMilliseconds = try milliseconds(window, at: elementPath.appending("within_ms"))
                }
                if let when = members["when"] {
                    let text = try document.string(when, at: elementPath.appending("when"))
                    guard let order = EventExpectation.Order(rawValue: text) else {
                        let known = EventExpectation.Order.allCases.map(\.rawValue)
                        throw document.error(
                            "unknown 'when' value \"\(text)\"", at: elementPath.appending("when"),
                            hint: "use one of: " + known.joined(separator: ", "))
                    }
                    event.order = order
                }
                events.append(event)
            }
            return events
        }

        // MARK: - Checks

        func checkReferences(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) {
            switch value {
            case .string(let text):
                let references: [CaseVariables.Reference]
                do { references = try CaseVariables.references(in: value) } catch {
                    throw document.error(error.message, at: path)
                }
                for case .captured(let name) in references where !captured.contains(name) {
                    let known = ["scratch", "port:NAME", "free_port"] + captured.sorted()
                    var hint = "known variables: " + known.joined(separator: ", ")
                    if let near = Suggestion.closest(to: name, among: captured.sorted() + ["scratch", "free_port"]) {
                        hint = "did you mean '${\(near)}'? " + hint
                    }
                    throw document.error("unknown variable '${\(name)}' in \"\(text)\"", at: path, hint: hint)
                }
            case .array(let elements):
                for (index, element) in elements.enumerated() {
                    try checkReferences(element, at: path.appending(index: index))
                }
            case .object(let object):
                for member in object {
                    try checkReferences(.string(member.key), at: path.appending(member.key))
                    try checkReferences(member.value, at: path.appending(member.key))
                }
            default:
                break
            }
        }

        func checkPattern(_ pattern: String, at path: JSONPath) throws(DiagnosticError) {
            try checkReferences(.string(pattern), at: path)
            // Variables are substituted (escaped) before compiling; check with a placeholder.
            let placeholder: String
            do {
                placeholder = try CaseVariables.segments(in: pattern).map { segment in
                    if case .literal(let text) = segment { text } else { "x" }
                }.joined()
            } catch {
                throw document.error(error.message, at: path)
            }
            if let hazard = PatternLimits.backtrackingHazard(in: placeholder) { throw document.error(hazard, at: path) }
            do {
                _ = try NSRegularExpression(pattern: placeholder)
            } catch {
                throw document.error(
                    "invalid regular expression /\(pattern)/", at: path,
                    hint: "ICU syntax; escape literal characters such as ( ) [ ] . with a backslash")
            }
        }

        func checkShape(_ shape: JSONValue, at path: JSONPath) throws(DiagnosticError) {
            switch shape {
            case .string(let name):
                guard JSONValue.Kind(rawValue: name) != nil else { throw unknownKind(name, at: path) }
            case .object(let members):
                for member in members { try checkShape(member.value, at: path.appending(member.key)) }
            case .array(let elements):
                guard elements.count <= 1 else {
                    throw document.error("an array shape has one element, the shape of every element", at: path)
                }
                if let element = elements.first { try checkShape(element, at: path.appending(index: 0)) }
            default:
                throw document.error(
                    "a shape is a type name, an object of shapes, or a one-element array, got \(ValueMatcher.text(shape))",
                    at: path)
            }
        }

        func unknownKind(_ name: String, at path: JSONPath) -> DiagnosticError {
            let kinds = JSONValue.Kind.allCases.map(\.rawValue)
            var hint = "use one of: " + kinds.joined(separator: ", ")
            if let near = Suggestion.closest(to: name, among: kinds) { hint = "did you mean '\(near)'? " + hint }
            return document.error("unknown JSON type \"\(name)\"", at: path, hint: hint)
        }

        // MARK: - Typed access

        func strings(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> [String] {
            guard let elements = value.arrayValue else {
                throw document.error("expected a list of strings, got \(value.kind.rawValue)", at: path)
            }
            var result: [String] = []
            for (index, element) in elements.enumerated() {
                result.append(try document.string(element, at: path.appending(index: index)))
            }
            return result
        }

        /// A duration in whole milliseconds, at most `maximumMilliseconds`.
        func milliseconds(_ value: JSONValue, at path: JSONPath) throws(DiagnosticError) -> Double {
            Double(try document.integer(value, at: path, in: 0...ScenarioLoader.maximumMilliseconds))
        }
    }
}
