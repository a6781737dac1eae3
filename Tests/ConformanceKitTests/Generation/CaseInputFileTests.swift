import Testing

@testable import ConformanceKit

/// `values.json` and `policy.json`: unknown keys and wrong shapes are located errors, and the
/// value table's own values must keep the sandbox rules before any case is generated from them.
struct CaseInputFileTests {
    static let valueTableFaults: [LocatedFault] = [
        LocatedFault(
            marked: #"{"roles": {"text": "t"}, 1️⃣"rolez": {}}"#, message: "unknown key 'rolez' in a value table"),
        LocatedFault(marked: #"{"roles": {"text": 1️⃣"/etc/passwd"}}"#, message: "unsafe value \"/etc/passwd\""),
        LocatedFault(marked: #"{"roles": {"text": 1️⃣"8.8.8.8"}}"#, message: "IPv4 address other than loopback"),
        LocatedFault(marked: #"{"roles": {"text": 1️⃣"exec:rm -rf /"}}"#, message: "may run a host program ('exec:')"),
        LocatedFault(marked: #"{"roles": {"text": 1️⃣"${nope}"}}"#, message: "unknown placeholder '${nope}'"),
        LocatedFault(marked: #"{"roles": {"text": 1️⃣"${scratch"}}"#, message: "unknown placeholder '${scratch'"),
        LocatedFault(marked: #"{"roles": {"text": 1️⃣"${scratch}/../x"}}"#, message: "escapes the scratch directory"),
        LocatedFault(marked: #"{"roles": {"text": 1️⃣"tcp:10.0.0.1:1"}}"#, message: "migration URI to a host other"),
        LocatedFault(marked: #"{"roles": {"text": "t"}, "doc": 1️⃣{}}"#, message: "'doc' must be a list of rules"),
        LocatedFault(
            marked: #"{"roles": {"text": "t"}, "doc": [{"contains": "x", "role": "text", 1️⃣"rule": 1}]}"#,
            message: "unknown key 'rule' in a doc rule"),
        LocatedFault(marked: #"{"roles": {"text": "t"}, "default": 1️⃣7}"#, message: "expected a string, got integer"),
        LocatedFault(marked: #"1️⃣[]"#, message: "expected a value table (an object), got array"),
        LocatedFault(
            marked: #"{"roles": {"text": "t", "qom": "/objects/x"}, "members": {"path": 1️⃣"qom"}}"#,
            message: "role 'qom' holds a QOM path"),
        LocatedFault(
            marked: #"{"roles": {"text": "t"}, "commands": {"c": {"m": 1️⃣"nope"}}}"#, message: "unknown role 'nope'"),
        LocatedFault(
            marked: #"{"roles": {"text": "t"}, "commands": {"c": {"m": 1️⃣{"value": 1}}}}"#,
            message: "expected {\"enum\": VALUE}"),
        LocatedFault(
            marked: #"{"roles": {"text": "t"}, "commands": {"c": {"m": 1️⃣2.5}}}"#, message: "expected an integer"),
        LocatedFault(
            marked: #"{"roles": {"text": "t"}, "commands": 1️⃣[]}"#, message: "'commands' must be an object of commands"),
        LocatedFault(marked: #"{"roles": {"text": "t"}, "integers": {"m": 1️⃣"1"}}"#, message: "expected an integer"),
    ]

    static let policyFaults: [LocatedFault] = [
        LocatedFault(marked: #"{"effects": {}, 1️⃣"comands": {}}"#, message: "unknown key 'comands' in a safety policy"),
        LocatedFault(marked: #"{"effects": {}, "commands": 1️⃣[]}"#, message: "expected an object, got array"),
        LocatedFault(
            marked: #"{"effects": {}, "branches": {"netdev_add": 1️⃣"tap"}}"#, message: "expected an object, got string"),
        LocatedFault(
            marked: #"{"effects": {"e": "x"}, "commands": {"quit": 1️⃣[]}}"#, message: "'quit' has an empty effect list"),
        LocatedFault(
            marked: #"{"effects": {"e": "x"}, "safe": ["quit"], "commands": {"quit": 1️⃣["e"]}}"#,
            message: "'quit' is both safe and listed with effects"),
        LocatedFault(marked: #"{"effects": {}, "safe": ["a", 1️⃣"a"]}"#, message: "'a' is listed twice"),
        LocatedFault(marked: #"{"effects": {}, "safe": [1️⃣1]}"#, message: "expected a command name, got 1"),
    ]

    @Test(.needsShared, arguments: ["qemu-5.2", "qemu-7.2", "qemu-10.0", "qga-7.2"])
    func theShippedPolicyClassifiesEveryCommandOf(tree: String) throws {
        let schema = try Fixtures.source("\(tree)/qapi-schema.json")
        let policy = Fixtures.caseDirectory.policy
        let unclassified = schema.commands.map(\.name).filter { !policy.classifies($0) }
        #expect(!schema.commands.isEmpty)
        #expect(unclassified.isEmpty, "classify in cases/policy.json: \(unclassified.joined(separator: ", "))")
    }

    @Test(arguments: valueTableFaults)
    func aBadOrUnsafeValueTableIsAnErrorAtItsLocation(fault: LocatedFault) throws {
        try fault.expectError { (bytes) throws(DiagnosticError) in
            _ = try ValueTable.load(bytes, file: "values.json")
        }
    }

    @Test(arguments: policyFaults)
    func aBadPolicyIsAnErrorAtItsLocation(fault: LocatedFault) throws {
        try fault.expectError { (bytes) throws(DiagnosticError) in
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
