/// A hand-written scenario from a `cases/<area>/*.json` file: ordered steps against one
/// endpoint, each with what must come back and which events must (or must not) arrive.
///
/// Produced by `ScenarioLoader` (which checks the file and locates every fault); run by
/// `ScenarioRunner`, which returns a `CaseResult`. `applicability(schema:version:launchedEndpoint:)`
/// says whether it can run on a given endpoint. It does not talk to an endpoint itself.
public struct Scenario: Sendable, Hashable {
    /// `.scenario` for a file of `cases/`, `.stateful` for a sequence generated from the
    /// resource model (`StatefulSequenceGenerator`).
    public var kind: TestCase.Kind = .scenario
    /// The dotted name from the relative path: `net/netdev-lifecycle.json` → `net.netdev-lifecycle`.
    public var name: String
    /// The path relative to the cases directory, e.g. `net/netdev-lifecycle.json` (the report suite).
    public var relativePath: String
    /// The file as read (for diagnostics).
    public var file: String
    /// What the scenario shows, in one line.
    public var description: String
    /// What the endpoint must have for the scenario to apply.
    public var requirements: Requirements
    /// Extra QEMU arguments for a dedicated, disposable endpoint (e.g. `-machine pc -S`); nil
    /// when any endpoint will do.
    public var launch: [String]?
    /// The `-compat` policy its dedicated endpoint runs under (`CompatScenarioGenerator`); the
    /// oracle lets members the policy hides be absent from its replies.
    public var compat: CompatPolicy?
    /// The steps, in order; the scenario stops at the first step whose request cannot be formed
    /// or that gets no reply, but otherwise runs every step and reports every failure.
    public var steps: [Step]
    /// Steps always run at the end (even after failures), not judged: tear-down.
    public var cleanup: [Step]

    /// Creates a scenario.
    /// - Parameters:
    ///   - name: the dotted name.
    ///   - relativePath: the path relative to the cases directory.
    ///   - file: the file path as read.
    ///   - description: one line.
    ///   - requirements: what the endpoint must have.
    ///   - launch: extra arguments for a dedicated endpoint, or nil.
    ///   - steps: the steps.
    ///   - cleanup: tear-down steps.
    public init(
        name: String, relativePath: String, file: String, description: String, requirements: Requirements = .init(),
        launch: [String]? = nil, steps: [Step], cleanup: [Step] = []
    ) {
        self.name = name
        self.relativePath = relativePath
        self.file = file
        self.description = description
        self.requirements = requirements
        self.launch = launch
        self.steps = steps
        self.cleanup = cleanup
    }

    /// The stable case id: `<name>/scenario/<hash of the relative path>`.
    public var caseID: String { TestCase.id(command: name, kind: kind, identity: [relativePath]) }

    /// The scenario as a `TestCase` for listing and filtering (id `caseID`, tags `scenario`, and
    /// `launch` when it needs its own endpoint).
    public var testCase: TestCase {
        var testCase = TestCase(
            command: name, kind: kind, summary: description, arguments: nil, expectation: .accept,
            tags: launch == nil ? [kind.rawValue] : ["launch", kind.rawValue], origin: relativePath)
        testCase.id = caseID
        return testCase
    }

    /// In `launch`, the target architecture's default machine type (`query-machines`'
    /// `is-default`), so one scenario serves every architecture that has one.
    public static let machinePlaceholder = "${machine}"

    /// Whether `launch` names the target's default machine.
    public var launchesDefaultMachine: Bool { launch?.contains { $0.contains(Self.machinePlaceholder) } ?? false }

    /// The `launch` arguments with `${machine}` replaced.
    /// - Parameter machine: the target's default machine type.
    /// - Returns: the arguments, or nil without `launch`.
    public func launchArguments(machine: String?) -> [String]? {
        launch?.map { $0.replacing(Self.machinePlaceholder, with: machine ?? "none") }
    }

    /// Whether a step (or cleanup step) passes a file descriptor with its request.
    public var passesDescriptor: Bool { (steps + cleanup).contains(where: \.passesDescriptor) }

    /// Every command the steps execute, sorted, without repeats.
    public var executedCommands: [String] {
        Set((steps + cleanup).compactMap { if case .execute(let command, _) = $0.action { command } else { nil } })
            .sorted()
    }

    /// Every port name the scenario references, sorted.
    public var portNames: [String] { CaseVariables.portNames(references) }

    /// Every `${...}` reference of the steps and cleanup, in order.
    public var references: [CaseVariables.Reference] { (steps + cleanup).flatMap(\.references) }
}
