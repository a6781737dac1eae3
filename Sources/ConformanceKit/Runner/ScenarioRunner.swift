/// Runs one `Scenario` on a connected, negotiated `QMPClient` and judges it: one `CaseResult`
/// with a verdict of structured failures, the transcript of the scenario's exchange, and the
/// measured latency of every expected event beside its window.
///
/// Pipeline position: `ScenarioLoader` → [`Scenario`] → `ScenarioRunner` → [`CaseResult`] →
/// reporters. Failure rules: `return-mismatch`, `error-mismatch`, `capture-missing`,
/// `event-missing`, `event-late`, `event-order`, `event-unexpected`; paths start at the step
/// (`steps[2].return.name`, `steps[3].events[0]`). A step that cannot be sent (a variable
/// without a value) or gets no reply ends the scenario as `errored`. The `cleanup` steps always
/// run, unjudged. It does not launch, connect, check liveness or decide skips on its own:
/// callers ask `applicability(of:)` first.
public struct ScenarioRunner: Sendable {
    /// The run around the scenario.
    public var context: ScenarioContext

    /// Creates a runner.
    /// - Parameter context: scratch directory, ports, endpoint version and schema.
    public init(context: ScenarioContext) { self.context = context }

    /// Whether a scenario can run in this context, or why not.
    /// - Parameter scenario: the scenario.
    /// - Returns: `.run` or `.skip(reason)`.
    public func applicability(of scenario: Scenario) -> Scenario.Applicability {
        scenario.applicability(
            schema: context.schema, version: context.version, launchedEndpoint: context.launchedEndpoint)
    }

    /// The result of a scenario that was not run.
    /// - Parameters:
    ///   - scenario: the scenario.
    ///   - reason: why it was skipped.
    /// - Returns: a skipped result.
    public func skippedResult(_ scenario: Scenario, reason: String) -> CaseResult {
        CaseResult(
            caseID: scenario.caseID, suite: scenario.relativePath, summary: scenario.description, kind: .scenario,
            verdict: .skipped(reason), duration: 0)
    }

    /// Runs a scenario, or skips it when `applicability(of:)` says so.
    /// - Parameters:
    ///   - scenario: the scenario.
    ///   - client: a connected, negotiated client (with `recordsTranscript` for a transcript).
    /// - Returns: the result.
    public func runIfApplicable(_ scenario: Scenario, on client: QMPClient) async -> CaseResult {
        if case .skip(let reason) = applicability(of: scenario) { return skippedResult(scenario, reason: reason) }
        return await run(scenario, on: client)
    }

    /// Runs a scenario (without checking applicability).
    /// - Parameters:
    ///   - scenario: the scenario.
    ///   - client: a connected, negotiated client (with `recordsTranscript` for a transcript).
    /// - Returns: the result: passed, failed with every failure, or errored.
    public func run(_ scenario: Scenario, on client: QMPClient) async -> CaseResult {
        let started = ContinuousClock.now
        let transcriptStart = await client.transcript.entries.count
        var state = RunState(variables: ScenarioVariables(scratch: context.scratchDirectory))
        for name in scenario.portNames {
            do {
                state.variables.ports[name] = String(try context.ports.allocate())
            } catch {
                state.fatal = "cannot allocate a free port for ${port:\(name)}: \(error)"
                break
            }
        }
        if state.fatal == nil {
            for (index, step) in scenario.steps.enumerated() {
                await perform(step, at: JSONPath.root.appending("steps").appending(index: index), on: client, &state)
                if state.fatal != nil { break }
            }
        }
        for step in scenario.cleanup {
            guard case .execute(let command, let arguments) = step.action else { continue }
            var request: JSONObject?
            if let arguments {
                guard let substituted = try? state.variables.substitute(arguments) else { continue }
                request = substituted.objectValue
            }
            _ = try? await client.execute(command, arguments: request, timeout: timeout(of: step))
        }
        let verdict: Verdict
        if let fatal = state.fatal {
            let earlier = state.failures.map(\.description)
            verdict = .errored(
                earlier.isEmpty ? fatal : fatal + "; earlier failures: " + earlier.joined(separator: "; "))
        } else {
            verdict = state.failures.isEmpty ? .passed : .failed(state.failures)
        }
        let entries = await client.transcript.entries
        let transcript = QMPTranscript(entries: Array(entries[min(transcriptStart, entries.count)...]))
        return CaseResult(
            caseID: scenario.caseID, suite: scenario.relativePath, summary: scenario.description, kind: .scenario,
            verdict: verdict, duration: Self.seconds(ContinuousClock.now - started), transcript: transcript.description,
            eventTimings: state.timings)
    }

