import Testing

@testable import ConformanceKit

/// The stateful part of a run against the launched fixture endpoint (skipped when QEMU is not on
/// PATH): every lifecycle sequence passes, a consumer sequence finds what its sequence created,
/// and invalid calls of state-changing commands change no query's list. No count is pinned.
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct StatefulIntegrationTests {
    static func plan(_ filter: CaseFilter) async throws -> (items: [Runner.Item], schema: Schema) {
        let (schema, items) = try await IntegrationSupport.plan(filter)
        return (items, schema)
    }

    static func run(_ items: [Runner.Item], schema: Schema) async -> ConformanceRun.Result {
        let runner = Runner(configuration: .init(target: .defaultLaunch, jobs: 1), schema: schema)
        return await ConformanceRun(runner: runner, oracle: Oracle(schema: schema)).run(items)
    }

    @Test func everyLifecycleSequencePassesOnTheFixtureEndpoint() async throws {
        let (items, schema) = try await Self.plan(CaseFilter(patterns: ["stateful.*.lifecycle/*"]))
        #expect(items.count >= 4, "block nodes, bitmaps, jobs, devices, objects, netdevs, chardevs")
        let run = await Self.run(items, schema: schema)
        for result in run.results {
            #expect(result.verdict == .passed, "\(result.caseID): \(result.verdict)\n\(result.transcript)")
        }
        let device = run.results.first { $0.caseID.hasPrefix("stateful.device.lifecycle/") }
        #expect(device?.eventTimings.first?.event == "DEVICE_DELETED", "device_del promises DEVICE_DELETED")
    }

    @Test func aConsumerFindsWhatItsSequenceCreated() async throws {
        let (items, schema) = try await Self.plan(CaseFilter(patterns: ["stateful.chardev.chardev-send-break.id/*"]))
        let run = await Self.run(items, schema: schema)
        #expect(run.results.count == 1)
        #expect(run.results.first?.verdict == .passed, "\(run.results.first?.transcript ?? "")")
    }

    @Test func aFailedValidCallIsJudgedByWhatItsResourcesQueryListsAfterIt() async throws {
        // A chardev-change to a backend that cannot open (a parallel port on a plain file) must
        // leave the chardev as it was; QEMU 7.2 removes it, later releases may not.
        let (items, schema) = try await Self.plan(CaseFilter(patterns: ["chardev-change/valid/*"]))
        let parallel = items.filter { $0.summary.contains("'parallel'") }
        #expect(!parallel.isEmpty)
        #expect(
            parallel.allSatisfy {
                if case .testCase(let testCase) = $0 {
                    testCase.stateQueries.map(\.command) == ["query-chardev"]
                } else {
                    false
                }
            })
        let run = await Self.run(parallel, schema: schema)
        for result in run.results {
            switch result.verdict {
            case .passed: break
            case .failed(let failures):
                #expect(failures.map(\.rule) == [.failedCallChangedState], "\(result.caseID): \(failures)")
                #expect(failures.first?.actual == "added [], removed [qmp-conform-id]", "\(result.caseID)")
            default: Issue.record("\(result.caseID): \(result.verdict)")
            }
        }
    }

    @Test func invalidCallsOfStateChangingCommandsChangeNothing() async throws {
        let (items, schema) = try await Self.plan(
            CaseFilter(patterns: ["chardev-add/invalid/*", "blockdev-del/invalid/*", "object-add/invalid/*"]))
        #expect(
            items.allSatisfy { if case .testCase(let testCase) = $0 { !testCase.stateQueries.isEmpty } else { false } })
        let run = await Self.run(items, schema: schema)
        let changed = run.results.filter {
            if case .failed(let failures) = $0.verdict {
                failures.contains { $0.rule == .invalidChangedState }
            } else {
                false
            }
        }
        #expect(changed.isEmpty, "\(changed.map(\.caseID))")
    }

    /// The recipe's call of each sequence got a success reply (not only a passing verdict).
    static func callSucceeded(_ result: CaseResult, _ command: String) -> Bool {
        result.outcome?.replies.contains { $0.command == command && $0.kind == .return } == true
    }

    @Test(arguments: [
        ("stateful.job.job-resume.id/*", "job-resume", "a job paused, then resumed"),
        ("stateful.job.block-job-complete.device/*", "block-job-complete", "a mirror completed after READY"),
        ("stateful.job.block-job-finalize.id/*", "block-job-finalize", "a pending job finalized"),
        ("stateful.block-node.nbd-server-add.device/*", "nbd-server-add", "an NBD export added and removed"),
        ("stateful.block-export.lifecycle/*", "block-export-del", "an export deleted, its server stopped"),
        ("stateful.block-node.block-commit.base-node/*", "block-commit", "an overlay committed into its base"),
    ])
    func aRecipeReachesTheStateItsCommandNeedsAndTheCommandSucceeds(
        filter: String, command: String, what: String
    ) async throws {
        let (items, schema) = try await Self.plan(CaseFilter(patterns: [filter]))
        #expect(items.count == 1, "\(what)")
        let run = await Self.run(items, schema: schema)
        let result = try #require(run.results.first)
        #expect(result.verdict == .passed, "\(what): \(result.verdict)\n\(result.transcript)")
        #expect(Self.callSucceeded(result, command), "\(what)\n\(result.transcript)")
    }
}
