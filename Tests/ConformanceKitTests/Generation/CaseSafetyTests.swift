import TestSupport
import Testing

@testable import ConformanceKit

/// No generated value may send the endpoint outside the run's sandbox: paths only under the
/// scratch directory, network addresses only on loopback, no multicast, no `exec:` migration.
struct CaseSafetyTests {
    /// Every string inside a JSON value.
    static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): [text]
        case .array(let elements): elements.flatMap(strings)
        case .object(let object): object.members.flatMap { strings(in: $0.value) }
        default: []
        }
    }

    static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost", "[::1]"]

    /// What is unsafe about a string, if anything.
    static func unsafety(_ text: String) -> String? {
        let lower = text.lowercased()
        if lower.hasPrefix("exec:") || lower.contains("exec:") { return "spawns a process via exec:" }
        if let scheme = lower.range(of: "://") {
            let rest = lower[scheme.upperBound...]
            let hostPort = rest.prefix { $0 != "/" }
            let host =
                hostPort.hasPrefix("[")
                ? String(hostPort.prefix { $0 != "]" }) + "]" : String(hostPort.prefix { $0 != ":" })
            return loopbackHosts.contains(host) ? nil : "URL to a host other than loopback"
        }
        if lower.hasPrefix("tcp:") || lower.hasPrefix("udp:") || lower.hasPrefix("rdma:") {
            return lower.hasPrefix("tcp:127.0.0.1:") ? nil : "migration URI to a host other than loopback"
        }
        if text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix("./") || text.hasPrefix("../") {
            return "host path outside the scratch directory"
        }
        if text.contains("/"), !text.hasPrefix("${scratch}") { return "path-like value outside the scratch directory" }
        if text.hasPrefix("${scratch}"), text.contains("..") { return "escapes the scratch directory" }
        // Dotted quads and host:port forms.
        let host =
            text.contains(":") && text.filter({ $0 == ":" }).count == 1 ? String(text.prefix { $0 != ":" }) : text
        let parts = host.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) {
            if let first = UInt8(parts[0]), (224...239).contains(first) { return "multicast address" }
            return host == "127.0.0.1" ? nil : "IPv4 address other than loopback"
        }
        if text.contains("::") || lower.hasPrefix("ff0") && text.contains(":") {
            return text == "::1" || text.hasPrefix("${") ? nil : "IPv6 address other than loopback"
        }
        return nil
    }

    static func violations(_ schema: Schema) -> [String] {
        Fixtures.generate(schema).cases.flatMap { testCase in
            strings(in: testCase.arguments ?? .null).compactMap { text in
                unsafety(text).map { "\(testCase.id) \(testCase.summary): '\(text)': \($0)" }
            }
        }
    }

    @Test(.needsShared) func noCaseOfTheQemu72SourceTreeReachesOutsideTheSandbox() throws {
        let problems = Self.violations(try Fixtures.source("qemu-7.2/qapi-schema.json"))
        #expect(problems.isEmpty, "\(problems.count) unsafe values: \(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test func noCaseOfTheQemu72IntrospectionReachesOutsideTheSandbox() throws {
        let problems = Self.violations(try Fixtures.introspection())
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test(arguments: [
        ("/etc/passwd", true), ("${scratch}/disk.img", false), ("${scratch}/../x", true), ("exec:rm -rf /", true),
        ("tcp:127.0.0.1:${free_port}", false), ("tcp:10.0.0.1:4444", true), ("224.0.0.1", true),
        ("230.0.0.1:1234", true),
        ("192.168.1.1", true), ("127.0.0.1", false), ("::1", false), ("fe80::1", true), ("http://example.com/x", true),
        ("http://127.0.0.1:${free_port}/qmp-conform", false), ("qmp-conform", false),
    ])
    func theSafetyCheckItselfTellsSafeFromUnsafe(text: String, unsafe: Bool) {
        #expect((Self.unsafety(text) != nil) == unsafe, "\(text)")
    }
}
