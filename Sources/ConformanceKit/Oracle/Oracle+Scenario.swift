import Foundation

extension Oracle {
    /// What judging a scenario's exchanges found: its failures and the measured latency of every
    /// expected event beside its window.
    struct ScenarioFindings {
        var failures: [Verdict.Failure] = []
        var timings: [CaseResult.EventTiming] = []
    }

    /// Judges every step a scenario sent: the reply against `return`/`error` and, when it is a
    /// success, against the command's `returns` in the schema; the captures; the expected events
    /// (window, side of the reply) and the forbidden ones. Failure paths start at the step
    /// (`steps[2].return.name`, `steps[3].events[0]`).
    /// - Parameters:
    ///   - observation: the scenario's observation.
    ///   - hidden: features whose members the endpoint's output policy hides (may be absent).
    /// - Returns: the failures and event timings.
    func scenarioFindings(_ observation: Observation, hiding hidden: Set<String> = []) -> ScenarioFindings {
        var findings = ScenarioFindings()
        for exchange in observation.exchanges {
            guard let step = exchange.step, let reply = exchange.reply else { continue }
            findings.failures += replyFailures(reply, against: step.reply, at: exchange.path)
            if case .success(let value) = reply.outcome, let command = exchange.request["execute"]?.stringValue {
                findings.failures += returnFailures(command, value, hiding: hidden).map {
                    var failure = $0
                    failure.path = Self.join(exchange.path.appending("return"), $0.path)
                    return failure
                }
            }
            findings.failures += captureFailures(reply, step.captures, at: exchange.path)
            let events = observation.events.filter { $0.receivedAt >= exchange.sentAt }
            judgeEvents(step, reply: reply, sentAt: exchange.sentAt, events: events, at: exchange.path, &findings)
        }
        return findings
    }

    private func replyFailures(
        _ reply: QMPReply, against expectation: Scenario.Step.ReplyExpectation, at path: JSONPath
    )
        -> [Verdict.Failure]
    {
        switch (expectation, reply.outcome) {
        case (.success(let matcher), .success(let value)):
            return (matcher?.mismatches(value, at: path.appending("return")) ?? []).map {
                Verdict.Failure(rule: .returnMismatch, path: $0.path, expected: $0.expected, actual: $0.actual)
            }
        case (.success, .error):
            return [
                Verdict.Failure(
                    rule: .returnMismatch, path: path.appending("error"), expected: "a success reply",
                    actual: ValueMatcher.text(reply.raw["error"] ?? .null))
            ]
        case (.error(let expected), .error(let error)):
            return expected.mismatches(error).map {
                Verdict.Failure(
                    rule: .errorMismatch, path: Self.join(path, $0.path), expected: $0.expected, actual: $0.actual)
            }
        case (.accepted, .success), (.any, _):
            return []
        case (.accepted(let name), .error(let error)):
            return acceptedFailures(error, name: name, at: path.appending("error"))
        case (.error(let expected), .success(let value)):
            var wanted = "an error reply"
            if let errorClass = expected.errorClass { wanted += " of class \(errorClass)" }
            if let pattern = expected.descPattern { wanted += " with desc matching /\(pattern)/" }
            return [
                Verdict.Failure(
                    rule: .errorMismatch, path: path.appending("return"), expected: wanted,
                    actual: "success " + ValueMatcher.text(value))
            ]
        }
    }

    /// Failures of an error reply to a valid call naming a resource the sequence created: an
    /// argument-validation error, or an error saying the resource is not there.
    private func acceptedFailures(_ error: QMPErrorInfo, name: String, at path: JSONPath) -> [Verdict.Failure] {
        let actual = "\(error.errorClass.rawValue): \(error.desc)"
        if messages.isValidationError(error.desc) {
            return [
                Verdict.Failure(
                    rule: .validRejected, path: path, expected: "not rejected by argument validation", actual: actual)
            ]
        }
        guard Self.saysNotFound(error, name: name) else { return [] }
        return [
            Verdict.Failure(
                rule: .consumerTargetMissing, path: path, expected: "'\(name)' found: the sequence created it",
                actual: actual)
        ]
    }

