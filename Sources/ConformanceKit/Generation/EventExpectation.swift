/// An event a scenario step expects (or forbids) after sending its command.
///
/// Expected: the first not yet matched event with this name whose `data` contains `data` (as a
/// `ValueMatcher.subset`) must arrive within `windowMilliseconds` of the command being sent, on
/// the stated side of the reply. Forbidden (`absent`): no such event within the window. Built by
/// `ScenarioLoader`; `ScenarioRunner` waits for the events with `assign(_:to:)` and the `Oracle`
/// judges them with the same assignment.
public struct EventExpectation: Sendable, Hashable {
    /// Where the event must arrive relative to the command's reply.
    public enum Order: String, Sendable, Hashable, CaseIterable {
        /// Before the reply (QEMU's `STOP`, `RESUME`, `RESET`).
        case beforeReply = "before-reply"
        /// After the reply (work that completes later, e.g. a stream connection).
        case afterReply = "after-reply"
        /// Either side.
        case any
    }

    /// The event name.
    public var name: String
    /// A subset of the event's `data`; nil accepts any data (or none).
    public var data: JSONValue?
    /// The window, in milliseconds from sending the command.
    public var windowMilliseconds: Double
    /// Which side of the reply (ignored for forbidden events).
    public var order: Order

    /// Creates an expectation.
    /// - Parameters:
    ///   - name: the event name.
    ///   - data: a subset of its data, or nil.
    ///   - windowMilliseconds: the window from sending the command.
    ///   - order: which side of the reply.
    public init(name: String, data: JSONValue? = nil, windowMilliseconds: Double, order: Order = .any) {
        self.name = name
        self.data = data
        self.windowMilliseconds = windowMilliseconds
        self.order = order
    }

    /// Whether an event has this name and data.
    /// - Parameter event: the event.
    /// - Returns: whether it is the event meant.
    public func matches(_ event: QMPEvent) -> Bool {
        guard event.name == name else { return false }
        guard let data else { return true }
        return ValueMatcher.subset(data).matches(event.data.map(JSONValue.object) ?? .object([:]))
    }

    /// Pairs expectations with events: each expectation, in order, takes the first event it
    /// matches that no earlier expectation took. The one matching rule of the waiting runner and
    /// the judging oracle.
    /// - Parameters:
    ///   - expectations: the expected events, in the order they are listed.
    ///   - events: the events seen, in arrival order.
    /// - Returns: for each expectation, the index of its event in `events`, or nil.
    public static func assign(_ expectations: [EventExpectation], to events: [QMPEvent]) -> [Int?] {
        var taken = Set<Int>()
        return expectations.map { expectation in
            guard let index = events.indices.first(where: { !taken.contains($0) && expectation.matches(events[$0]) })
            else { return nil }
            taken.insert(index)
            return index
        }
    }

    /// How long after its window an expected event is still waited for, to tell a late event
    /// from a missing one: the window again, at least 250 ms and at most 1 s.
    public var graceMilliseconds: Double { min(max(windowMilliseconds, 250), 1000) }

    /// A short description for reports: `RESUME {"guest":false} within 1000 ms before the reply`.
    public var summary: String {
        var text = name
        if let data { text += " " + ValueMatcher.text(data) }
        text += " within \(Self.format(windowMilliseconds)) ms"
        switch order {
        case .beforeReply: text += " before the reply"
        case .afterReply: text += " after the reply"
        case .any: break
        }
        return text
    }

    /// Milliseconds without a needless fraction: `1000`, `0.25`.
    static func format(_ milliseconds: Double) -> String {
        milliseconds == milliseconds.rounded() ? String(Int(milliseconds)) : String(milliseconds)
    }
}
