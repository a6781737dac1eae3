import Testing

@testable import ConformanceKit

/// `values.json` and `policy.json`: unknown keys and wrong shapes are located errors, and the
/// value table's own values must keep the sandbox rules before any case is generated from them.
struct CaseInputFileTests {
    struct Fault: Sendable, CustomTestStringConvertible {
        var marked: String
        var message: String
        var testDescription: String { message }
    }

    static let valueTableFaults: [Fault] = [
        Fault(marked: #"{"roles": {"text": "t"}, 1️⃣"rolez": {}}"#, message: "unknown key 'rolez' in a value table"),
        Fault(marked: #"{"roles": {"text": 1️⃣"/etc/passwd"}}"#, message: "unsafe value \"/etc/passwd\""),
        Fault(marked: #"{"roles": {"text": 1️⃣"8.8.8.8"}}"#, message: "IPv4 address other than loopback"),
        Fault(marked: #"{"roles": {"text": 1️⃣"exec:rm -rf /"}}"#, message: "may run a host program ('exec:')"),
        Fault(marked: #"{"roles": {"text": 1️⃣"${nope}"}}"#, message: "unknown placeholder '${nope}'"),
        Fault(marked: #"{"roles": {"text": 1️⃣"${scratch"}}"#, message: "unknown placeholder '${scratch'"),
        Fault(marked: #"{"roles": {"text": 1️⃣"${scratch}/../x"}}"#, message: "escapes the scratch directory"),
        Fault(marked: #"{"roles": {"text": 1️⃣"tcp:10.0.0.1:1"}}"#, message: "migration URI to a host other"),
        Fault(marked: #"{"roles": {"text": "t"}, "doc": 1️⃣{}}"#, message: "'doc' must be a list of rules"),
        Fault(
            marked: #"{"roles": {"text": "t"}, "doc": [{"contains": "x", "role": "text", 1️⃣"rule": 1}]}"#,
            message: "unknown key 'rule' in a doc rule"),
        Fault(marked: #"{"roles": {"text": "t"}, "default": 1️⃣7}"#, message: "expected a string, got integer"),
        Fault(marked: #"1️⃣[]"#, message: "expected a value table (an object), got array"),
    ]

    static let policyFaults: [Fault] = [
        Fault(marked: #"{"effects": {}, 1️⃣"comands": {}}"#, message: "unknown key 'comands' in a safety policy"),
        Fault(marked: #"{"effects": {}, "commands": 1️⃣[]}"#, message: "expected an object, got array"),
        Fault(
            marked: #"{"effects": {}, "branches": {"netdev_add": 1️⃣"tap"}}"#, message: "expected an object, got string"),
    ]

    static func expectFault(_ fault: Fault, load: ([UInt8]) throws(DiagnosticError) -> Void) throws {
        let marked = MarkedText(fault.marked)
        let expected = try #require(marked.locations["1️⃣"])
        do {
            try load(Array(marked.text.utf8))
            Issue.record("expected an error: \(fault.message)")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.message.contains(fault.message), "\(diagnostic)")
            #expect(diagnostic.location?.line == expected.line && diagnostic.location?.column == expected.column)
        }
    }

    @Test(arguments: valueTableFaults)
    func aBadOrUnsafeValueTableIsAnErrorAtItsLocation(fault: Fault) throws {
        try Self.expectFault(fault) { (bytes) throws(DiagnosticError) in
            _ = try ValueTable.load(bytes, file: "values.json")
        }
    }

    @Test(arguments: policyFaults)
    func aBadPolicyIsAnErrorAtItsLocation(fault: Fault) throws {
        try Self.expectFault(fault) { (bytes) throws(DiagnosticError) in
            _ = try SafetyPolicy.load(bytes, file: "policy.json")
        }
    }

    @Test func theShippedTablesLoadAndEveryShippedRoleValueIsSafe() {
        let values = Fixtures.caseDirectory.values
        #expect(!values.roles.isEmpty)
        #expect(values.roles.values.allSatisfy { ValueSafety.unsafety($0) == nil })
        #expect(!Fixtures.caseDirectory.policy.commands.isEmpty)
    }
}
