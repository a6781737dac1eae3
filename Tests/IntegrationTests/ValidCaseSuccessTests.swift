import Testing

@testable import ConformanceKit

/// Valid cases that reach QEMU's semantics on the launched fixture endpoint (skipped when QEMU is
/// not on PATH), not only its argument validation: they name what the fixture holds, the way
/// QEMU takes it, and leave nothing behind that the next case trips over. No count is pinned.
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct ValidCaseSuccessTests {
    /// Each planned case's request and reply outcome, in plan order, on one endpoint.
    static func replies(_ patterns: [String]) async throws -> [(request: TestCase, reply: QMPReply.Outcome?)] {
        let (schema, items) = try await IntegrationSupport.plan(CaseFilter(patterns: patterns, kinds: [.valid]))
        let cases = items.compactMap { if case .testCase(let testCase) = $0 { testCase } else { nil } }
        let collected = Collected()
        let runner = Runner(configuration: .init(target: .defaultLaunch, jobs: 1), schema: schema)
        _ = await runner.run(items) { index, _, observation in
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

    /// Whether a reply is a success.
    static func succeeded(_ reply: QMPReply.Outcome?) -> Bool { if case .success? = reply { true } else { false } }

    @Test func aValidQmpCapabilitiesGoesFirstOnAFreshConnectionAndSucceeds() async throws {
        let replies = try await Self.replies(["qmp_capabilities/valid/*", "query-version/valid/*"])
        #expect(replies.count >= 2)
        for (request, reply) in replies {
            #expect(Self.succeeded(reply), "\(request.id) \(request.summary): \(String(describing: reply))")
        }
    }

    @Test func membersWhoseMeaningDependsOnTheCommandFindWhatTheyName() async throws {
        let commands = [
            "qom-get", "qom-list", "qom-set", "x-query-virtio-status", "trace-event-get-state",
            "query-cpu-model-expansion", "screendump", "dump-guest-memory", "query-rocker",
        ]
        let replies = try await Self.replies(commands.map { "\($0)/valid/*" })
        for command in commands {
            #expect(
                replies.contains { $0.request.command == command && Self.succeeded($0.reply) },
                "\(command): \(replies.filter { $0.request.command == command }.map(\.reply))")
        }
    }

    @Test func aValidCaseNamingAFileInTheScratchDirectoryFindsOne() async throws {
        let replies = try await Self.replies(["blockdev-change-medium/valid/*", "chardev-add/valid/*"])
        let medium = replies.filter { $0.request.command == "blockdev-change-medium" }
        #expect(medium.contains { Self.succeeded($0.reply) }, "\(medium.map(\.reply))")
        let serial = replies.filter { $0.request.arguments?["backend"]?["type"] == "serial" }
        #expect(!serial.isEmpty && serial.allSatisfy { Self.succeeded($0.reply) }, "\(serial.map(\.reply))")
    }

    @Test func eachChardevChangeFindsItsChardevBecauseTheRunnerAddsItBackBefore() async throws {
        let replies = try await Self.replies(["chardev-change/valid/*"])
        #expect(replies.contains { Self.succeeded($0.reply) })
        for (request, reply) in replies {
            if case .error(let error)? = reply { #expect(!error.desc.contains("does not exist"), "\(request.id)") }
        }
    }

    @Test func anExportFindsAnNBDServerRunningBecauseTheRunnerStartsOneBefore() async throws {
        let replies = try await Self.replies(["block-export-add/valid/*"])
        #expect(replies.contains { Self.succeeded($0.reply) })
        for (request, reply) in replies {
            if case .error(let error)? = reply { #expect(!error.desc.contains("not running"), "\(request.id)") }
        }
    }

    @Test func aBackupOrMirrorCreatesItsTargetInTheScratchDirectory() async throws {
        let replies = try await Self.replies(["drive-backup/valid/*", "drive-mirror/valid/*"])
        #expect(replies.allSatisfy { $0.request.arguments?["target"]?.stringValue?.hasPrefix("${scratch}/") == true })
        for command in ["drive-backup", "drive-mirror"] {
            #expect(replies.contains { $0.request.command == command && Self.succeeded($0.reply) }, "\(command)")
        }
    }

    @Test func numaCasesRunEachOnAnEndpointOfTheirOwnBeforeTheMachineExists() async throws {
        let replies = try await Self.replies(["set-numa-node/valid/*", "x-exit-preconfig/valid/*"])
        #expect(replies.allSatisfy { $0.request.launch.contains("-preconfig") })
        for command in ["set-numa-node", "x-exit-preconfig"] {
            #expect(replies.contains { $0.request.command == command && Self.succeeded($0.reply) }, "\(command)")
        }
        for (request, reply) in replies {
            if case .error(let error)? = reply {
                #expect(!error.desc.contains("permitted only before"), "\(request.id)")
                #expect(!error.desc.contains("Duplicate NUMA nodeid"), "\(request.id): a node an earlier case set")
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