    /// What accumulates over one scenario.
    private struct RunState {
        var variables: ScenarioVariables
        var failures: [Verdict.Failure] = []
        var timings: [CaseResult.EventTiming] = []
        var fatal: String?
    }

    private func timeout(of step: Scenario.Step) -> Duration {
        step.timeoutMilliseconds.map { Duration.milliseconds($0) } ?? context.replyTimeout
    }

    private func perform(_ step: Scenario.Step, at path: JSONPath, on client: QMPClient, _ state: inout RunState) async
    {
        let command: String
        let arguments: JSONValue?
        switch step.action {
        case .sleep(let milliseconds):
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return
        case .execute(let name, let value):
            command = name
            arguments = value
        }
        // Substitute everything before sending, so a missing variable sends nothing.
        let request: JSONValue?
        let reply: Scenario.Step.ReplyExpectation
        var events = step.events
        var absent = step.absent
        do throws(ScenarioVariables.Failure) {
            let variables = state.variables
            request = try arguments.map { (value) throws(ScenarioVariables.Failure) in try variables.substitute(value) }
            switch step.reply {
            case .success(let matcher?):
                reply = .success(
                    try matcher.substituting(
                        values: { (value) throws(ScenarioVariables.Failure) in try variables.substitute(value) },
                        patterns: { (pattern) throws(ScenarioVariables.Failure) in
                            try variables.substitute(pattern: pattern)
                        }))
            case .success(nil):
                reply = .success(nil)
            case .error(var expectation):
                expectation.errorClass = try expectation.errorClass.map {
                    (text) throws(ScenarioVariables.Failure) in
                    try variables.substitute(.string(text)).stringValue ?? text
                }
                expectation.descPattern = try expectation.descPattern.map {
                    (text) throws(ScenarioVariables.Failure) in try variables.substitute(pattern: text)
                }
                reply = .error(expectation)
            }
            for index in events.indices {
                events[index].data = try events[index].data.map { (value) throws(ScenarioVariables.Failure) in
                    try variables.substitute(value)
                }
            }
            for index in absent.indices {
                absent[index].data = try absent[index].data.map { (value) throws(ScenarioVariables.Failure) in
                    try variables.substitute(value)
                }
            }
        } catch {
            state.fatal = "\(path) \(step.label): \(error.message)"
            return
        }

        let mark = await client.eventMark
        let clock = client.options.clock
        let sentAt = clock()
        let answer: QMPReply
        do {
            answer = try await client.execute(command, arguments: request?.objectValue, timeout: timeout(of: step))
        } catch {
            state.fatal = "\(path) \(step.label): no reply: \(error)"
            return
        }
        state.failures += judge(answer, against: reply, at: path)
        for capture in step.captures {
            if let value = capture.path.resolve(in: .object(answer.raw)) {
                state.variables.captured[capture.name] = value
            } else {
                state.failures.append(
                    Verdict.Failure(
                        rule: "capture-missing", path: Self.join(path, capture.path),
                        expected: "a value to capture as ${\(capture.name)}",
                        actual: ValueMatcher.text(.object(answer.raw))))
            }
        }

        var consumed = Set<Int>()
        for (index, expectation) in events.enumerated() {
            let eventPath = path.appending("events").appending(index: index)
            let taken = consumed
            let predicate: @Sendable (QMPEvent) -> Bool = { expectation.matches($0) && !taken.contains($0.sequence) }
            let remaining = Self.remaining(expectation.windowMilliseconds, since: sentAt, now: clock())
            var event = try? await client.waitForEvent(after: mark, timeout: remaining, matching: predicate)
            if event == nil {
                // Tell a late event from a missing one: wait a little longer.
                let grace = min(max(expectation.windowMilliseconds, 250), 1000)
                event = try? await client.waitForEvent(after: mark, timeout: .milliseconds(grace), matching: predicate)
            }
            guard let event else {
                state.failures.append(
                    Verdict.Failure(
                        rule: "event-missing", path: eventPath, expected: expectation.summary,
                        actual: "no such event" + Self.seen(await client.events(since: mark))))
                state.timings.append(
                    .init(
                        event: expectation.name, latencyMilliseconds: nil,
                        windowMilliseconds: expectation.windowMilliseconds))
                continue
            }
            consumed.insert(event.sequence)
            let latency = Self.milliseconds(event.receivedAt - sentAt)
            state.timings.append(
                .init(
                    event: expectation.name, latencyMilliseconds: latency,
                    windowMilliseconds: expectation.windowMilliseconds))
            if latency > expectation.windowMilliseconds {
                state.failures.append(
                    Verdict.Failure(
                        rule: "event-late", path: eventPath, expected: expectation.summary,
                        actual: "\(expectation.name) after \(Self.format(latency)) ms"))
            }
            switch expectation.order {
            case .beforeReply where event.sequence > answer.sequence:
                state.failures.append(
                    Verdict.Failure(
                        rule: "event-order", path: eventPath, expected: expectation.summary,
                        actual: "\(expectation.name) after the reply"))
            case .afterReply where event.sequence < answer.sequence:
                state.failures.append(
                    Verdict.Failure(
                        rule: "event-order", path: eventPath, expected: expectation.summary,
                        actual: "\(expectation.name) before the reply"))
            default:
                break
            }
        }

        for (index, forbidden) in absent.enumerated() {
            let window = forbidden.windowMilliseconds
            let predicate: @Sendable (QMPEvent) -> Bool = {
                forbidden.matches($0) && Self.milliseconds($0.receivedAt - sentAt) <= window
            }
            let remaining = Self.remaining(window, since: sentAt, now: clock())
            if let event = try? await client.waitForEvent(after: mark, timeout: remaining, matching: predicate) {
                state.failures.append(
                    Verdict.Failure(
                        rule: "event-unexpected", path: path.appending("absent").appending(index: index),
                        expected: "no \(forbidden.name)" + (forbidden.data.map { " " + ValueMatcher.text($0) } ?? "")
                            + " within \(EventExpectation.format(window)) ms",
                        actual: Self.text(event)
                            + " after \(Self.format(Self.milliseconds(event.receivedAt - sentAt))) ms"))
            }
        }
    }

