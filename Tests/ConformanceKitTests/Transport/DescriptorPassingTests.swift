import Foundation
import Glibc
import Testing

@testable import ConformanceKit

/// Passing file descriptors with a message (`SCM_RIGHTS`): what `getfd` and `add-fd` need.
struct DescriptorPassingTests {
    /// Receives one message and the descriptors that came with it, on a blocking socket.
    static func receive(on fd: Int32) -> (bytes: [UInt8], descriptors: [Int32]) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let space = 64
        let control = UnsafeMutableRawPointer.allocate(byteCount: space, alignment: MemoryLayout<cmsghdr>.alignment)
        defer { control.deallocate() }
        control.initializeMemory(as: UInt8.self, repeating: 0, count: space)
        let count = buffer.withUnsafeMutableBytes { raw in
            var vector = iovec(iov_base: raw.baseAddress, iov_len: raw.count)
            return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                var header = msghdr()
                header.msg_iov = vectorPointer
                header.msg_iovlen = 1
                header.msg_control = control
                header.msg_controllen = space
                return recvmsg(fd, &header, 0)
            }
        }
        let message = control.bindMemory(to: cmsghdr.self, capacity: 1).pointee
        var descriptors: [Int32] = []
        if message.cmsg_level == SOL_SOCKET, message.cmsg_type == Int32(SCM_RIGHTS) {
            let header = (MemoryLayout<cmsghdr>.size + 7) & ~7
            let payload = message.cmsg_len - header
            for index in 0..<(payload / 4) {
                descriptors.append(control.load(fromByteOffset: header + index * 4, as: Int32.self))
            }
        }
        return (Array(buffer.prefix(max(0, count))), descriptors)
    }

    @Test func theReceiverGetsAWorkingDescriptorOfTheScratchFileWithTheMessage() async throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        let connection = SocketConnection(fd: pair[0], address: "socketpair")
        let file = try PassedFile(directory: directory)
        let message = Array(#"{"execute":"getfd","arguments":{"fdname":"f"}}"#.utf8) + [13, 10]
        try await connection.send(message, passing: [file], deadline: .now + .seconds(60))
        let received = Self.receive(on: pair[1])
        #expect(received.bytes == message)
        try #require(received.descriptors.count == 1)
        let written = Array("through the passed descriptor".utf8)
        #expect(written.withUnsafeBytes { write(received.descriptors[0], $0.baseAddress, $0.count) } == written.count)
        close(received.descriptors[0])
        #expect(FileManager.default.contents(atPath: file.path) == Data(written))
        var status = stat()
        #expect(stat(file.path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        await connection.close()
    }

    @Test func aSendWithoutFilesCarriesNoDescriptor() async throws {
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        let connection = SocketConnection(fd: pair[0], address: "socketpair")
        try await connection.send(Array("{}\r\n".utf8), deadline: .now + .seconds(60))
        #expect(Self.receive(on: pair[1]).descriptors.isEmpty)
        await connection.close()
    }

    @Test(arguments: ["", ".", "..", "a/b", "../passed-fd"])
    func onlyAPlainNameInsideTheScratchDirectoryIsPassed(name: String) {
        #expect(throws: TransportError.passedFileNotAllowed(path: "/tmp/qmp-conform-x/" + name)) {
            try PassedFile(directory: "/tmp/qmp-conform-x", name: name)
        }
    }

    @Test func aSymbolicLinkInTheScratchDirectoryIsNotFollowedAndNothingIsSent() async throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let file = try PassedFile(directory: directory)
        try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: "/etc/hostname")
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        let connection = SocketConnection(fd: pair[0], address: "socketpair")
        await #expect(throws: TransportError.passedFileUnavailable(path: file.path, errno: ELOOP)) {
            try await connection.send(Array("{}\r\n".utf8), passing: [file], deadline: .now + .seconds(60))
        }
        await connection.close()
        var byte: UInt8 = 0
        #expect(read(pair[1], &byte, 1) == 0)
    }

    @Test func theTCPTransportRefusesToPassADescriptorAndSaysWhatCan() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        try #require(bound)
        let transport = try await TCPTransport.connect(host: "127.0.0.1", port: UInt16(bigEndian: address.sin_port))
        let file = try PassedFile(directory: "/tmp/qmp-conform-x")
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(Array("{}\r\n".utf8), passing: [file], deadline: .now + .seconds(60))
        }
        #expect(error == .descriptorPassingNeedsUnixSocket(address: transport.address))
        #expect(error?.description.contains("needs a Unix socket") == true)
        await transport.close()
    }
}
