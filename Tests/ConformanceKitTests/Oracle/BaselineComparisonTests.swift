import Foundation
import Testing

@testable import ConformanceKit

/// A run compared with a baseline of an earlier run: the same endpoint shows no change, an
/// endpoint made to deviate shows exactly its deviations with the right kind of change, and the
/// regressed cases fail while fixes are only reported.
struct BaselineComparisonTests {
    static let schema = try! SchemaLoader.loadSource(
        files: [
            "x": """
            { 'struct': 'Info', 'data': { 'name': 'str', '*size': 'int' } }
            { 'command': 'get', 'data': { 'name': 'str' }, 'returns': 'Info' }
            { 'command': 'poke', 'data': { 'name': 'str' } }
            { 'event': 'TICK', 'data': { 'n': 'int' } }
            """
        ], main: "x"
    ).schema

    static let items: [Runner.Item] = ["a", "b", "c"].flatMap { name in
        ["get", "poke"].map { .testCase(RunnerTests.valid($0, name)) }
    }

    /// A tolerance no measured time on a loaded machine exceeds: these runs compare outcomes, and
    /// the timing rules are pinned below with fixed times, never with measured ones.
    static let outcomesOnly = TimingTolerance(factor: 1000, marginMilliseconds: 600_000)

    /// Runs the items on a scripted endpoint; `deviate` answers a request differently.
    static func run(
        baseline: Baseline? = nil, _ deviate: @escaping @Sendable (JSONObject) -> String? = { _ in nil }
    ) async -> ConformanceRun.Result {
        let server = ScriptedEndpoint { _, request in
            if let body = deviate(request) { return .lines([ScriptedEndpoint.reply(request, body)]) }
            guard request["execute"] == "get" else { return nil }
            let name = JSONWriter.compact.string(request["arguments"]?["name"] ?? .null)
            return .lines([ScriptedEndpoint.reply(request, #""return": {"name": \#(name), "size": 1024}"#)])
        }
        let runner = Runner(configuration: server.configuration(), schema: schema)
        return await ConformanceRun(
            runner: runner, oracle: Oracle(schema: schema),
            reference: baseline.map { .baseline($0, tolerance: Self.outcomesOnly) }
        ).run(items)
    }

    static func id(_ command: String, _ name: String) -> String { RunnerTests.valid(command, name).id }

    static func named(_ name: String, _ command: String) -> @Sendable (JSONObject) -> Bool {
        { $0["execute"] == .string(command) && $0["arguments"]?["name"] == .string(name) }
    }

    @Test func aRerunOfTheSameEndpointShowsNoChange() async throws {
        let first = await Self.run()
        let second = await Self.run(baseline: first.observed)
        let comparison = try #require(second.comparison)
        #expect(comparison.changes.isEmpty, "\(comparison.changes)")
        #expect(comparison.compared == Self.items.count)
        #expect(second.results.allSatisfy { $0.verdict == .passed })
    }

    @Test func aChangedErrorClassIsAChangedOutcomeThatFailsTheCase() async throws {
        let isB = Self.named("b", "poke")
        let first = await Self.run { isB($0) ? #""error": {"class": "GenericError", "desc": "busy"}"# : nil }
        let second = await Self.run(baseline: first.observed) {
            isB($0) ? #""error": {"class": "DeviceNotFound", "desc": "busy elsewhere"}"# : nil
        }
        let comparison = try #require(second.comparison)
        #expect(comparison.changes.map(\.kind) == [.changedOutcome])
        let change = try #require(comparison.changes.first)
        #expect(change.caseID == Self.id("poke", "b"))
        #expect(change.before.contains("error GenericError") && change.after.contains("error DeviceNotFound"))
        let result = try #require(second.results.first { $0.caseID == change.caseID })
        #expect(RunnerTests.failures(result) == ["baseline-changed"])
    }

    @Test func anErrorDescriptionAloneIsNoChange() async throws {
        let isB = Self.named("b", "poke")
        let first = await Self.run { isB($0) ? #""error": {"class": "GenericError", "desc": "at 12:00"}"# : nil }
        let second = await Self.run(baseline: first.observed) {
            isB($0) ? #""error": {"class": "GenericError", "desc": "at 12:01"}"# : nil
        }
        #expect(second.comparison?.changes == [])
    }

    @Test func aDroppedOptionalReturnMemberIsAChangedOutcome() async throws {
        let first = await Self.run()
        let isA = Self.named("a", "get")
        let second = await Self.run(baseline: first.observed) { isA($0) ? #""return": {"name": "a"}"# : nil }
        let comparison = try #require(second.comparison)
        #expect(comparison.changes.map(\.kind) == [.changedOutcome])
        #expect(comparison.changes.first?.caseID == Self.id("get", "a"))
        #expect(comparison.changes.first?.before.contains("size") == true)
        #expect(comparison.changes.first?.after.contains("size") == false)
    }

    @Test func aDroppedRequiredReturnMemberIsARegressionAndItsReturnIsAFix() async throws {
        let first = await Self.run()
        let isC = Self.named("c", "get")
        let broken = await Self.run(baseline: first.observed) { isC($0) ? #""return": {"size": 1}"# : nil }
        let regression = try #require(broken.comparison)
        #expect(regression.changes.map(\.kind) == [.regression])
        #expect(regression.hasRegressions)
        let failed = try #require(broken.results.first { $0.caseID == Self.id("get", "c") })
        #expect(RunnerTests.failures(failed) == ["returns-missing-member", "baseline-regression"])

        let fixed = await Self.run(baseline: broken.observed)
        let fix = try #require(fixed.comparison)
        #expect(fix.changes.map(\.kind) == [.fix])
        #expect(!fix.hasRegressions)
        #expect(fixed.results.allSatisfy { $0.verdict == .passed }, "a fix is reported, not failed")
    }

    @Test func casesOnlyOneSideHasAreAddedOrGone() {
        let timings = CaseTimings.none
        let old = Baseline(entries: [
            .init(caseID: "x/valid/1", verdict: .passed, outcome: nil, timings: timings),
            .init(caseID: "x/valid/2", verdict: .passed, outcome: nil, timings: timings),
        ])
        let new = Baseline(entries: [
            .init(caseID: "x/valid/2", verdict: .passed, outcome: nil, timings: timings),
            .init(caseID: "x/valid/3", verdict: .failed, outcome: nil, timings: timings),
        ])
        let comparison = BaselineComparison(baseline: old, current: new)
        #expect(comparison.changes.map { "\($0.kind.rawValue) \($0.caseID)" } == ["added x/valid/3", "gone x/valid/1"])
        #expect(!comparison.hasRegressions, "added and gone cases are reported, not regressions")
    }

    /// An observation of `get` whose reply takes `replyAfter` ms and whose TICK, sent while the
    /// command ran, comes `eventAfter` ms after sending, on a fixed clock.
    static func observation(replyAfter: Int, eventAfter: Int) -> Observation {
        let start = ContinuousClock.now
        let request: JSONObject = ["execute": "get", "arguments": ["name": "a"], "id": 1]
        let reply = QMPReply(
            ["return": ["name": "a"], "id": 1], receivedAt: start + .milliseconds(max(replyAfter, eventAfter)),
            sequence: 2)
        let event = QMPEvent(
            name: "TICK", data: ["n": 1], timestamp: QMPTimestamp(seconds: 1, microseconds: 0),
            receivedAt: start + .milliseconds(eventAfter), sequence: 1)
        return Observation(
            exchanges: [Observation.Exchange(request: request, sentAt: start, reply: reply)], events: [event])
    }

    static func timingChanges(
        from old: (reply: Int, event: Int), to new: (reply: Int, event: Int), tolerance: TimingTolerance = .standard
    ) -> [BaselineComparison.Change] {
        let oracle = Oracle(schema: schema)
        let item = Runner.Item.testCase(RunnerTests.valid("get", "a"))
        let before = oracle.judge(item, observation(replyAfter: old.reply, eventAfter: old.event))
        let after = oracle.judge(item, observation(replyAfter: new.reply, eventAfter: new.event))
        return BaselineComparison(
            baseline: Baseline(results: [before]), current: Baseline(results: [after]), tolerance: tolerance
        ).changes
    }

    @Test func anEventDelayedPastTheToleranceIsATimingRegression() throws {
        // The command's reply waits for the event, so its round trip regresses with it.
        let changes = Self.timingChanges(from: (reply: 2, event: 10), to: (reply: 2, event: 400))
        #expect(changes.map(\.kind) == [.timingRegression, .timingRegression])
        let event = try #require(changes.first { $0.before.hasPrefix("event") })
        #expect(event.before == "event TICK after get 10.0 ms", "\(changes)")
        #expect(event.after.hasPrefix("400.0 ms; get over 1 case: median 10.0 -> 400.0 ms"))
    }

    @Test func aSlowerRoundTripPastTheToleranceIsATimingRegression() {
        let changes = Self.timingChanges(from: (reply: 5, event: 10), to: (reply: 90, event: 10))
        #expect(changes.map(\.before) == ["round trip get 10.0 ms"])
    }

    @Test(arguments: [
        (1, 45),  // 45 times slower, but only 44 ms more
        (200, 580),  // 380 ms more, but under 3 times
    ])
    func aTimeThatExceedsOnlyTheFactorOrOnlyTheMarginIsNoise(old: Int, new: Int) {
        #expect(Self.timingChanges(from: (reply: old, event: old), to: (reply: new, event: new)).isEmpty)
    }

    /// A baseline of five `get` cases with the given round trips.
    static func roundTrips(_ times: [Double]) -> Baseline {
        Baseline(
            entries: times.enumerated().map { index, time in
                .init(
                    caseID: "get/valid/\(index)", verdict: .passed, outcome: nil,
                    timings: CaseTimings(roundTrips: [.init("get", milliseconds: time)], eventLatencies: []))
            })
    }

    @Test func oneStalledCaseAmongItsCommandsIsNoiseButASlowerCommandIsNot() {
        let before = Self.roundTrips([1, 2, 1, 2, 1])
        let stalled = BaselineComparison(baseline: before, current: Self.roundTrips([1, 2, 90, 2, 1]))
        #expect(stalled.changes.isEmpty, "the median stayed: \(stalled.changes)")
        let slower = BaselineComparison(baseline: before, current: Self.roundTrips([80, 90, 1, 85, 95]))
        #expect(slower.changes.map(\.caseID) == ["get/valid/0", "get/valid/1", "get/valid/3", "get/valid/4"])
    }

    @Test func aTighterToleranceFlagsWhatTheDefaultCallsNoise() {
        let strict = TimingTolerance(parsing: "1.5x+10ms")!
        let changes = Self.timingChanges(
            from: (reply: 200, event: 200), to: (reply: 580, event: 580), tolerance: strict)
        #expect(changes.map(\.kind) == [.timingRegression, .timingRegression])
    }

    @Test(arguments: [
        ("3x+50ms", TimingTolerance(factor: 3, marginMilliseconds: 50)),
        ("1.5x+0ms", TimingTolerance(factor: 1.5, marginMilliseconds: 0)),
        ("0.5x+50ms", nil), ("3x", nil), ("3+50ms", nil), ("3x+-1ms", nil), ("x+ms", nil),
    ])
    func toleranceOptionsReadFactorAndMargin(text: String, expected: TimingTolerance?) {
        #expect(TimingTolerance(parsing: text) == expected)
    }
}
