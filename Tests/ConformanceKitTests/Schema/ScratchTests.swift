import Testing
@testable import ConformanceKit

struct ScratchTests {
    @Test func explore() throws {
        let intro = try SchemaLoader.load(path: TestPaths.fixtures.appendingPathComponent("qemu-7.2-introspection.json").path).schema
        let defines: Set<String> = ["CONFIG_CURSES","CONFIG_DBUS_DISPLAY","CONFIG_FDT","CONFIG_FUSE","CONFIG_GBM","CONFIG_GTK","CONFIG_LIBPMEM","CONFIG_LINUX","CONFIG_LINUX_IO_URING","CONFIG_OPENGL","CONFIG_POSIX","CONFIG_REPLICATION","CONFIG_SDL","CONFIG_SECRET_KEYRING","CONFIG_SPICE","CONFIG_SPICE_PROTOCOL","CONFIG_TCG","CONFIG_TPM","CONFIG_VDUSE_BLK_EXPORT","CONFIG_VHOST_CRYPTO","CONFIG_VHOST_USER_BLK_SERVER","CONFIG_VNC","CONFIG_ZSTD","HAVE_HOST_BLOCK_DEVICE","HAVE_IPPROTO_MPTCP","TARGET_I386"]
        let source = try SchemaLoader.load(path: TestPaths.qapi("qemu-7.2/qapi-schema.json"), options: .init(defines: defines)).schema
        let diff = SchemaDiff.compare(source, intro)
        print("NCHANGES", diff.changes.count)
        for c in diff.changes.prefix(200) { print("CH", c) }
        let d2 = try SchemaLoader.load(path: TestPaths.qapi("net-7.1/net.json")).schema
        let d3 = try SchemaLoader.load(path: TestPaths.qapi("net-7.2/net.json")).schema
        for c in SchemaDiff.compare(d2, d3).changes { print("NET", c) }
    }
}
