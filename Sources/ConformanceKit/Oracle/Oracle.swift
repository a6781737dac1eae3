/// Judges what an endpoint did with one case against what the case expects and what the schema
/// says: the step between the runner's observations and the reports.
///
/// - An invalid case must be rejected with an error reply naming the broken member.
/// - A valid case must not be rejected by argument validation, and a success reply must conform
///   to the command's `returns` (unknown members only with the downstream `__` prefix, unless
///   strict or lenient).
/// - A doc example must not be rejected by validation; a documented error must have its class.
/// - Every event seen must be in the schema, conform to its data type, and carry a well-formed
///   timestamp no earlier than the previous event's.
/// Every failure is a structured difference: rule, JSON path, expected, actual.
public struct Oracle: Sendable {
    /// What the runner saw for one case.
    public struct Observation: Sendable {
        /// The reply, when one arrived.
        public var reply: QMPReply?
        /// Why no reply arrived (timeout, closed connection, protocol fault), when none did.
        public var failure: String?
        /// The events that arrived while the case ran.
        public var events: [QMPEvent]
        /// The timestamp of the last event before the case, for the order check.
        public var previousEventTimestamp: QMPTimestamp?

        /// Creates an observation.
        public init(
            reply: QMPReply?, failure: String? = nil, events: [QMPEvent] = [],
            previousEventTimestamp: QMPTimestamp? = nil
        ) {
            self.reply = reply
            self.failure = failure
            self.events = events
            self.previousEventTimestamp = previousEventTimestamp
        }
    }

    /// The schema replies and events are checked against.
    public let schema: Schema
    /// How the endpoint words validation errors.
    public let messages: ValidationMessages
    /// Which extra reply and event members are tolerated.
    public let extraMembers: ValueValidator.ExtraMembers

    /// Creates an oracle.
    /// - Parameters:
    ///   - schema: the schema.
    ///   - messages: the endpoint's validation messages (QEMU's by default).
    ///   - extraMembers: `.downstream` by default; `.strict` or `.any` on request.
    public init(
        schema: Schema, messages: ValidationMessages = .qemu, extraMembers: ValueValidator.ExtraMembers = .downstream
    ) {
        self.schema = schema
        self.messages = messages
        self.extraMembers = extraMembers
    }

    /// Judges one case.
    /// - Parameters:
    ///   - testCase: the case.
    ///   - observation: what happened.
    /// - Returns: the verdict.
    public func judge(_ testCase: TestCase, _ observation: Observation) -> Verdict {
        guard let reply = observation.reply else {
            return .errored(observation.failure ?? "no reply")
        }
        var failures = judgeReply(testCase, reply)
        if case .skipped(let reason) = failures.verdict { return .skipped(reason) }
        failures.list += eventFailures(observation.events, after: observation.previousEventTimestamp)
        return failures.list.isEmpty ? .passed : .failed(failures.list)
    }

    private struct Findings {
        var list: [Verdict.Failure] = []
        var verdict: Verdict?
    }

    private func judgeReply(_ testCase: TestCase, _ reply: QMPReply) -> Findings {
        var findings = Findings()
        switch (testCase.expectation, reply.outcome) {
        case (.reject(let rule, let path), .success(let value)):
            findings.list.append(
                Verdict.Failure(
                    rule: "invalid-accepted", path: path,
                    expected: "an error reply: the case breaks \(rule.rawValue) at \(path)",
                    actual: "success: \(value)"))
        case (.reject(let rule, let path), .error(let error)):
            guard let matched = messages.match(error.desc) else {
                findings.list.append(
                    Verdict.Failure(
                        rule: "not-a-validation-error", path: path,
                        expected: "a validation error for \(rule.rawValue) at \(path)",
                        actual: "\(error.errorClass.rawValue): \(error.desc)"))
                break
            }
            if error.errorClass != .genericError {
                findings.list.append(
                    Verdict.Failure(
                        rule: "error-class", path: path, expected: "GenericError", actual: error.errorClass.rawValue))
            }
            if let expectedName = path.lastKey ?? (rule == .argumentsNotObject ? "arguments" : nil),
                let named = matched.member,
                !Self.names(named, expectedName)
            {
                findings.list.append(
                    Verdict.Failure(
                        rule: "error-names-wrong-member", path: path, expected: "an error naming '\(expectedName)'",
                        actual: error.desc))
            }
        case (.accept, .error(let error)), (.reply, .error(let error)):
            if messages.isValidationError(error.desc) {
                findings.list.append(
                    Verdict.Failure(
                        rule: testCase.kind == .doc ? "doc-example-rejected" : "valid-rejected",
                        expected: "not rejected by argument validation",
                        actual: "\(error.errorClass.rawValue): \(error.desc)"))
            } else if testCase.kind == .doc {
                findings.verdict = .skipped(
                    "the example needs state this endpoint lacks: \(error.errorClass.rawValue): \(error.desc)")
            }
        case (.accept, .success(let value)):
            findings.list += returnFailures(testCase.command, value)
        case (.reply(let documented), .success(let value)):
            findings.list += returnFailures(testCase.command, value)
            if let expected = documented["return"], expected.kind != value.kind {
                findings.list.append(
                    Verdict.Failure(
                        rule: "doc-reply-shape", expected: "a JSON \(expected.kind.rawValue) as documented",
                        actual: "\(value)"))
            }
        case (.errorClass(let expected), .error(let error)):
            if error.errorClass.rawValue != expected, testCase.tags.contains("doc-example") {
                // An example shows an error of one particular state (a closed tray, a busy job).
                findings.verdict = .skipped(
                    "the example's \(expected) needs state this endpoint lacks; got \(error.errorClass.rawValue): \(error.desc)"
                )
            } else if error.errorClass.rawValue != expected {
                findings.list.append(
                    Verdict.Failure(
                        rule: "error-class", expected: expected, actual: "\(error.errorClass.rawValue): \(error.desc)"))
            }
        case (.errorClass(let expected), .success(let value)):
            findings.list.append(
                Verdict.Failure(
                    rule: "documented-error-missing", expected: "an error of class \(expected)",
                    actual: "success: \(value)"))
        }
        return findings
    }