    /// Whether an error says that `name` does not exist.
    static func saysNotFound(_ error: QMPErrorInfo, name: String) -> Bool {
        let desc = error.desc.lowercased()
        let word = "(^|[^a-z0-9_-])" + NSRegularExpression.escapedPattern(for: name.lowercased()) + "([^a-z0-9_-]|$)"
        guard desc.range(of: word, options: .regularExpression) != nil else { return false }
        return error.errorClass == .deviceNotFound
            || ["not found", "cannot find", "no such", "does not exist", "doesn't exist"].contains { desc.contains($0) }
    }

    private func captureFailures(_ reply: QMPReply, _ captures: [Scenario.Step.Capture], at path: JSONPath)
        -> [Verdict.Failure]
    {
        captures.filter { $0.path.resolve(in: .object(reply.raw)) == nil }.map {
            Verdict.Failure(
                rule: .captureMissing, path: Self.join(path, $0.path), expected: "a value to capture as ${\($0.name)}",
                actual: ValueMatcher.text(.object(reply.raw)))
        }
    }

    private func judgeEvents(
        _ step: Scenario.Step, reply: QMPReply, sentAt: ContinuousClock.Instant, events: [QMPEvent], at path: JSONPath,
        _ findings: inout ScenarioFindings
    ) {
        let assigned = EventExpectation.assign(step.events, to: events)
        for (index, expectation) in step.events.enumerated() {
            let eventPath = path.appending("events").appending(index: index)
            guard let eventIndex = assigned[index] else {
                findings.failures.append(
                    Verdict.Failure(
                        rule: .eventMissing, path: eventPath, expected: expectation.summary,
                        actual: "no such event" + Self.seen(events)))
                findings.timings.append(
                    .init(
                        event: expectation.name, latencyMilliseconds: nil,
                        windowMilliseconds: expectation.windowMilliseconds))
                continue
            }
            let event = events[eventIndex]
            let latency = Self.milliseconds(event.receivedAt - sentAt)
            findings.timings.append(
                .init(
                    event: expectation.name, latencyMilliseconds: latency,
                    windowMilliseconds: expectation.windowMilliseconds))
            if latency > expectation.windowMilliseconds {
                findings.failures.append(
                    Verdict.Failure(
                        rule: .eventLate, path: eventPath, expected: expectation.summary,
                        actual: "\(expectation.name) after \(EventExpectation.format(latency)) ms"))
            }
            switch expectation.order {
            case .beforeReply where event.sequence > reply.sequence:
                findings.failures.append(
                    Verdict.Failure(
                        rule: .eventOrder, path: eventPath, expected: expectation.summary,
                        actual: "\(expectation.name) after the reply"))
            case .afterReply where event.sequence < reply.sequence:
                findings.failures.append(
                    Verdict.Failure(
                        rule: .eventOrder, path: eventPath, expected: expectation.summary,
                        actual: "\(expectation.name) before the reply"))
            default:
                break
            }
        }
        for (index, forbidden) in step.absent.enumerated() {
            let window = forbidden.windowMilliseconds
            guard
                let event = events.first(where: {
                    forbidden.matches($0) && Self.milliseconds($0.receivedAt - sentAt) <= window
                })
            else { continue }
            findings.failures.append(
                Verdict.Failure(
                    rule: .eventUnexpected, path: path.appending("absent").appending(index: index),
                    expected: "no \(forbidden.name)" + (forbidden.data.map { " " + ValueMatcher.text($0) } ?? "")
                        + " within \(EventExpectation.format(window)) ms",
                    actual: Self.text(event)
                        + " after \(EventExpectation.format(Self.milliseconds(event.receivedAt - sentAt))) ms"))
        }
    }

    static func join(_ prefix: JSONPath, _ suffix: JSONPath) -> JSONPath {
        JSONPath(components: prefix.components + suffix.components)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    static func text(_ event: QMPEvent) -> String {
        var object: JSONObject = ["event": .string(event.name)]
        if let data = event.data { object["data"] = .object(data) }
        return ValueMatcher.text(.object(object))
    }

    private static func seen(_ events: [QMPEvent]) -> String {
        events.isEmpty ? " (no events at all)" : " (seen: " + events.map { text($0) }.joined(separator: ", ") + ")"
    }
}
