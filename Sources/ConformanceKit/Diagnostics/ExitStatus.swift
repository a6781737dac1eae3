/// The process exit statuses of `qmp-conform`, one name per outcome.
///
/// The executable maps the library's outcome to one of these and nothing else; scripts and CI
/// systems rely on the numbers.
package enum ExitStatus: Int32, Sendable, Hashable, CaseIterable {
    /// Every case passed (waived failures allowed).
    case success = 0
    /// At least one case failed conformance.
    case conformanceFailures = 1
    /// The run could not happen: endpoint unreachable, schema invalid, QEMU missing.
    case runNotPossible = 2
    /// The run was interrupted (Ctrl-C); the reports of the cases run so far were still written.
    case interrupted = 130
    /// The command line was wrong (`EX_USAGE`); the message, the usage line and a hint were printed.
    case usage = 64
}
