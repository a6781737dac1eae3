extension Observation {
    /// The events that arrived while a command ran (after it was sent, before its reply), each
    /// with that command's exchange: what the commands did, as opposed to events after a reply,
    /// which race with the item's end and the host's load (a job's later status changes). The
    /// one rule `NormalizedOutcome` and `CaseTimings` share.
    var commandEvents: [(event: QMPEvent, exchange: Exchange)] {
        events.compactMap { event in
            exchanges.last { exchange in
                guard let reply = exchange.reply else { return false }
                return exchange.sentAt <= event.receivedAt && event.sequence < reply.sequence
            }.map { (event, $0) }
        }
    }
}
