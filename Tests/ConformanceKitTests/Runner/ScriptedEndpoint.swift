import Foundation

@testable import ConformanceKit

/// A QMP server in memory for runner tests: every connection greets, and each request line is
/// answered by `answer` (per connection number, from 1). It counts connections and keeps every
/// request it received, so tests see what the runner sent and how often it reconnected.
final class ScriptedEndpoint: @unchecked Sendable {
    /// What the server does with one request.
    enum Answer {
        /// Send these lines (each a JSON message; CRLF is added).
        case lines([String])
        /// Send these bytes as they are (framing faults).
        case raw(String)
        /// Close the connection, as a crashed endpoint does.
        case die
        /// Say nothing.
        case silence
    }

    private let lock = NSLock()
    private var connections = 0
    private var received: [JSONObject] = []
    private let answer: @Sendable (_ connection: Int, _ request: JSONObject) -> Answer
    private let accepts: @Sendable (_ connection: Int) -> Bool

    /// Creates a server.
    /// - Parameters:
    ///   - answer: what to do with each request; nil answers `{"return": {}}`.
    ///   - accepts: whether the n-th connection attempt (from 1) is accepted; a refused one is
    ///     an endpoint that is gone.
    init(
        _ answer: (@Sendable (_ connection: Int, _ request: JSONObject) -> Answer?)? = nil,
        accepts: @escaping @Sendable (_ connection: Int) -> Bool = { _ in true }
    ) {
        self.accepts = accepts
        self.answer = { connection, request in answer?(connection, request) ?? .lines([Self.reply(request)]) }
    }

    /// The connections opened so far.
    var opened: Int { lock.withLock { connections } }
    /// Every request received, in order, over all connections.
    var requests: [JSONObject] { lock.withLock { received } }

    /// `{"return": ..., "id": <the request's id>}` (or another body).
    static func reply(_ request: JSONObject, _ body: String = #""return": {}"#) -> String {
        "{\(body), \"id\": \(JSONWriter.compact.string(request["id"] ?? .null))}"
    }

    /// An event line.
    static func event(_ name: String, data: String? = nil, seconds: Int = 1) -> String {
        #"{"event": "\#(name)", "timestamp": {"seconds": \#(seconds), "microseconds": 0}"#
            + (data.map { #", "data": \#($0)"# } ?? "") + "}"
    }

    /// A runner configuration whose endpoints are this server.
    /// - Parameters:
    ///   - launched: whether the run owns the endpoint (may relaunch it, runs destructive cases).
    ///   - caseTimeout: the reply timeout.
    /// - Returns: the configuration.
    func configuration(
        launched: Bool = true, caseTimeout: Duration = .seconds(60), itemWallTime: Duration = .seconds(600)
    ) -> Runner.Configuration {
        Runner.Configuration(
            target: launched ? .launch(["scripted"]) : .unixSocket("scripted"), caseTimeout: caseTimeout,
            livenessTimeout: .seconds(10), reconnectTimeout: .milliseconds(300), itemWallTime: itemWallTime,
            makeEndpoint: { target in Endpoint(target: target, opener: self.open) })
    }

    /// Opens one connection.
    func open(negotiate: Bool) async throws(QMPProtocolError) -> QMPClient {
        let connection = lock.withLock {
            connections += 1
            return connections
        }
        guard accepts(connection) else { throw .transport(.closed) }
        let holder = Holder()
        let transport = ScriptedTransport(initial: [Array(QMPClientTests.greeting.utf8)]) { bytes in
            var out: [[UInt8]] = []
            // A pipelined write holds several objects back to back.
            let items = (try? JSONParser.parseSequence(bytes, dialect: .json)) ?? []
            for case .value(let value, _) in items {
                guard let request = value.objectValue else { continue }
                self.lock.withLock { self.received.append(request) }
                if request["execute"] == "qmp_capabilities" {
                    out.append(Array((Self.reply(request) + "\r\n").utf8))
                    continue
                }
                switch self.answer(connection, request) {
                case .lines(let lines): out += lines.map { Array(($0 + "\r\n").utf8) }
                case .raw(let text): out.append(Array(text.utf8))
                case .die:
                    for chunk in out { holder.transport?.deliver(chunk) }
                    holder.transport?.finish()
                    return []
                case .silence: break
                }
            }
            return out
        }
        holder.transport = transport
        return try await QMPClient.connect(
            over: transport, options: .init(recordsTranscript: true), negotiate: negotiate, timeout: .seconds(5))
    }

    private final class Holder: @unchecked Sendable {
        var transport: ScriptedTransport?
    }
}
