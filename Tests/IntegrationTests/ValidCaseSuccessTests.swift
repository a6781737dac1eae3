import Testing

@testable import ConformanceKit

/// Valid cases that reach QEMU's semantics on the launched fixture endpoint (skipped when QEMU is
/// not on PATH), not only its argument validation: they name what the fixture holds, the way
/// QEMU takes it, and leave nothing behind that the next case trips over. No count is pinned.
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct ValidCaseSuccessTests {
    /// Each planned case's request and reply outcome, in plan order, on one endpoint.
    static func replies(_ patterns: [String]) async throws -> [(request: TestCase, reply: QMPReply.Outcome?)] {
        let schema = try await IntegrationSupport.liveSchema().schema
        let plan = RunPlan(
            schema: schema, directory: try IntegrationSupport.caseDirectory(),
            selection: .init(filter: CaseFilter(patterns: patterns, kinds: [.valid]), protocolChecks: false))
        let cases = plan.items.compactMap { if case .testCase(let testCase) = $0 { testCase } else { nil } }
        let collected = Collected()
        let runner = Runner(configuration: .init(target: .defaultLaunch, jobs: 1), schema: schema)
        _ = await runner.run(plan.items) { index, _, observation in
            await collected.add(index, observation.exchanges.first?.reply?.outcome)
        }
        let outcomes = await collected.outcomes
        return cases.indices.map { (cases[$0], outcomes[$0] ?? nil) }
    }

    @Test func jobStartingCasesEachFindTheFixtureNodesFreeBecauseTheRunnerEndsTheirJobs() async throws {
        let replies = try await Self.replies(["blockdev-mirror/valid/*"])
        #expect(
            replies.allSatisfy { if case .endJob(let id)? = $0.request.cleanup { id.hasPrefix("qcn-") } else { false } }
        )
        let successes = replies.filter { if case .success? = $0.reply { true } else { false } }
        #expect(successes.count >= 2, "a job left running would make every later mirror of the node fail: \(replies)")
    }

    @Test func throttlingAndTrayCasesNameTheirDeviceExactlyOneWay() async throws {
        let replies = try await Self.replies(["block_set_io_throttle/valid/*", "eject/valid/*"])
        for (request, reply) in replies {
            if case .error(let error)? = reply {
                #expect(!error.desc.contains("exactly one"), "\(request.id): \(error.desc)")
            }
        }
        #expect(
            replies.contains {
                if case .success? = $0.reply { $0.request.command == "block_set_io_throttle" } else { false }
            })
        #expect(replies.contains { if case .success? = $0.reply { $0.request.command == "eject" } else { false } })
    }

    @Test func eachNBDServerStartFindsNoServerRunningBecauseTheRunnerStopsTheOneBefore() async throws {
        let replies = try await Self.replies(["nbd-server-start/valid/*"])
        let successes = replies.filter { if case .success? = $0.reply { true } else { false } }
        #expect(successes.count >= 2, "the first server left running would refuse every later one: \(replies)")
        for (request, reply) in replies {
            if case .error(let error)? = reply { #expect(!error.desc.contains("already running"), "\(request.id)") }
        }
    }

    @Test func eachBlockExportAddFindsItsNameFreeBecauseTheRunnerDeletesTheExportBefore() async throws {
        let replies = try await Self.replies(["nbd-server-start/valid/*", "block-export-add/valid/*"])
        for (request, reply) in replies {
            if case .error(let error)? = reply {
                #expect(!error.desc.contains("already has export"), "\(request.id): \(error.desc)")
                #expect(!error.desc.contains("already in use"), "\(request.id): \(error.desc)")
            }
        }
    }

    @Test func aNodeReferenceInBlockdevAddNamesAFixtureNode() async throws {
        let replies = try await Self.replies(["blockdev-add/valid/*"])
        let raw = replies.filter { $0.request.arguments?["driver"] == "raw" }
        #expect(raw.contains { $0.request.arguments?["file"] == "qmp-conform-file" })
        #expect(raw.contains { if case .success? = $0.reply { true } else { false } }, "\(raw)")
    }
}

/// Reply outcomes collected from the runner's observer, by plan index.
private actor Collected {
    var outcomes: [Int: QMPReply.Outcome?] = [:]

    func add(_ index: Int, _ outcome: QMPReply.Outcome?) { outcomes[index] = outcome }
}
