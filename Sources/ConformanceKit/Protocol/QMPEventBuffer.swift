/// The events a `QMPClient` keeps: at most `limit`, the newest, addressed by absolute marks
/// (the number of events received before one), so a mark stays valid while old events go.
///
/// The newest are kept because the buffer is a window over a long-lived connection that the
/// runner reads case by case: keeping the oldest would freeze it at the first flood and leave
/// every later case blind to its own events, while the newest still show the flood. Dropping is
/// amortised O(1) (the storage is compacted once the dropped prefix outgrows the limit), so a
/// flood costs no more than reading it. How many were dropped since the last read is counted,
/// for the client's `eventsDropped` finding. It performs no I/O.
struct QMPEventBuffer: Sendable {
    /// The most events kept.
    let limit: Int
    private var storage: [QMPEvent] = []
    private var start = 0
    /// Events dropped since the connection began (the mark of the oldest kept event).
    private(set) var dropped = 0
    /// Events dropped since `markRead()`.
    private(set) var droppedSinceRead = 0

    /// Creates an empty buffer.
    /// - Parameter limit: the most events kept (at least 1).
    init(limit: Int) { self.limit = max(1, limit) }

    /// The mark after the newest event: how many events were received.
    var mark: Int { dropped + storage.count - start }

    /// Adds an event, dropping the oldest when the buffer is full.
    /// - Parameter event: the event.
    mutating func append(_ event: QMPEvent) {
        storage.append(event)
        guard storage.count - start > limit else { return }
        start += 1
        dropped += 1
        droppedSinceRead += 1
        if start >= limit {
            storage.removeFirst(start)
            start = 0
        }
    }

    /// The kept events from a mark on, oldest first.
    /// - Parameter mark: an absolute mark; marks before the oldest kept event mean "from it".
    /// - Returns: the events.
    func events(since mark: Int) -> ArraySlice<QMPEvent> {
        let index = start + min(max(0, mark - dropped), storage.count - start)
        return storage[index...]
    }

    /// Starts a new count of dropped events (the events were read).
    mutating func markRead() { droppedSinceRead = 0 }
}
