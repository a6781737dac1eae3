extension Scenario {
    /// One step of a scenario: a command with its expectations, or a pause.
    public struct Step: Sendable, Hashable {
        /// What the step does.
        public enum Action: Sendable, Hashable {
            /// Send a command; `arguments` may hold `${...}` references.
            case execute(command: String, arguments: JSONValue?)
            /// Wait (e.g. for work QEMU finishes on another thread, with nothing to observe).
            case sleep(milliseconds: Double)
        }

        /// What the reply must be.
        public enum ReplyExpectation: Sendable, Hashable {
            /// A success reply whose `return` matches, or any success when nil.
            case success(ValueMatcher?)
            /// An error reply matching the expectation.
            case error(ErrorExpectation)
            /// A valid call that must find the resource it names (a generated consumer call):
            /// any success, or an error that is neither an argument-validation error nor a
            /// "not found" naming `name`.
            case accepted(name: String)
            /// Any reply (a generated removal whose outcome depends on what the call before did).
            case any
        }

        /// A value to remember from the reply, for `${name}` in later steps.
        public struct Capture: Sendable, Hashable {
            /// The variable name.
            public var name: String
            /// Where in the reply object, e.g. `return[0].name`.
            public var path: JSONPath

            /// Creates a capture.
            /// - Parameters:
            ///   - name: the variable name.
            ///   - path: the path in the reply object.
            public init(name: String, path: JSONPath) {
                self.name = name
                self.path = path
            }
        }

        /// What the step does.
        public var action: Action
        /// What the reply must be (ignored for a pause).
        public var reply: ReplyExpectation
        /// Events that must arrive.
        public var events: [EventExpectation]
        /// Events that must not arrive within their windows.
        public var absent: [EventExpectation]
        /// Values to capture from the reply.
        public var captures: [Capture]
        /// How long to wait for the reply, in milliseconds; nil for the runner's default.
        public var timeoutMilliseconds: Double?
        /// What the step does, in words (optional).
        public var description: String?
        /// Where the step is written.
        public var location: SourceLocation
        /// Whether the request carries a file descriptor (`SCM_RIGHTS`: `getfd`, `add-fd`): the
        /// runner passes a file of the endpoint's scratch directory with it, and the transcript
        /// marks the write `(+1 fd)`. Set by `ResourceModel.preparing(_:)` from the table's
        /// `passes-fd`.
        public var passesDescriptor = false

        /// Creates a step.
        /// - Parameters:
        ///   - action: what it does.
        ///   - reply: what the reply must be.
        ///   - events: expected events.
        ///   - absent: forbidden events.
        ///   - captures: captured values.
        ///   - timeoutMilliseconds: reply timeout.
        ///   - description: words.
        ///   - location: where it is written.
        public init(
            action: Action, reply: ReplyExpectation = .success(nil), events: [EventExpectation] = [],
            absent: [EventExpectation] = [], captures: [Capture] = [], timeoutMilliseconds: Double? = nil,
            description: String? = nil, location: SourceLocation
        ) {
            self.action = action
            self.reply = reply
            self.events = events
            self.absent = absent
            self.captures = captures
            self.timeoutMilliseconds = timeoutMilliseconds
            self.description = description
            self.location = location
        }

        /// The command the step executes (empty for a pause).
        public var command: String {
            if case .execute(let command, _) = action { command } else { "" }
        }

        /// One line for messages: `netdev_del (cases/net/x.json:12:5)` or `pause 100 ms (...)`.
        public var label: String {
            switch action {
            case .execute(let command, _): "\(command) (\(location))"
            case .sleep(let milliseconds): "pause \(EventExpectation.format(milliseconds)) ms (\(location))"
            }
        }

        /// Every `${...}` reference in the step (malformed ones are rejected by the loader).
        public var references: [CaseVariables.Reference] {
            var values: [JSONValue] = []
            if case .execute(_, let arguments?) = action { values.append(arguments) }
            switch reply {
            case .success(let matcher?):
                _ = matcher.substituting(
                    values: { (value: JSONValue) -> JSONValue in
                        values.append(value)
                        return value
                    },
                    patterns: { (pattern: String) -> String in
                        values.append(.string(pattern))
                        return pattern
                    })
            case .error(let expectation):
                if let pattern = expectation.descPattern { values.append(.string(pattern)) }
                if let errorClass = expectation.errorClass { values.append(.string(errorClass.rawValue)) }
            case .accepted(let name): values.append(.string(name))
            case .success(nil), .any: break
            }
            for event in events + absent { if let data = event.data { values.append(data) } }
            return values.flatMap { (try? CaseVariables.references(in: $0)) ?? [] }
        }
    }
}

extension Scenario.Step {
    /// The step with every `${...}` reference replaced: in the arguments, the reply matchers, the
    /// error expectation and the data of expected and forbidden events.
    /// - Parameter variables: the item's variables.
    /// - Returns: the step as it is sent and judged.
    /// - Throws: `CaseVariables.Failure` for a reference without a value.
    public func substituting(_ variables: CaseVariables) throws(CaseVariables.Failure) -> Scenario.Step {
        var step = self
        if case .execute(let command, let arguments?) = action {
            step.action = .execute(command: command, arguments: try variables.substitute(arguments))
        }
        switch reply {
        case .success(let matcher?):
            step.reply = .success(
                try matcher.substituting(
                    values: { (value) throws(CaseVariables.Failure) in try variables.substitute(value) },
                    patterns: { (pattern) throws(CaseVariables.Failure) in try variables.substitute(pattern: pattern) }
                ))
        case .success(nil), .any:
            break
        case .accepted(let name):
            step.reply = .accepted(name: try variables.substitute(.string(name)).stringValue ?? name)
        case .error(var expectation):
            expectation.errorClass = try expectation.errorClass.map { (errorClass) throws(CaseVariables.Failure) in
                QMPErrorClass(
                    rawValue: try variables.substitute(.string(errorClass.rawValue)).stringValue ?? errorClass.rawValue)
            }
            expectation.descPattern = try expectation.descPattern.map { (text) throws(CaseVariables.Failure) in
                try variables.substitute(pattern: text)
            }
            step.reply = .error(expectation)
        }
        step.events = try Self.substituting(events, variables)
        step.absent = try Self.substituting(absent, variables)
        return step
    }

    private static func substituting(_ expectations: [EventExpectation], _ variables: CaseVariables)
        throws(CaseVariables.Failure) -> [EventExpectation]
    {
        var result = expectations
        for index in result.indices {
            result[index].data = try result[index].data.map { (value) throws(CaseVariables.Failure) in
                try variables.substitute(value)
            }
        }
        return result
    }
}
