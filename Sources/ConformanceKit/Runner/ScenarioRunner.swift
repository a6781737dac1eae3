/// Carries one `Scenario` out on a connected, negotiated `QMPClient` and records what happened:
/// one `Observation` whose exchanges hold each step as sent (variables substituted, expectations
/// included) with its reply, plus every event and protocol fault seen. It never judges: the
/// `Oracle` does, from the observation.
///
/// Pipeline position: `ScenarioLoader` → [`Scenario`] → `ScenarioRunner` → [`Observation`] →
/// `Oracle`. After each step it waits until the step's expected events have arrived (or their
/// windows plus grace have passed) and waits out the windows of forbidden events, so the
/// observation holds what the judge needs. A step that cannot be sent (a variable without a
/// value) or gets no reply ends the scenario as broken. The `cleanup` steps always run; their
/// replies are not recorded as exchanges. It does not launch, connect, or decide skips.
public struct ScenarioRunner: Sendable {
    /// How long a step waits for its reply unless it says `timeout_ms`.
    public var replyTimeout: Duration

    /// Creates a runner.
    /// - Parameter replyTimeout: the default reply timeout.
    public init(replyTimeout: Duration = .seconds(5)) { self.replyTimeout = replyTimeout }

    /// Runs a scenario (the caller has decided it applies).
    /// - Parameters:
    ///   - scenario: the scenario.
    ///   - client: a connected, negotiated client.
    ///   - variables: `${scratch}` and the scenario's ports; captures are added as steps run.
    ///   - passedFile: the file whose descriptor a step that passes one sends (in the endpoint's
    ///     scratch directory); without it such a step breaks the scenario.
    /// - Returns: the observation.
    public func run(
        _ scenario: Scenario, on client: QMPClient, variables: CaseVariables, passing passedFile: PassedFile? = nil
    ) async -> Observation {
        let start = ContinuousClock.now
        let marks = await Runner.Marks(client)
        var state = RunState(variables: variables, passedFile: passedFile)
        for (index, step) in scenario.steps.enumerated() {
            await perform(step, at: JSONPath.root.appending("steps").appending(index: index), on: client, &state)
            if Task.isCancelled, state.broken == nil { state.broken = "cut short before steps[\(index + 1)]" }
            if state.broken != nil { break }
        }
        for step in scenario.cleanup {
            // A cleanup step whose variables have no value (its capture failed) is left out.
            guard let cleanup = try? step.substituting(state.variables),
                case .execute(let command, let arguments) = cleanup.action
            else { continue }
            let files = step.passesDescriptor ? [passedFile].compactMap { $0 } : []
            _ = try? await client.execute(
                command, arguments: arguments?.objectValue, passing: files, timeout: timeout(of: step))
        }
        var observation = await marks.observation(of: client, exchanges: state.exchanges, since: start)
        if let broken = state.broken { observation.ending = .broken(broken) }
        return observation
    }

    /// What accumulates over one scenario.
    private struct RunState {
        var variables: CaseVariables
        var passedFile: PassedFile?
        var exchanges: [Observation.Exchange] = []
        var broken: String?
    }

    private func timeout(of step: Scenario.Step) -> Duration {
        step.timeoutMilliseconds.map { Duration.milliseconds($0) } ?? replyTimeout
    }

    private func perform(_ step: Scenario.Step, at path: JSONPath, on client: QMPClient, _ state: inout RunState) async
    {
        if case .sleep(let milliseconds) = step.action {
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return
        }
        // Substitute everything before sending, so a missing variable sends nothing.
        let resolved: Scenario.Step
        do {
            resolved = try step.substituting(state.variables)
        } catch {
            state.broken = "\(path) \(step.label): \(error.message)"
            return
        }
        guard case .execute(let command, let arguments) = resolved.action else { return }
        var files: [PassedFile] = []
        if step.passesDescriptor {
            guard let file = state.passedFile else {
                state.broken = "\(path) \(step.label): passes a file descriptor, and the run has no file to pass"
                return
            }
            files = [file]
        }
        var request: JSONObject = ["execute": .string(command)]
        if let arguments { request["arguments"] = arguments }
        let mark = await client.eventMark
        var exchange = Observation.Exchange(
            path: path, step: resolved, request: request, sentAt: client.options.clock())
        do {
            exchange.reply = try await client.execute(
                command, arguments: arguments?.objectValue, passing: files, timeout: timeout(of: step))
        } catch {
            exchange.failure = "\(error)"
            state.exchanges.append(exchange)
            state.broken = "\(path) \(step.label): no reply: \(error)"
            return
        }
        for capture in resolved.captures {
            if let reply = exchange.reply, let value = capture.path.resolve(in: .object(reply.raw)) {
                state.variables.captured[capture.name] = value
            }
        }
        state.exchanges.append(exchange)
        await waitForEvents(of: resolved, sentAt: exchange.sentAt, mark: mark, on: client)
    }

    /// Waits until every expected event of the step has arrived or its window and grace have
    /// passed, and until the windows of the forbidden events have passed (or one arrived).
    private func waitForEvents(
        of step: Scenario.Step, sentAt: ContinuousClock.Instant, mark: Int, on client: QMPClient
    ) async {
        let expectedBy = step.events.map { $0.windowMilliseconds + $0.graceMilliseconds }.max() ?? 0
        await wait(until: sentAt + .milliseconds(expectedBy), mark: mark, on: client) { events in
            !EventExpectation.assign(step.events, to: events).contains(nil)
        }
        let absentBy = step.absent.map(\.windowMilliseconds).max() ?? 0
        await wait(until: sentAt + .milliseconds(absentBy), mark: mark, on: client) { events in
            events.contains { event in step.absent.contains { $0.matches(event) } }
        }
    }

    /// Waits for events after a mark until `done` holds for them or the deadline passes.
    private func wait(
        until deadline: ContinuousClock.Instant, mark: Int, on client: QMPClient, done: ([QMPEvent]) -> Bool
    ) async {
        while true {
            let events = await client.events(since: mark)
            let remaining = deadline - client.options.clock()
            if done(events) || remaining <= .zero { return }
            do {
                _ = try await client.waitForEvent(after: mark + events.count, timeout: remaining) { _ in true }
            } catch {
                return
            }
        }
    }
}
