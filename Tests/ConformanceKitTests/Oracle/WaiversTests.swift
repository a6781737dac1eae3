import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// Waiver files: a waiver narrows to the cases it names, and every malformed entry is an error at
/// its location rather than a waiver that matches more, or other, cases than written.
struct WaiversTests {
    struct Fault: Sendable, CustomTestStringConvertible {
        var marked: String
        var message: String
        var testDescription: String { message }
    }

    static let faults: [Fault] = [
        Fault(marked: #"{"waivers": [1️⃣{"reason": "all of them"}]}"#, message: "a waiver must name the cases it waives"),
        Fault(
            marked: #"{"waivers": [1️⃣{"case": "*", "summary": "*", "reason": "all"}]}"#,
            message: "a waiver must name the cases it waives"),
        Fault(
            marked: #"{"waivers": [{"case": "x/*", "summary": 1️⃣7, "reason": "r"}]}"#,
            message: "expected a string, got integer"),
        Fault(
            marked: #"{"waivers": [{"case": 1️⃣["x/*"], "reason": "r"}]}"#, message: "expected a string, got array"),
        Fault(
            marked: #"{"waivers": [{"case": "x/*", "reason": 1️⃣true}]}"#, message: "expected a string, got boolean"),
        Fault(
            marked: #"{"waivers": [{"case": "x/*", 1️⃣"sumary": "s", "reason": "r"}]}"#,
            message: "unknown key 'sumary' in a waiver"),
        Fault(marked: #"{"waivers": [], 1️⃣"waiver": []}"#, message: "unknown key 'waiver' in a waiver file"),
        Fault(marked: #"{"waivers": [1️⃣"x/*"]}"#, message: "expected a waiver (an object), got string"),
        Fault(marked: #"{"waivers": [1️⃣{"case": "x"}]}"#, message: "every waiver needs a \"reason\""),
    ]

    @Test(arguments: faults)
    func aMalformedWaiverIsAnErrorAtItsLocation(fault: Fault) throws {
        let marked = MarkedText(fault.marked)
        let expected = try #require(marked.locations["1️⃣"])
        do {
            _ = try Waivers.load(Array(marked.text.utf8), file: "w.json")
            Issue.record("expected an error: \(fault.message)")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.message.contains(fault.message), "\(diagnostic)")
            #expect(diagnostic.location?.line == expected.line && diagnostic.location?.column == expected.column)
        }
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
