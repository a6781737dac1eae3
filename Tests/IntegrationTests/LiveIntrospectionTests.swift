import TestSupport
import Testing

@testable import ConformanceKit

/// The live `query-qmp-schema` of Debian's QEMU 7.2 against the QAPI source it was built from.
@Suite(
    .enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"),
    .enabled(
        if: IntegrationSupport.qemuIsRelease("7.2"),
        "compares with QEMU 7.2's source tree; this QEMU is \(IntegrationSupport.qemuVersion ?? "unknown")"),
    .needsShared)
struct LiveIntrospectionTests {
    @Test func liveIntrospectionMatchesTheSourceTreeUnderTheBuildsDefines() async throws {
        let live = try await IntegrationSupport.liveSchema().schema
        let path = IntegrationSupport.shared.appendingPathComponent("qapi/qemu-7.2/qapi-schema.json").path
        let source = try SchemaLoader.load(path: path, options: .init(defines: try IntegrationSupport.debianDefines()))
            .schema
        let disagreements = SchemaAgreement.disagreements(of: live, with: source)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        let diff = SchemaDiff.compare(source, live)
        #expect(diff.changes.isEmpty, "\(diff.changes.prefix(10))")
    }
}
