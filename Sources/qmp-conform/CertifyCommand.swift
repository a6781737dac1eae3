import ConformanceKit
import Foundation

/// `qmp-conform certify`: judge a downstream build against the upstream schema of its release
/// (`Certification`), then run the full suite, in one report ending `CERTIFIED` or
/// `NOT CERTIFIED (n rules broken)`.
enum CertifyCommand {
    static let spec = CommandSpec(
        "certify",
        abstract: "Certify a downstream build against the upstream schema of its release.",
        discussion: """
            Compares the endpoint's query-qmp-schema and greeting with --reference (QAPI
            source with the build's --define symbols, or a saved introspection): every
            upstream command, event, member and enum value present with a compatible type,
            every addition named '__RFQDN_...', the greeting changed only by capabilities
            (QMP spec sections 5 and 6). Unstable and x- items, reference items newer than
            the endpoint's release (from the Since: sections) and upstream additions of
            releases after the reference are reported apart. Then the full run. Each rule
            is one JUnit test case; the last line is CERTIFIED or NOT CERTIFIED (n rules
            broken). Exit status: 0 certified, 1 not certified, 2 the run could not
            happen, 64 usage error.
            """,
        options: [
            .option(
                "reference", value: "path",
                help: "The upstream schema of the same release: a QAPI source file or a saved query-qmp-schema reply."),
            SchemaCommand.defineOption,
            .option(
                "reference-release", value: "version",
                help: "The release the reference is of (e.g. 7.2). Default: the latest Since: of its definitions, "
                    + "else the endpoint's."),
        ] + RunCommand.spec.options.filter { $0.long != "schema" && $0.long != "define" })

    static func run(_ parsed: ParsedCommand) async -> ExitStatus {
        guard let path = parsed.value("reference") else {
            Output.usageError("name the upstream schema with --reference PATH", parsed)
            return .usage
        }
        var release: Version?
        if let text = parsed.value("reference-release") {
            guard let version = Version(parsing: text) else {
                Output.usageError("--reference-release takes a version such as 7.2 (got '\(text)')", parsed)
                return .usage
            }
            release = version
        }
        let defines = parsed.values("define")
        let reference: Schema
        do {
            let result = try await SchemaLoader.loadWithoutBlocking(
                path: path, options: .init(defines: defines.isEmpty ? nil : Set(defines)))
            Output.diagnostics(result.diagnostics)
            reference = result.schema
        } catch {
            Output.diagnostics(error.diagnostics)
            Output.error("error: cannot load the reference schema '\(path)'")
            return .runNotPossible
        }
        return await RunCommand.run(
            parsed, certification: Certification(reference: reference, referenceRelease: release))
    }
}
