import Glibc
import Testing

@testable import ConformanceKit

/// QEMU serving QMP on loopback TCP (skipped when QEMU is not on PATH).
@Suite(.enabled(if: LaunchedEndpoint.isOnPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on PATH"))
struct TCPTransportIntegrationTests {
    /// A loopback port that was free a moment ago.
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    @Test func aQMPServerOnLoopbackTCPAnswers() async throws {
        let port = Self.freePort()
        let endpoint = LaunchedEndpoint(
            configuration: .init(
                command: LaunchedEndpoint.Configuration.defaultCommand + [
                    "-qmp", "tcp:127.0.0.1:\(port),server=on,wait=off",
                ]))
        try await endpoint.launch()
        var transport: TCPTransport?
        for _ in 0..<200 where transport == nil {
            transport = try? await TCPTransport.connect("127.0.0.1:\(port)")
            if transport == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let status = try await QMPClient.withConnection(over: try #require(transport)) { client in
            try await client.execute("query-status", timeout: .seconds(60)).returnValue?["status"]
        }
        #expect(status == "prelaunch", "the fixture endpoint's guest is stopped (-S)")
        await endpoint.stop()
    }

    @Test func theEndpointInheritsNoStrayDescriptors() async throws {
        // A descriptor this process leaves open without FD_CLOEXEC must not reach the child.
        let marker = "/tmp/qmp-conform-fd-marker-\(getpid())"
        let fd = open(marker, O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0)
        defer {
            close(fd)
            unlink(marker)
        }
        // `sh -c SCRIPT` gets the appended `-qmp` and `unix:PATH,...` as $0 and $1; it lists its
        // descriptors' targets on stderr, then creates the socket path so launch() returns.
        let script = #"ls -l /proc/$$/fd >&2; s=${1#unix:}; s=${s%%,*}; : > "$s"; exec sleep 600"#
        let endpoint = LaunchedEndpoint(configuration: .init(command: ["sh", "-c", script]))
        try await endpoint.launch()
        try await Task.sleep(for: .milliseconds(100))
        let listing = await endpoint.stderrTail
        let exit = await endpoint.stop()
        #expect(listing.contains("/dev/null"), "\(listing)")
        #expect(!listing.contains(marker), "inherited: \(listing)")
        #expect(exit == .signaled(SIGTERM))
    }
}
