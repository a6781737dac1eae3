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

    static func violations(_ schema: Schema) -> [String] {
        Fixtures.generate(schema).cases.flatMap { testCase in
            strings(in: testCase.arguments ?? .null).compactMap { text in
                ValueSafety.unsafety(text).map { "\(testCase.id) \(testCase.summary): '\(text)': \($0)" }
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
        ("http://127.0.0.1:${free_port}/qmp-conform", false), ("qmp-conform", false), ("8.8.8.8", true),
        ("x; rm -rf /", true), ("$(reboot)", true), ("52:54:00:12:34:56", false), ("info version", false),
        ("file:${scratch}/dump", false), ("file:/etc/passwd", true), ("file:${scratch}/../x", true),
        ("/machine/peripheral/x/virtio-backend", false), ("/objects/x", false), ("/machine/../etc/passwd", true),
    ])
    func theSafetyCheckItselfTellsSafeFromUnsafe(text: String, unsafe: Bool) {
        #expect((ValueSafety.unsafety(text) != nil) == unsafe, "\(text)")
    }
}
