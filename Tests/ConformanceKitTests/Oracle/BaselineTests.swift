import Foundation
import Testing

@testable import ConformanceKit

/// The baseline file: its format (golden), reading it back, and located errors for a file that
/// is not one.
struct BaselineTests {
    static let baseline = Baseline(
        entries: [
            .init(
                caseID: "query-status/valid/0a1b2c3d", verdict: .passed,
                outcome: NormalizedOutcome(
                    ending: .completed,
                    replies: [
                        .init(
                            step: "$", command: "query-status", kind: .return,
                            shape: NormalizedOutcome.shape(of: ["running": false, "status": "prelaunch"]))
                    ]),
                timings: CaseTimings(roundTrips: [.init("query-status", milliseconds: 0.8123456)], eventLatencies: [])),
            .init(
                caseID: "net/link.json/scenario/3a4b5c6d", verdict: .failed,
                outcome: NormalizedOutcome(
                    ending: .completed,
                    replies: [
                        .init(step: "steps[0]", command: "stop", kind: .return, shape: [:]),
                        .init(step: "steps[1]", command: "set_link", kind: .error, errorClass: .deviceNotFound),
                        .init(step: "steps[2]", command: "cont", kind: .none),
                    ], events: ["STOP"]),
                timings: CaseTimings(
                    roundTrips: [.init("stop", milliseconds: 1.5), .init("set_link", milliseconds: 2)],
                    eventLatencies: [.init("STOP after stop", milliseconds: 0.9)])),
            .init(caseID: "endpoint/protocol/could-not-start", verdict: .errored, outcome: nil, timings: .none),
            .init(
                caseID: "protocol/protocol/9c0d1e2f", verdict: .skipped,
                outcome: NormalizedOutcome(ending: .completed, check: .skipped), timings: .none),
        ],
        properties: ["seed": "42", "endpoint.version": "7.2.0", "schema.digest": "sha256:3f1a9c"])

    @Test func baselineFileMatchesGoldenFile() {
        assertGolden(Self.baseline.render(), named: "Oracle/baseline.json")
    }

    @Test func aBaselineFileReadsBackAsWritten() throws {
        let text = Self.baseline.render()
        #expect(try Baseline.load(Array(text.utf8), file: "b.json") == Self.baseline)
    }

    @Test func aReplyShapeKeepsKeysBooleansAndKindsButNoValues() {
        let value: JSONValue = [
            "port": 5901, "host": "127.0.0.1", "enabled": true, "ratio": 0.5, "none": nil,
            "list": [["id": "a"], ["id": "b"], ["id": "c", "extra": 1]],
        ]
        #expect(
            JSONWriter.compact.string(NormalizedOutcome.shape(of: value))
                == #"{"enabled":true,"host":"<string>","list":[{"extra":"<integer>","id":"<string>"},{"id":"<string>"}],"none":null,"port":"<integer>","ratio":"<number>"}"#
        )
    }

    @Test func anOutcomeAndItsTimesKeepTheEventsThatArrivedWhileACommandRanNotThoseAfterItsReply() {
        let start = ContinuousClock.now
        func event(_ name: String, _ sequence: Int) -> QMPEvent {
            QMPEvent(
                name: name, data: nil, timestamp: QMPTimestamp(seconds: 1, microseconds: 0),
                receivedAt: start + .milliseconds(sequence), sequence: sequence)
        }
        let observation = Observation(
            exchanges: [
                Observation.Exchange(
                    request: ["execute": "stop", "id": 1], sentAt: start,
                    reply: QMPReply(["return": [:], "id": 1], receivedAt: start + .milliseconds(3), sequence: 3))
            ],
            events: [event("STOP", 1), event("STOP", 2), event("JOB_STATUS_CHANGE", 4)])
        let outcome = NormalizedOutcome(observation)
        #expect(outcome.events == ["STOP"])
        #expect(CaseTimings(observation).eventLatencies.map(\.name) == ["STOP after stop", "STOP after stop"])
    }

    @Test func anEventFloodWhileACommandRunsKeepsABoundedNumberOfNamesAndTimes() {
        let start = ContinuousClock.now
        let events = (0..<1000).map { index in
            QMPEvent(
                name: "E\(index)", data: nil, timestamp: QMPTimestamp(seconds: 1, microseconds: 0), receivedAt: start,
                sequence: index)
        }
        let observation = Observation(
            exchanges: [
                Observation.Exchange(
                    request: ["execute": "stop", "id": 1], sentAt: start,
                    reply: QMPReply(["return": [:], "id": 1], receivedAt: start, sequence: 1000))
            ], events: events)
        #expect(NormalizedOutcome(observation).events.count == CaseTimings.maximumMeasures)
        #expect(CaseTimings(observation).eventLatencies.count == CaseTimings.maximumMeasures)
    }

    @Test(arguments: [
        (#"{"format": 2, "cases": []}"#, "b.json:1:12: error: not a baseline of format 1"),
        (
            #"{"format": 1, "cases": [{"id": "a", "verdict": "passed"}, {"id": "a", "verdict": "passed"}]}"#,
            "b.json:1:66: error: case 'a' is listed twice"
        ),
        (#"{"format": 1, "cases": [{"id": "a", "verdict": "fine"}]}"#, "b.json:1:48: error: unknown value 'fine'"),
        (
            #"{"format": 1, "cases": [{"id": "a", "verdict": "passed", "timings": {"roundTrips": [{"name": "x", "milliseconds": -1}]}}]}"#,
            "b.json:1:85: error: 'milliseconds' must be a number of at least 0"
        ),
    ])
    func aMalformedBaselineIsRejectedWhereItIsWrong(text: String, message: String) {
        #expect {
            try Baseline.load(Array(text.utf8), file: "b.json")
        } throws: { error in
            (error as? DiagnosticError)?.description.hasPrefix(message) == true
        }
    }
}
