extension RunReport {
    /// Whether any case failed or errored (skips and passes do not fail a run).
    public var hasFailures: Bool { results.contains { $0.verdict.isFailure } }

    /// The exit status for a run that happened: `.conformanceFailures` when a case failed or
    /// errored (an expired waiver's cases among them) or the waivers fail the run (a stale one
    /// under `--strict-waivers`), else `.success`. Whether an interrupted run exits differently
    /// is the CLI's call.
    package var exitStatus: ExitStatus { hasFailures || waiverReview.failsRun ? .conformanceFailures : .success }
}
