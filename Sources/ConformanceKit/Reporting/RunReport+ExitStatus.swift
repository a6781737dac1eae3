extension RunReport {
    /// Whether any case failed or errored (skips and passes do not fail a run).
    public var hasFailures: Bool { results.contains { $0.verdict.isFailure } }

    /// The exit status for a run that happened: `.conformanceFailures` when a case failed or
    /// errored (an expired waiver's cases among them), or, with `strictWaivers`, when a waiver
    /// matched no failing case; else `.success`. Whether an interrupted run exits differently is
    /// the CLI's call.
    /// - Parameter strictWaivers: whether a stale waiver fails the run (`--strict-waivers`).
    /// - Returns: the status.
    package func exitStatus(strictWaivers: Bool) -> ExitStatus {
        hasFailures || (strictWaivers && !waiverReview.stale.isEmpty) ? .conformanceFailures : .success
    }
}
