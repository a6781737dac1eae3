/// Judges what an endpoint did with each item of a run against what the item expects and what
/// the schema says: the one judge between the runners' observations and the reports. Generated
/// cases, scenarios and protocol checks all come here as `Observation`s, so a rule added once
/// applies to all of them.
///
/// - An invalid case must be rejected with an error reply naming the broken member.
/// - A valid case must not be rejected by argument validation, and a success reply must conform
///   to the command's `returns` (unknown members only with the downstream `__` prefix, unless
///   strict or lenient).
/// - A doc example must not be rejected by validation; a documented error must have its class.
/// - A scenario step's reply must match its `return` or `error`, its expected events must
///   arrive within their windows on the right side of the reply, forbidden ones must not
///   (`Oracle+Scenario.swift`).
/// - A protocol check's finding is a failure of the QMP spec section it checks.
/// - Every event seen, in any item, must be in the schema, conform to its data type, and carry
///   a well-formed timestamp no earlier than the previous event's; every protocol fault the
///   client recorded while the item ran is a failure of that item.
/// Every failure is a structured difference: rule, JSON path, expected, actual.
public struct Oracle: Sendable {
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

    /// Judges one item of a run.
    /// - Parameters:
    ///   - item: the item.
    ///   - observation: what the runner saw.
    /// - Returns: the item's result.
    public func judge(_ item: Runner.Item, _ observation: Observation) -> CaseResult {
        var timings: [CaseResult.EventTiming] = []
        let verdict: Verdict
        switch observation.ending {
        case .notRun(let reason):
            verdict = .skipped(reason)
        case .broken(let reason):
            var earlier = commonFailures(observation)
            if case .scenario(let scenario) = item {
                earlier =
                    scenarioFindings(observation, hiding: scenario.compat?.hiddenFeatures ?? []).failures + earlier
            }
            verdict = Self.verdict(broken: reason, earlier: earlier, faults: !observation.findings.isEmpty)
        case .unreachable(let reason):
            verdict = .errored("cannot reach the endpoint: \(reason)")
        case .completed:
            switch item {
            case .testCase(let testCase): verdict = judge(testCase, observation)
            case .protocolCheck(let check): verdict = judge(check, observation)
            case .scenario(let scenario):
                let findings = scenarioFindings(observation, hiding: scenario.compat?.hiddenFeatures ?? [])
                timings = findings.timings
                verdict = Self.verdict(findings.failures + commonFailures(observation))
            }
        }
        return CaseResult(
            caseID: item.id, suite: item.suite, summary: item.summary, kind: item.kind, verdict: verdict,
            duration: Self.seconds(observation.duration), transcript: observation.transcript, eventTimings: timings,
            outcome: NormalizedOutcome(observation), timings: CaseTimings(observation))
    }

    /// Failures every item can have: its events against the schema and in timestamp order, and
    /// the protocol faults the client recorded while it ran.
    func commonFailures(_ observation: Observation) -> [Verdict.Failure] {
        eventFailures(observation.events, after: observation.previousEventTimestamp)
            + observation.findings.map {
                Verdict.Failure(
                    rule: .protocolFault, expected: "messages as the QMP spec defines them", actual: $0.description)
            }
    }

    static func verdict(_ failures: [Verdict.Failure]) -> Verdict { failures.isEmpty ? .passed : .failed(failures) }

    /// The verdict of an item that could not be carried through: failed when the client saw
    /// protocol faults (they are why, and they are the endpoint's), else errored, naming what
    /// was found before it broke.
    static func verdict(broken reason: String, earlier: [Verdict.Failure], faults: Bool) -> Verdict {
        if faults {
            return .failed(earlier + [Verdict.Failure(rule: .protocolFault, expected: "a reply", actual: reason)])
        }
        let found = earlier.map(\.description)
        return .errored(found.isEmpty ? reason : reason + "; earlier failures: " + found.joined(separator: "; "))
    }

