/// The times one item measured: each command's round trip and each event's latency, in
/// milliseconds on the client's monotonic clock. Baselines store them and `BaselineComparison`
/// holds them against a `TimingTolerance`; nothing here is a verdict (an expected event's window
/// is the oracle's `event-late` rule).
public struct CaseTimings: Sendable, Hashable {
    /// One measured time, named by what it measures.
    public struct Measure: Sendable, Hashable {
        /// A round trip: the command name (`stop`); an event latency: the event and the command
        /// it followed (`STOP after stop`). Times of one name are comparable across cases.
        public var name: String
        /// The time in milliseconds, to the microsecond.
        public var milliseconds: Double

        /// Creates a measure.
        /// - Parameters:
        ///   - name: what it measures.
        ///   - milliseconds: the time.
        public init(_ name: String, milliseconds: Double) {
            self.name = name
            self.milliseconds = (milliseconds * 1000).rounded() / 1000
        }
    }

    /// From sending each command to its reply, in order; commands without a reply have none.
    /// At most `maximumMeasures`.
    public var roundTrips: [Measure]
    /// From sending a command to each event that arrived while it ran, in arrival order. Events
    /// after the reply are not timed: a job's later events measure the host's load as much as
    /// the endpoint (a rerun of QEMU 7.2 on a loaded machine saw `BLOCK_JOB_PENDING` after
    /// `drive-backup` take 50 ms, then 411 ms). At most `maximumMeasures`, the first ones.
    public var eventLatencies: [Measure]

    /// The most round trips and the most event latencies kept per item: an endpoint that floods
    /// events while a command runs must not grow the baseline and the report without bound.
    public static let maximumMeasures = 100

    /// No timings.
    public static let none = CaseTimings(roundTrips: [], eventLatencies: [])

    /// Creates timings.
    /// - Parameters:
    ///   - roundTrips: the round trips.
    ///   - eventLatencies: the event latencies.
    public init(roundTrips: [Measure], eventLatencies: [Measure]) {
        self.roundTrips = roundTrips
        self.eventLatencies = eventLatencies
    }

    /// The timings of an observation.
    /// - Parameter observation: what the runner saw.
    public init(_ observation: Observation) {
        let exchanges = observation.exchanges
        func command(_ exchange: Observation.Exchange) -> String {
            exchange.request["execute"]?.stringValue ?? exchange.request["exec-oob"]?.stringValue ?? ""
        }
        roundTrips = exchanges.lazy.compactMap { exchange in
            guard let reply = exchange.reply else { return nil }
            return Measure(command(exchange), milliseconds: Oracle.milliseconds(reply.receivedAt - exchange.sentAt))
        }.prefix(Self.maximumMeasures).map { $0 }
        eventLatencies = observation.commandEvents.prefix(Self.maximumMeasures).map { event, exchange in
            Measure(
                "\(event.name) after \(command(exchange))",
                milliseconds: Oracle.milliseconds(event.receivedAt - exchange.sentAt))
        }
    }

    /// Every measure with its occurrence among those of its name (`round trip stop`, `round
    /// trip stop #2`), the key two runs' timings of one case are matched by, and its pool: the
    /// command it measures, the round trip or an event that came while it ran (`stop`).
    var keyed: [(key: String, pool: String, measure: Measure)] {
        var seen: [String: Int] = [:]
        let named =
            roundTrips.map { ("round trip \($0.name)", $0.name, $0) }
            + eventLatencies.map { measure in
                ("event \(measure.name)", measure.name.components(separatedBy: " after ").last ?? measure.name, measure)
            }
        return named.map { name, pool, measure in
            let occurrence = seen[name, default: 0]
            seen[name] = occurrence + 1
            return (occurrence == 0 ? name : "\(name) #\(occurrence + 1)", pool, measure)
        }
    }
}
