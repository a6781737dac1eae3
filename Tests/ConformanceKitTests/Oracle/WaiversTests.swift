import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// Waiver files: a waiver narrows to the cases it names, and every malformed entry is an error at
/// its location rather than a waiver that matches more, or other, cases than written.
struct WaiversTests {
    static let faults: [LocatedFault] = [
        LocatedFault(
            marked: #"{"waivers": [1️⃣{"reason": "all of them"}]}"#, message: "a waiver must name the cases it waives"),
        LocatedFault(
            marked: #"{"waivers": [1️⃣{"case": "*", "summary": "*", "reason": "all"}]}"#,
            message: "a waiver must name the cases it waives"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "summary": 1️⃣7, "reason": "r"}]}"#,
            message: "expected a string, got integer"),
        LocatedFault(
            marked: #"{"waivers": [{"case": 1️⃣["x/*"], "reason": "r"}]}"#, message: "expected a string, got array"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "reason": 1️⃣true}]}"#, message: "expected a string, got boolean"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", 1️⃣"sumary": "s", "reason": "r"}]}"#,
            message: "unknown key 'sumary' in a waiver"),
        LocatedFault(marked: #"{"waivers": [], 1️⃣"waiver": []}"#, message: "unknown key 'waiver' in a waiver file"),
        LocatedFault(marked: #"{"waivers": [1️⃣"x/*"]}"#, message: "expected a waiver (an object), got string"),
        LocatedFault(marked: #"{"waivers": [1️⃣{"case": "x"}]}"#, message: "every waiver needs a \"reason\""),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "reason": "r", "targets": 1️⃣["qsx"]}]}"#,
            message: "'targets' must be a non-empty list of target names (qemu, qsd, qga)"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "reason": "r", "targets": 1️⃣[]}]}"#,
            message: "'targets' must be a non-empty list of target names"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "reason": "r", "expires": 1️⃣"2026-02-30"}]}"#,
            message: "'expires' must be a day written YYYY-MM-DD, got '2026-02-30'"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "reason": "r", "expires": 1️⃣"next week"}]}"#,
            message: "'expires' must be a day written YYYY-MM-DD"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "reason": "r", "expires": 1️⃣20270101}]}"#,
            message: "expected a string, got integer"),
        LocatedFault(
            marked: #"{"waivers": [{"case": "x/*", "reason": "r", "link": 1️⃣"javascript:alert(1)"}]}"#,
            message: "'link' must be an http(s) address"),
    ]

    @Test(arguments: faults)
    func aMalformedWaiverIsAnErrorAtItsLocation(fault: LocatedFault) throws {
        try fault.expectError { (bytes) throws(DiagnosticError) in _ = try Waivers.load(bytes, file: "w.json") }
    }

    @Test func aSummaryOnlyWaiverWaivesOnlyMatchingSummaries() throws {
        let waivers = try Waivers.load(
            Array(#"{"waivers": [{"summary": "branch 'nfs', *", "reason": "known"}]}"#.utf8), file: "w.json")
        let result = { (summary: String) in
            CaseResult(
                caseID: "c/valid/1", suite: "c", summary: summary, kind: .valid, verdict: .failed([]), duration: 0)
        }
        #expect(waivers.waiver(for: result("branch 'nfs', all members"))?.reason == "known")
        #expect(waivers.waiver(for: result("required members only")) == nil)
    }

    static let dated = #"""
        {"waivers": [
          {"case": "get/valid/*", "reason": "known bug", "expires": "2026-12-01", "link": "https://example.org/1"},
          {"case": "fixed/*", "reason": "fixed in 8.0"}
        ]}
        """#

    static func failing(_ id: String) -> CaseResult {
        CaseResult(
            caseID: id, suite: "get", summary: "s", kind: .valid,
            verdict: .failed([Verdict.Failure(rule: .validRejected, expected: "e", actual: "a")]), duration: 0)
    }

    @Test func aWaiverWaivesUpToTheDayBeforeItExpires() throws {
        let waivers = try Waivers.load(Array(Self.dated.utf8), file: "w.json")
        let waived = waivers.apply(to: Self.failing("get/valid/1"), today: CalendarDate("2026-11-30")!)
        #expect(
            waived.verdict
                == .waived(
                    reason: "known bug",
                    failures: [Verdict.Failure(rule: .validRejected, expected: "e", actual: "a")]))
        #expect(waivers.waivers[0].link == "https://example.org/1")
    }

    @Test func anExpiredWaiverFailsItsCasesWithItsReasonAndLocation() throws {
        let waivers = try Waivers.load(Array(Self.dated.utf8), file: "w.json")
        let results = [Self.failing("get/valid/1")]
        let applied = waivers.apply(to: results, today: CalendarDate("2026-12-01")!)
        guard case .failed(let failures) = applied[0].verdict else {
            Issue.record("expected a failure, got \(applied[0].verdict)")
            return
        }
        #expect(failures.map(\.rule) == [.validRejected, .waiverExpired])
        #expect(failures.last?.actual == "the waiver at w.json:2:3 expired on 2026-12-01: known bug")
        let report = RunReport(
            name: "r", properties: [], startedAt: Date(timeIntervalSince1970: 0), duration: 0, results: applied)
        #expect(report.exitStatus == .conformanceFailures)
        let review = waivers.review(results, today: CalendarDate("2026-12-01")!)
        #expect(review.expired.map(\.reason) == ["known bug"])
    }

    @Test func aWaiverThatMatchesNoFailingCaseIsStaleAndFailsOnlyAStrictRun() throws {
        let waivers = try Waivers.load(Array(Self.dated.utf8), file: "w.json")
        let passing = CaseResult(
            caseID: "fixed/valid/1", suite: "fixed", summary: "s", kind: .valid, verdict: .passed, duration: 0)
        let results = [Self.failing("get/valid/1"), passing]
        let today = CalendarDate("2026-11-01")!
        let review = waivers.review(results, today: today)
        #expect(review.stale.map(\.reason) == ["fixed in 8.0"])
        #expect(review.stale.first?.location.description == "w.json:3:3")
        #expect(review.expired.isEmpty)
        var report = RunReport(
            name: "r", properties: [], startedAt: Date(timeIntervalSince1970: 0), duration: 0,
            results: waivers.apply(to: results, today: today), waiverReview: review)
        #expect(report.exitStatus == .success)
        report.waiverReview = waivers.review(results, today: today, staleFailsRun: true)
        #expect(report.exitStatus == .conformanceFailures)
        #expect(HTMLReporter().render(report).contains("<h1>FAILED"))
        #expect(
            ConsoleReporter().render(report).contains("STALE w.json:3:3: case 'fixed/*', summary '*': fixed in 8.0"))
    }

    @Test func aWaiverWhoseCasesDidNotRunIsNotStale() throws {
        let waivers = try Waivers.load(
            Array(#"{"waivers": [{"case": "*/doc/*", "reason": "doc cases need a source schema"}]}"#.utf8),
            file: "w.json")
        let passing = CaseResult(
            caseID: "get/valid/1", suite: "get", summary: "s", kind: .valid, verdict: .passed, duration: 0)
        let skipped = CaseResult(
            caseID: "get/doc/1", suite: "get", summary: "s", kind: .doc, verdict: .skipped("not here"), duration: 0)
        #expect(
            waivers.review([passing, skipped], today: CalendarDate("2026-11-01")!, staleFailsRun: true).stale.isEmpty)
    }

    @Test func aWaiverForOtherTargetsLeavesTheRunAndOneWithoutTargetsStays() throws {
        let waivers = try Waivers.load(
            Array(
                #"""
                {"waivers": [{"case": "a/*", "reason": "daemon only", "targets": ["qsd"]},
                             {"case": "b/*", "reason": "everywhere"}]}
                """#.utf8), file: "w.json")
        #expect(waivers.waivers.first?.targets == ["qsd"])
        #expect(waivers.applying(to: "qemu").waivers.map(\.reason) == ["everywhere"])
        #expect(waivers.applying(to: "qsd").waivers.count == 2)
        #expect(waivers.applying(to: nil).waivers.count == 2, "a socket's target has no name: every waiver stays")
    }

    @Test func theShippedWaiverFileLoads() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("cases/waivers-qemu-7.2.json").path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(!(try Waivers.load([UInt8](bytes), file: path)).waivers.isEmpty)
    }
}
