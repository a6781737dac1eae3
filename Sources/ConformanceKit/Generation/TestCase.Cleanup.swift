extension TestCase {
    /// What the runner does around a valid case so that what one case started does not stand in
    /// the next one's way (a job holding the fixture's nodes, a running NBD server, an export
    /// whose name the next export takes): after the case when it succeeded (`cleanup`), or before
    /// it (`clearing`). Set by `ResourceModel.preparing(_:schema:values:)`; not judged and not in
    /// the case's transcript.
    public enum Cleanup: Sendable, Hashable {
        /// Ends the job with this id: cancel, then finalize and dismiss as it gets there
        /// (`Runner.endJob`).
        case endJob(id: String)
        /// Executes the command once with these arguments, whatever it answers (`block-export-del`
        /// with the case's export id, `nbd-server-stop`): the table's `undo` or `clear`.
        case execute(command: String, arguments: JSONObject)
        /// Executes the command once with a file descriptor passed with it (`SCM_RIGHTS`),
        /// whatever it answers: what a valid case names made first (`getfd` of the case's name
        /// before `closefd`, `add-fd` of its fdset before `remove-fd`), from the table's `clear`.
        case executePassingDescriptor(command: String, arguments: JSONObject)
    }
}
