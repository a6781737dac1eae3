import Foundation

@testable import ConformanceKit

/// A small hand-built run covering every verdict, an interruption, event timings, and a
/// transcript with control characters, markup characters, `]]>` and non-ASCII text.
enum SampleReport {
    static let hostileTranscript = """
        -> {"execute": "query-name", "id": 3}
        <- {"return": {"name": "vm<1> & \\"friends\\" 'é' ✓ 🚀 \u{01}\u{1B}[31mred\u{7F}"}, "id": 3}
        <- {"event": "X", "data": {"cdata": "]]>"}}

        """

    static let report = RunReport(
        name: "qmp-conform nightly",
        properties: [
            (key: "endpoint.version", value: "QEMU 7.2.0"),
            (key: "schema.digest", value: "sha256:3f1a9c"),
            (key: "seed", value: "42"),
            (key: "command-line", value: "qmp-conform run --launch 'qemu-system-x86_64 -machine none' --seed 42"),
        ],
        startedAt: Date(timeIntervalSince1970: 1_795_322_036),
        duration: 12.345,
        results: [
            CaseResult(
                caseID: "query-status/valid/0a1b2c3d", suite: "query-status", summary: "no arguments", kind: .valid,
                verdict: .passed, duration: 0.0012,
                transcript:
                    "-> {\"execute\": \"query-status\", \"id\": 1}\n<- {\"return\": {\"status\": \"running\"}, \"id\": 1}\n"
            ),
            CaseResult(
                caseID: "set_link/invalid/1a2b3c4d", suite: "set_link", summary: "'up' is a string", kind: .invalid,
                verdict: .failed([
                    Verdict.Failure(
                        rule: .invalidAccepted, path: JSONPath().appending("up"),
                        expected: "an error reply of class GenericError", actual: "{\"return\": {}}"),
                    Verdict.Failure(
                        rule: .returnsConformance, path: JSONPath().appending("return").appending(index: 0),
                        expected: "no members", actual: "{\"x<y\": 1}"),
                ]),
                duration: 0.0034,
                transcript:
                    "-> {\"execute\": \"set_link\", \"arguments\": {\"name\": \"net0\", \"up\": \"yes\"}, \"id\": 2}\n<- {\"return\": {}, \"id\": 2}\n"
            ),
            CaseResult(
                caseID: "set_link/valid/5e6f7a8b", suite: "set_link", summary: "required members only", kind: .valid,
                verdict: .passed, duration: 0.002),
            CaseResult(
                caseID: "protocol/protocol/9c0d1e2f", suite: "protocol", summary: "greeting names the version",
                kind: .protocol, verdict: .errored("endpoint closed the connection; stderr: qemu: <fatal> & gone"),
                duration: 1.5, transcript: hostileTranscript),
            CaseResult(
                caseID: "net/link-down.json/scenario/3a4b5c6d", suite: "net/link-down.json",
                summary: "link down and up",
                kind: .scenario, verdict: .passed, duration: 0.25,
                transcript: "-> {\"execute\": \"stop\", \"id\": 4}\n<- {\"return\": {}, \"id\": 4}\n",
                eventTimings: [
                    CaseResult.EventTiming(event: "RESUME", latencyMilliseconds: 0.8, windowMilliseconds: 1000),
                    CaseResult.EventTiming(
                        event: "NIC_RX_FILTER_CHANGED", latencyMilliseconds: 62.5, windowMilliseconds: 50),
                    CaseResult.EventTiming(event: "STOP", latencyMilliseconds: nil, windowMilliseconds: 100),
                ],
                outcome: NormalizedOutcome(
                    ending: .completed,
                    replies: [
                        .init(step: "steps[0]", command: "stop", kind: .return, shape: [:]),
                        .init(step: "steps[1]", command: "set_link", kind: .error, errorClass: .deviceNotFound),
                    ], events: ["RESUME", "NIC_RX_FILTER_CHANGED"]),
                timings: CaseTimings(
                    roundTrips: [.init("stop", milliseconds: 0.4), .init("set_link", milliseconds: 1.25)],
                    eventLatencies: [.init("RESUME after set_link", milliseconds: 0.8)])),
            CaseResult(
                caseID: "migrate/valid/7b8c9d0e", suite: "migrate", summary: "uri only", kind: .valid,
                verdict: .skipped("destructive command; pass --allow-destructive or use a launched endpoint"),
                duration: 0),
            CaseResult(
                caseID: "set_link/doc/4f5a6b7c", suite: "set_link", summary: "Example 1", kind: .doc,
                verdict: .skipped("run interrupted"), duration: 0),
        ],
        interrupted: true
    )

    /// The waiver file behind `reviewed`: one waiver that waives, one that has expired, one
    /// whose case passed.
    static let waiverFile = """
        {"waivers": [
          {"case": "set_link/invalid/*", "reason": "QEMU bug: & <accepted>", "expires": "2026-11-01",
           "link": "https://gitlab.com/qemu-project/qemu/-/issues/1"},
          {"case": "blockdev-add/valid/*", "summary": "branch 'nfs', *", "reason": "nfs rejects 'cache'"},
          {"case": "query-status/*", "reason": "fixed long ago", "expires": "2027-01-01"}
        ]}
        """

    /// The day `reviewed` runs on.
    static let today = CalendarDate("2026-11-22")!

    /// `report` with a waived case added and the waivers of `waiverFile` applied on `today`:
    /// the set_link failure fails again under its expired waiver, the nfs case is waived, and
    /// the last waiver is stale.
    static func reviewed() throws -> RunReport {
        let waivers = try Waivers.load(Array(waiverFile.utf8), file: "w.json")
        let nfs = CaseResult(
            caseID: "blockdev-add/valid/2de84ff1", suite: "blockdev-add", summary: "branch 'nfs', all members",
            kind: .valid,
            verdict: .failed([
                Verdict.Failure(
                    rule: .validRejected, expected: "not a validation error",
                    actual: "{\"class\": \"GenericError\", \"desc\": \"Parameter 'cache' is unexpected\"}")
            ]), duration: 0.004, transcript: "-> {\"execute\": \"blockdev-add\"}\n")
        var reviewed = report
        reviewed.results.insert(nfs, at: 1)
        reviewed.waiverReview = waivers.review(reviewed.results, today: today)
        reviewed.results = waivers.apply(to: reviewed.results, today: today)
        return reviewed
    }

    /// A run where every case passed.
    static let allPassed = RunReport(
        name: "clean", properties: [], startedAt: Date(timeIntervalSince1970: 0), duration: 0.05,
        results: report.results.filter { $0.verdict == .passed })
}
