import ConformanceKit
import Foundation

/// Sequential round trips of `query-status` and of a command failing argument validation, for
/// `QMPClient` and for the C client in `Benchmarks/c/qmp_client.c`, on the same launched QEMU in
/// the same run, with byte-identical requests; then throughput with 8 commands in flight.
///
/// Options: `--c-client PATH` (required), `--count N` round trips per measurement (default
/// 500), `--rounds R` alternating C/Swift measurements (default 11; the median of the per-round
/// medians is reported, and short alternating rounds keep background load from favouring one).
enum ClientBenchmark {
    /// The two request kinds.
    enum Mode: String, CaseIterable {
        case status, invalid

        var command: String { self == .status ? "query-status" : "set_link" }
        var arguments: JSONObject? { self == .status ? nil : ["name": "x", "up": 1] }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) async throws {
        var cClient: String?
        var count = 500
        var rounds = 11
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--c-client": cClient = value
            case "--count": count = Int(value) ?? count
            case "--rounds": rounds = Int(value) ?? rounds
            default: throw Failure(description: "unknown option \(arguments[index])")
            }
            index += 2
        }
        guard let cClient else { throw Failure(description: "--c-client PATH is required") }

        let endpoint = LaunchedEndpoint()
        try await endpoint.launch()
        guard let socket = await endpoint.socketPath else { throw Failure(description: "no socket") }
        print(
            "endpoint: \(LaunchedEndpoint.Configuration.defaultCommand.joined(separator: " ")); \(count) round trips x \(rounds) rounds"
        )
        for mode in Mode.allCases {
            var cMedians: [Double] = []
            var swiftMedians: [Double] = []
            for _ in 0..<rounds {
                let (cFirst, cMedian) = try runC(cClient, socket: socket, mode: mode, count: count)
                guard cFirst == expectedFirstRequest(mode) else {
                    throw Failure(description: "requests differ: C \(cFirst) vs Swift \(expectedFirstRequest(mode))")
                }
                cMedians.append(cMedian)
                swiftMedians.append(try await runSwift(endpoint, mode: mode, count: count))
            }
            let c = median(cMedians)
            let swift = median(swiftMedians)
            let ratio = swift / c
            print(
                "\(mode.command) (\(expectedFirstRequest(mode).utf8.count) request bytes): "
                    + "C \(format(c)) us, Swift \(format(swift)) us per round trip, ratio \(format(ratio, digits: 3))x"
                    + (ratio <= 1.15 ? " (within 1.15x)" : " (ABOVE 1.15x target)"))
        }
        try await throughput(endpoint, count: max(count, 2000))
        await endpoint.stop()
    }

    /// The first request (id 2, after negotiation with id 1) as the Swift client writes it.
    static func expectedFirstRequest(_ mode: Mode) -> String {
        var session = QMPSession(dialect: .guestAgent)
        _ = try? session.command("qmp_capabilities", arguments: ["enable": ["oob"]])
        let request = try? session.command(mode.command, arguments: mode.arguments)
        return String(decoding: request?.bytes ?? [], as: UTF8.self)
    }

    static func runC(_ path: String, socket: String, mode: Mode, count: Int) throws -> (String, Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [socket, mode.rawValue, String(count)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
            let first = text.split(separator: "\n").first(where: { $0.hasPrefix("first_request=") }),
            let medianField = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first(where: {
                $0.hasPrefix("median_us=")
            }),
            let median = Double(medianField.dropFirst("median_us=".count))
        else { throw Failure(description: "C client failed: \(text)") }
        return (String(first.dropFirst("first_request=".count)), median)
    }

    static func runSwift(_ endpoint: LaunchedEndpoint, mode: Mode, count: Int) async throws -> Double {
        let client = try await endpoint.connect()
        var times: [Double] = []
        times.reserveCapacity(count)
        let clock = ContinuousClock()
        for _ in 0..<count {
            let start = clock.now
            let reply = try await client.execute(mode.command, arguments: mode.arguments, timeout: .seconds(5))
            let elapsed = clock.now - start
            if mode == .status ? !reply.isSuccess : reply.isSuccess {
                throw Failure(description: "unexpected reply \(reply.raw)")
            }
            times.append(microseconds(elapsed))
        }
        await client.close()
        return median(times)
    }

    static func throughput(_ endpoint: LaunchedEndpoint, count: Int) async throws {
        let client = try await endpoint.connect()
        let clock = ContinuousClock()
        var sequentialStart = clock.now
        for _ in 0..<count { _ = try await client.execute("query-status", timeout: .seconds(5)) }
        let sequential = Double(count) / seconds(clock.now - sequentialStart)
        sequentialStart = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for _ in stride(from: worker, to: count, by: 8) {
                        _ = try await client.execute("query-status", timeout: .seconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
        let parallel = Double(count) / seconds(clock.now - sequentialStart)
        await client.close()
        print(
            "query-status throughput: 1 in flight \(format(sequential)) req/s, 8 in flight \(format(parallel)) req/s "
                + "(\(format(parallel / sequential, digits: 2))x)")
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func microseconds(_ duration: Duration) -> Double { seconds(duration) * 1e6 }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func format(_ value: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
}
