import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// A full run against a real guest agent launched by `--target qga` with the 7.2 agent schema:
/// it completes, and no command the safety policy places beyond launch (shutdown, exec, files,
/// passwords, keys, freeze, time, processors, suspend) is ever sent arguments the schema accepts.
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-ga"), "qemu-ga is not on PATH (Debian's qemu-guest-agent)"))
struct GuestAgentRunTests {
    /// Every request an observation shows as sent.
    actor Sent {
        var requests: [JSONObject] = []
        var results: [CaseResult] = []
        func add(_ observation: Observation, _ result: CaseResult) {
            requests += observation.exchanges.map(\.request)
            results.append(result)
        }
    }

    @Test(.needsShared) func aFullRunByProfileSendsNoDangerousCommandValidArguments() async throws {
        let schema = try SchemaLoader.load(path: TestPaths.qapi("qga-7.2/qapi-schema.json")).schema
        let directory = try IntegrationSupport.caseDirectory()
        let blocked = directory.policy.beyondLaunchCommands
        let plan = RunPlan(schema: schema, directory: directory, selection: .init(dialect: .guestAgent))
        let runner = Runner(
            configuration: .init(
                target: EndpointProfile.qga.target(blocking: blocked), jobs: 2,
                clientOptions: QMPClient.Options(dialect: .guestAgent)),
            schema: schema)
        let oracle = Oracle(schema: schema)
        let sent = Sent()
        let outcome = await runner.run(plan.items) { _, item, observation in
            await sent.add(observation, oracle.judge(item, observation))
        }
        #expect(outcome.fatal == nil && !outcome.interrupted && outcome.endpointGone == nil)
        let results = await sent.results
        #expect(results.count == plan.items.count)
        #expect(results.contains { $0.kind == .protocol && $0.verdict == .passed }, "the agent's protocol checks ran")
        for result in results {
            if case .errored(let reason) = result.verdict { Issue.record("\(result.caseID) errored: \(reason)") }
        }
        let validator = ValueValidator(schema: schema)
        var dangerousRequests = 0
        for request in await sent.requests {
            guard let name = request["execute"]?.stringValue, blocked.contains(name),
                let command = schema.command(named: name)
            else { continue }
            dangerousRequests += 1
            #expect(
                !validator.validateArguments(request["arguments"], of: command).isEmpty,
                "\(name) was sent arguments the schema accepts: \(JSONWriter.compact.string(.object(request)))")
        }
        #expect(dangerousRequests > 0, "the invalid cases of the dangerous commands ran")
    }

    @Test(.enabled(if: CLIRunner.executable != nil, "build the qmp-conform binary first (swift build)"))
    func autoTellsALaunchedAgentByItsSilenceAndResynchronises() async throws {
        let outcome = try await CLIRunner.run([
            "exec", "--launch", "qemu-ga -m unix-listen -p {qmp} -t {scratch}", "guest-ping",
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains(#""return""#))
    }
}