    static func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1000 }

    /// Judges a generated case from its one exchange.
    private func judge(_ testCase: TestCase, _ observation: Observation) -> Verdict {
        if let lost = observation.endpointLost {
            let noReply = observation.exchanges.first?.failure.map { "no reply (\($0)); " } ?? ""
            return .errored(noReply + "the endpoint did not survive the case (\(lost))")
        }
        guard let exchange = observation.exchanges.first, let reply = exchange.reply else {
            return Self.verdict(
                broken: observation.exchanges.first?.failure ?? "no reply", earlier: commonFailures(observation),
                faults: !observation.findings.isEmpty)
        }
        // A command the endpoint disabled answers CommandNotFound; the envelope checks before
        // the command lookup (an `arguments` that is not an object) may still answer first.
        if observation.commandDisabled, reply.error?.errorClass == .commandNotFound {
            return Self.verdict(commonFailures(observation))
        }
        var findings = judgeReply(testCase, reply)
        if case .skipped(let reason) = findings.verdict { return .skipped(reason) }
        if testCase.kind == .invalid {
            findings.list += stateFailures(observation.snapshots, rule: .invalidChangedState, call: "invalid")
        } else if reply.error != nil {
            findings.list += stateFailures(observation.snapshots, rule: .failedCallChangedState, call: "failed")
        }
        findings.list += commonFailures(observation)
        return Self.verdict(findings.list)
    }

    /// Judges a protocol check: its finding fails the spec section it checks.
    private func judge(_ check: ProtocolCheck, _ observation: Observation) -> Verdict {
        guard let checked = observation.protocolCheck else { return .errored("the protocol check left no result") }
        switch checked.outcome {
        case .passed: return .passed
        case .skipped: return .skipped(checked.detail)
        case .failed:
            return .failed([
                Verdict.Failure(
                    rule: .qmpSpec(section: check.section), expected: check.summary, actual: checked.detail)
            ])
        }
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
                    rule: .invalidAccepted, path: path,
                    expected: "an error reply: the case breaks \(rule.rawValue) at \(path)",
                    actual: "success: \(value)"))
        case (.reject(let rule, let path), .error(let error)):
            guard let matched = messages.match(error.desc) else {
                findings.list.append(
                    Verdict.Failure(
                        rule: .notAValidationError, path: path,
                        expected: "a validation error for \(rule.rawValue) at \(path)",
                        actual: "\(error.errorClass.rawValue): \(error.desc)"))
                break
            }
            if error.errorClass != .genericError {
                findings.list.append(
                    Verdict.Failure(
                        rule: .errorClass, path: path, expected: "GenericError", actual: error.errorClass.rawValue))
            }
            if let expectedName = path.lastKey ?? (rule == .argumentsNotObject ? "arguments" : nil),
                let named = matched.member,
                !Self.names(named, expectedName)
            {
                findings.list.append(
                    Verdict.Failure(
                        rule: .errorNamesWrongMember, path: path, expected: "an error naming '\(expectedName)'",
                        actual: error.desc))
            }
        case (.accept, .error(let error)), (.reply, .error(let error)):
            if messages.isValidationError(error.desc) {
                findings.list.append(
                    Verdict.Failure(
                        rule: testCase.kind == .doc ? .docExampleRejected : .validRejected,
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
                        rule: .docReplyShape, expected: "a JSON \(expected.kind.rawValue) as documented",
                        actual: "\(value)"))
            }
        case (.errorClass(let expected), .error(let error)):
            if error.errorClass != expected, testCase.tags.contains("doc-example") {
                // An example shows an error of one particular state (a closed tray, a busy job).
                findings.verdict = .skipped(
                    "the example's \(expected) needs state this endpoint lacks; got \(error.errorClass.rawValue): \(error.desc)"
                )
            } else if error.errorClass != expected {
                findings.list.append(
                    Verdict.Failure(
                        rule: .errorClass, expected: expected.rawValue,
                        actual: "\(error.errorClass.rawValue): \(error.desc)"))
            }
        case (.errorClass(let expected), .success(let value)):
            findings.list.append(
                Verdict.Failure(
                    rule: .documentedErrorMissing, expected: "an error of class \(expected)",
                    actual: "success: \(value)"))
        }
        return findings
    }

    /// Failures of a case that changed what its state queries list: names added or removed
    /// between the snapshot before and the one after, by a call that must change nothing: an
    /// invalid one (QMP spec section 5), or one answered with an error.
    /// - Parameters:
    ///   - snapshots: the state queries' answers before and after the call.
    ///   - rule: the rule a change breaks.
    ///   - call: what the call was, for the message ("invalid", "failed").
    /// - Returns: one failure per query whose names changed.
    func stateFailures(_ snapshots: [Observation.Snapshot], rule: FailureRule, call: String) -> [Verdict.Failure] {
        snapshots.compactMap { snapshot in
            guard let before = snapshot.before.map(snapshot.query.names),
                let after = snapshot.after.map(snapshot.query.names),
                before != after
            else { return nil }
            let added = after.subtracting(before).sorted()
            let removed = before.subtracting(after).sorted()
            return Verdict.Failure(
                rule: rule, path: JSONPath.root.appending(snapshot.query.command),
                expected: "the names listed before the \(call) call: [\(before.sorted().joined(separator: ", "))]",
                actual: "added [\(added.joined(separator: ", "))], removed [\(removed.joined(separator: ", "))]")
        }
    }

    /// Whether a message's member name (`addr.port`, `interfaces[0]`) names the expected member.
    static func names(_ reported: String, _ expected: String) -> Bool {
        reported == expected || reported.hasSuffix(".\(expected)") || reported.hasPrefix("\(expected)[")
            || reported.contains(".\(expected)[")
            || reported.split(separator: ".").last.map { $0.hasPrefix(expected) } == true
    }

    /// Failures of a success reply against the command's `returns`; members with a feature in
    /// `hidden` (hidden by the endpoint's output policy) may be absent.
    func returnFailures(_ commandName: String, _ value: JSONValue, hiding hidden: Set<String> = []) -> [Verdict.Failure]
    {
        guard let command = schema.command(named: commandName) else { return [] }
        var validator = ValueValidator(schema: schema, extraMembers: extraMembers)
        validator.hiddenFeatures = hidden
        guard let returns = command.returns else {
            // Nothing to return: `{}`, plus only the extra members the policy tolerates.
            if case .object(let object) = value, object.keys.allSatisfy(validator.toleratesExtraMember) { return [] }
            return [
                Verdict.Failure(
                    rule: .returnsConformance, expected: "{} (the command returns nothing)", actual: "\(value)")
            ]
        }
        return validator.validate(value, against: returns).map {
            Verdict.Failure(
                rule: .returns($0.rule), path: $0.path, expected: $0.message,
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
                        rule: .eventUnknown, path: path, expected: "an event of the schema", actual: event.name))
                continue
            }
            let data = JSONValue.object(event.data ?? [:])
            if let type = definition.data {
                for violation in validator.validate(data, against: type) {
                    failures.append(
                        Verdict.Failure(
                            rule: .event(violation.rule),
                            path: JSONPath(components: path.components + violation.path.components),
                            expected: violation.message, actual: excerpt(violation.path.resolve(in: data))))
                }
            } else if !(event.data ?? [:]).isEmpty {
                failures.append(
                    Verdict.Failure(
                        rule: .event(.unknownMember), path: path, expected: "no data", actual: excerpt(data)))
            }
            // The QMP spec allows {-1, -1} when the server cannot read its clock; it has no order.
            let timestamp = event.timestamp
            guard !timestamp.isUnknown else { continue }
            if let last, timestamp < last {
                failures.append(
                    Verdict.Failure(
                        rule: .eventTimestampOrder, path: path,
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
