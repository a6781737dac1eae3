import ConformanceKit
import Foundation

/// The options that plan a run, shared by `run` and `cases`: the schema (`--schema`, else the
/// endpoint's introspection), the cases directory, and the selection (filter, kind, shard, seed,
/// budgets). Both commands parse them here and plan with `RunPlan`, so they never disagree.
enum PlanOptions {
    static let options: [OptionSpec] = [
        .option(
            "filter", value: "glob",
            help: "Keep cases whose id matches <glob> ('set_link/*', '*/invalid/*', or one id).", repeatable: true),
        .option(
            "kind", value: "kind", help: "Keep cases of this kind.",
            allowedValues: TestCase.Kind.allCases.map(\.rawValue), repeatable: true),
        .option(
            "shard", value: "i/n",
            help: "Keep only the i-th of n deterministic, disjoint slices of the cases (for fanning out over CI jobs)."
        ),
        .option(
            "seed", value: "n",
            help: "Seed for the choices the schema leaves open; the same seed gives the same cases.", defaultValue: "0"),
        .option(
            "valid-budget", value: "n", help: "At most n valid cases per command; cuts are reported.",
            defaultValue: String(CaseGenerator.Options().validBudget)),
        .option(
            "invalid-budget", value: "n", help: "At most n invalid cases per command; cuts are reported.",
            defaultValue: String(CaseGenerator.Options().invalidBudget)),
        .option(
            "cases", value: "dir",
            help:
                "The cases/ directory (values.json, policy.json, scenarios). Default: ./cases, else the one beside the build."
        ),
        .flag("no-protocol-checks", help: "Leave out the built-in QMP protocol checks."),
        .option(
            "compat", value: "policy",
            help: "Add the cases of this -compat policy (kind compat), e.g. "
                + "'deprecated-input=reject,deprecated-output=hide' (also unstable-input, unstable-output): each "
                + "deprecated or unstable command and argument refused, the introspection hiding them, each on an "
                + "endpoint launched with -compat POLICY, beside a control under the default policy."),
    ]

    /// The selection the options name; nil after printing a usage error.
    static func selection(_ parsed: ParsedCommand) -> RunPlan.Selection? {
        let defaults = CaseGenerator.Options()
        guard let seed = UInt64(parsed.value("seed") ?? "0"),
            let valid = Int(parsed.value("valid-budget") ?? String(defaults.validBudget)), valid >= 0,
            let invalid = Int(parsed.value("invalid-budget") ?? String(defaults.invalidBudget)), invalid >= 0
        else {
            Output.usageError("--seed, --valid-budget and --invalid-budget take non-negative integers", parsed)
            return nil
        }
        var shard: Shard?
        if let text = parsed.value("shard") {
            guard let parsedShard = Shard(parsing: text) else {
                Output.usageError("--shard takes i/n with 1 <= i <= n, e.g. 2/4", parsed)
                return nil
            }
            shard = parsedShard
        }
        var compat: CompatPolicy?
        if let text = parsed.value("compat") {
            do {
                compat = try CompatPolicy(parsing: text)
            } catch {
                Output.usageError("--compat: \(error.diagnostics.map(\.description).joined(separator: "; "))", parsed)
                return nil
            }
        }
        let filter = CaseFilter(
            patterns: parsed.values("filter"), kinds: Set(parsed.values("kind").compactMap(TestCase.Kind.init)),
            shard: shard)
        return RunPlan.Selection(
            filter: filter, protocolChecks: !parsed.flag("no-protocol-checks"),
            generator: CaseGenerator.Options(seed: seed, validBudget: valid, invalidBudget: invalid), compat: compat)
    }

    /// Why planning failed after the options parsed: the message a report carries.
    struct Failure: Error {
        let message: String
    }

    /// The cases directory `--cases` names, else the default one (for commands without
    /// `--cases`, such as `probe --target qga`, always the default one).
    static func caseDirectory(_ parsed: ParsedCommand) throws(Failure) -> CaseDirectory {
        let named = parsed.command.option(named: "cases") == nil ? nil : parsed.value("cases")
        guard let path = named ?? CaseDirectory.defaultPath(executable: CommandLine.arguments[0]) else {
            throw Failure(
                message: "cannot find the cases/ directory (values.json, policy.json)\n    hint: pass --cases DIR")
        }
        do {
            return try CaseDirectory.load(path)
        } catch {
            throw Failure(message: error.diagnostics.map(\.description).joined(separator: "\n"))
        }
    }

    /// The path `--schema` names; nil when not given or not an option of the command (`certify`
    /// always reads the endpoint's own schema).
    static func schemaPath(_ parsed: ParsedCommand) -> String? {
        parsed.command.option(named: "schema") != nil ? parsed.value("schema") : nil
    }

    /// The schema `--schema` names, else the introspection of the endpoint the target options
    /// name (the default launch when none).
    static func schema(_ parsed: ParsedCommand, target: EndpointTarget) async throws(Failure) -> Schema {
        if schemaPath(parsed) != nil {
            guard let schema = await SchemaCommand.loadSelectedSchema(parsed) else {
                throw Failure(message: "cannot load the schema '\(parsed.value("schema") ?? "")'")
            }
            return schema
        }
        Output.error("qmp-conform: reading the schema of \(target)")
        do {
            return try await TargetOptions.introspection(
                of: target,
                timeout: TargetOptions.schemaTimeout(parsed) ?? .milliseconds(TargetOptions.defaultSchemaTimeoutMs))
        } catch {
            throw Failure(message: error.message)
        }
    }
}
