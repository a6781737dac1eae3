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
        #expect(waivers.reason(for: result("branch 'nfs', all members")) == "known")
        #expect(waivers.reason(for: result("required members only")) == nil)
    }

    @Test func theShippedWaiverFileLoads() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("cases/waivers-qemu-7.2.json").path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(!(try Waivers.load([UInt8](bytes), file: path)).waivers.isEmpty)
    }
}
