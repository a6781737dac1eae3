import Testing

@testable import ConformanceKit

/// Every generated case of the live QEMU 7.2 schema, fired at launched QEMU 7.2.
@Suite(.enabled(if: IntegrationSupport.qemuAvailable, "qemu-system-x86_64 is not on PATH"))
struct GeneratedCasesTests {
    /// Valid cases QEMU 7.2 rejects or dies on although the schema allows them: QEMU's deviations,
    /// each explained (command, case summary, why). Any other failing valid case fails the test.
    static let knownQEMUDeviations: [String: String] = [
        "blockdev-add branch 'gluster', all members": "gluster rejects an empty 'server' list as missing; the schema allows []",
        "blockdev-add branch 'nfs', all members": "the nfs driver rejects the base member 'cache' the schema gives every driver",
        "blockdev-add branch 'rbd', all members": "the rbd driver rejects the base member 'cache'",
        "blockdev-add branch 'ssh', all members": "the ssh driver rejects the base member 'cache'",
        "dump-guest-memory optional 'begin' alone": "'begin' and 'length' must come together; the schema makes each optional",
        "dump-guest-memory optional 'length' alone": "as above",
        "dump-guest-memory 'begin' = 1": "as above",
        "dump-guest-memory 'length' = 1": "as above",
        "blockdev-reopen required members only": "QEMU aborts: assertion `bs_queue != NULL' in bdrv_reopen_multiple with an empty 'options' list",
        "object-add branch 'colo-compare', required members": "QEMU aborts: assertion `mutex->initialized' in qemu_mutex_destroy",
        "object-add branch 'colo-compare', all members": "as above",
        "object-add branch 'x-remote-object', required members": "QEMU crashes (SIGSEGV) after '(null) is not a PCI device'",
        "object-add branch 'x-remote-object', all members": "as above",
    ]

    @Test func everyInvalidCaseIsRejectedAndQEMUSurvives() async throws {
        let (schema, _) = try await IntegrationSupport.liveSchema()
        let tables = try IntegrationSupport.caseDirectory()
        let cases = CaseGenerator(schema: schema, values: tables.values, policy: tables.policy).generate().cases.filter { $0.kind == .invalid }
        let outcome = await IntegrationSupport.run(cases, schema: schema)
        #expect(outcome.results.count == cases.count)
        let failing = outcome.results.filter(\.verdict.isFailure).map { "\($0.caseID) \($0.summary): \($0.verdict)" }
        #expect(failing.isEmpty, "\(failing.count) invalid cases not rejected properly:\n\(failing.prefix(10).joined(separator: "\n"))")
    }

    @Test func validCasesAreNotRejectedByValidationSaveQEMUsKnownDeviations() async throws {
        let (schema, _) = try await IntegrationSupport.liveSchema()
        let tables = try IntegrationSupport.caseDirectory()
        let cases = CaseGenerator(schema: schema, values: tables.values, policy: tables.policy).generate().cases.filter { $0.kind == .valid }
        let outcome = await IntegrationSupport.run(cases, schema: schema)
        #expect(outcome.results.count == cases.count)
        let failing = Set(
            outcome.results.filter(\.verdict.isFailure).map { result in
                "\(result.suite) \(result.summary)"
            })
        #expect(failing == Set(Self.knownQEMUDeviations.keys), "unexpected: \(failing.subtracting(Self.knownQEMUDeviations.keys)); fixed: \(Set(Self.knownQEMUDeviations.keys).subtracting(failing))")
    }
}
