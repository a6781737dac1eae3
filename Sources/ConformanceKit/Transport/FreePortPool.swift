import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Hands out TCP ports that are free on the loopback interface, each at most once per run, for
/// `${free_port}` in generated values and scenarios. Only loopback: the run never listens or
/// connects elsewhere.
public final class FreePortPool: @unchecked Sendable {
    /// Guards `given`; the only mutable state.
    private let lock = NSLock()
    private var given: Set<Int> = []

    /// Creates an empty pool.
    public init() {}

    /// A port that was free on 127.0.0.1 a moment ago and was not handed out before.
    /// - Returns: the port, or nil when the system gave none (no loopback, out of descriptors).
    public func next() -> Int? {
        for _ in 0..<16 {
            guard let port = Self.probe() else { return nil }
            let fresh = lock.withLock { given.insert(port).inserted }
            if fresh { return port }
        }
        return nil
    }

    /// Binds port 0 on 127.0.0.1 and reads back the port the kernel chose.
    private static func probe() -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { return nil }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
