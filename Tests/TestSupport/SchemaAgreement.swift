package import ConformanceKit

/// Whether an introspected schema matches the QAPI source it was built from, command by command
/// and event by event (shared by the fixture test and the live-QEMU test).
package enum SchemaAgreement {
    /// Each introspected command or event that the source lacks, or whose argument (or data)
    /// member names differ from the source's; empty when they agree.
    /// - Parameters:
    ///   - introspected: the schema read from `query-qmp-schema`.
    ///   - source: the schema read from QAPI source under the build's defines.
    /// - Returns: one line per disagreement.
    package static func disagreements(of introspected: Schema, with source: Schema) -> [String] {
        func names(_ members: [Member]?) -> Set<String> { Set((members ?? []).map(\.name)) }
        var found: [String] = []
        for command in introspected.commands {
            guard let counterpart = source.command(named: command.name) else {
                found.append("command '\(command.name)' is not in the source")
                continue
            }
            if names(source.argumentMembers(of: counterpart)) != names(introspected.argumentMembers(of: command)) {
                found.append("arguments of command '\(command.name)' differ")
            }
        }
        for event in introspected.events {
            guard let counterpart = source.event(named: event.name) else {
                found.append("event '\(event.name)' is not in the source")
                continue
            }
            if names(source.object(counterpart.data)?.members) != names(introspected.object(event.data)?.members) {
                found.append("data of event '\(event.name)' differs")
            }
        }
        return found
    }
}