    private func judge(_ answer: QMPReply, against expectation: Scenario.Step.ReplyExpectation, at path: JSONPath)
        -> [Verdict.Failure]
    {
        switch (expectation, answer.outcome) {
        case (.success(let matcher), .success(let value)):
            return (matcher?.mismatches(value, at: path.appending("return")) ?? []).map {
                Verdict.Failure(rule: "return-mismatch", path: $0.path, expected: $0.expected, actual: $0.actual)
            }
        case (.success, .error):
            return [
                Verdict.Failure(
                    rule: "return-mismatch", path: path.appending("error"), expected: "a success reply",
                    actual: ValueMatcher.text(answer.raw["error"] ?? .null))
            ]
        case (.error(let expected), .error(let error)):
            return expected.mismatches(error).map {
                Verdict.Failure(
                    rule: "error-mismatch", path: Self.join(path, $0.path), expected: $0.expected, actual: $0.actual)
            }
        case (.error(let expected), .success(let value)):
            var wanted = "an error reply"
            if let errorClass = expected.errorClass { wanted += " of class \(errorClass)" }
            if let pattern = expected.descPattern { wanted += " with desc matching /\(pattern)/" }
            return [
                Verdict.Failure(
                    rule: "error-mismatch", path: path.appending("return"), expected: wanted,
                    actual: "success " + ValueMatcher.text(value))
            ]
        }
    }

    private static func join(_ prefix: JSONPath, _ suffix: JSONPath) -> JSONPath {
        JSONPath(components: prefix.components + suffix.components)
    }

    private static func remaining(_ window: Double, since sentAt: ContinuousClock.Instant, now: ContinuousClock.Instant)
        -> Duration
    {
        max(.milliseconds(1), .milliseconds(window) - (now - sentAt))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    static func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1000 }

    static func format(_ milliseconds: Double) -> String {
        String(Double((milliseconds * 1000).rounded()) / 1000)
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