    /// Whether a message's member name (`addr.port`, `interfaces[0]`) names the expected member.
    static func names(_ reported: String, _ expected: String) -> Bool {
        reported == expected || reported.hasSuffix(".\(expected)") || reported.hasPrefix("\(expected)[")
            || reported.contains(".\(expected)[")
            || reported.split(separator: ".").last.map { $0.hasPrefix(expected) } == true
    }

    /// Failures of a success reply against the command's `returns`.
    func returnFailures(_ commandName: String, _ value: JSONValue) -> [Verdict.Failure] {
        guard let command = schema.command(named: commandName) else { return [] }
        let validator = ValueValidator(schema: schema, extraMembers: extraMembers)
        guard let returns = command.returns else {
            // Nothing to return: `{}`, plus only the extra members the policy tolerates.
            if case .object(let object) = value, object.keys.allSatisfy(validator.toleratesExtraMember) { return [] }
            return [
                Verdict.Failure(
                    rule: "returns-conformance", expected: "{} (the command returns nothing)", actual: "\(value)")
            ]
        }
        return validator.validate(value, against: returns).map {
            Verdict.Failure(
                rule: "returns-\($0.rule.rawValue)", path: $0.path, expected: $0.message,
                actual: excerpt($0.path.resolve(in: value)))
        }
    }

    /// Failures of events: unknown names, data not conforming, malformed or decreasing timestamps.
    /// - Parameter events: events in arrival order.
    /// - Returns: the failures.
    public func eventFailures(_ events: [QMPEvent], after previous: QMPTimestamp? = nil) -> [Verdict.Failure] {
        var failures: [Verdict.Failure] = []
        let validator = ValueValidator(schema: schema, extraMembers: extraMembers)
        var last = previous
        for event in events {
            let path = JSONPath.root.appending(event.name)
            guard let definition = schema.event(named: event.name) else {
                failures.append(
                    Verdict.Failure(
                        rule: "event-unknown", path: path, expected: "an event of the schema", actual: event.name))
                continue
            }
            let data = JSONValue.object(event.data ?? [:])
            if let type = definition.data {
                for violation in validator.validate(data, against: type) {
                    failures.append(
                        Verdict.Failure(
                            rule: "event-\(violation.rule.rawValue)",
                            path: JSONPath(components: path.components + violation.path.components),
                            expected: violation.message, actual: excerpt(violation.path.resolve(in: data))))
                }
            } else if !(event.data ?? [:]).isEmpty {
                failures.append(
                    Verdict.Failure(
                        rule: "event-unknown-member", path: path, expected: "no data", actual: excerpt(data)))
            }
            // The QMP spec allows {-1, -1} when the server cannot read its clock; it has no order.
            let timestamp = event.timestamp
            guard !timestamp.isUnknown else { continue }
            if let last, timestamp < last {
                failures.append(
                    Verdict.Failure(
                        rule: "event-timestamp-order", path: path,
                        expected: "no earlier than \(last.seconds).\(last.microseconds)",
                        actual: "\(timestamp.seconds).\(timestamp.microseconds)"))
            }
            last = timestamp
        }
        return failures
    }

    private func excerpt(_ value: JSONValue?) -> String {
        guard let value else { return "absent" }
        let text = value.description
        return text.count > 200 ? String(text.prefix(200)) + "..." : text
    }
}
