import Glibc
import Testing

@testable import ConformanceKit

struct FreePortPoolTests {
    @Test func handsOutDistinctBindableLoopbackPorts() throws {
        let pool = FreePortPool()
        var ports = Set<UInt16>()
        for _ in 0..<20 { ports.insert(try pool.allocate()) }
        #expect(ports.count == 20)
        #expect(!ports.contains(0))
        // The port is free: a listener can bind it.
        let port = try pool.allocate()
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(bound == 0)
    }
}
