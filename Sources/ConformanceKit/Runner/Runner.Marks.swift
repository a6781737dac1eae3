extension Runner {
    /// Where a client stood when an item started (events and findings so far), so the item's
    /// observation holds what arrived during the item and nothing from before it. Making the
    /// marks also drops the transcript recorded before the item: an item's transcript is its own.
    struct Marks {
        let events: Int
        let findings: Int

        /// Marks the client's current position.
        /// - Parameter client: the item's client.
        init(_ client: QMPClient) async {
            _ = await client.takeTranscript()
            events = await client.eventMark
            findings = await client.findings.count
        }

        /// What the client saw since the marks, as an observation of a completed item.
        /// - Parameters:
        ///   - client: the item's client.
        ///   - exchanges: the commands the item sent.
        ///   - start: when the item started.
        /// - Returns: the observation (events, findings, transcript, duration).
        func observation(of client: QMPClient, exchanges: [Observation.Exchange], since start: ContinuousClock.Instant)
            async -> Observation
        {
            Observation(
                exchanges: exchanges, events: await client.events(since: events),
                findings: Array(await client.findings.dropFirst(findings)),
                duration: ContinuousClock.now - start, transcript: await client.takeTranscript().description)
        }
    }
}
