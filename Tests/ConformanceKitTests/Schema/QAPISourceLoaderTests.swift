import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// Files are parsed on several threads, but includes keep QEMU's meaning: each file once, at its
/// first `include`, paths relative to the including file.
struct QAPISourceLoaderTests {
    @Test(arguments: [
        ("b.json", "/s/a.json", "/s/b.json"),
        ("sub/c.json", "/s/a.json", "/s/sub/c.json"),
        ("../d.json", "dir/a.json", "dir/../d.json"),
        ("e.json", "a.json", "e.json"),
        ("/abs/f.json", "/s/a.json", "/abs/f.json"),
    ])
    func includesResolveAgainstTheIncludingFile(relative: String, from: String, resolved: String) {
        #expect(QAPISourceLoader.resolve(relative, from: from) == resolved)
    }

    @Test(arguments: [
        ("/s/./sub/../b.json", "/s/b.json"),
        ("dir/../d.json", "d.json"),
        ("../x/./y.json", "../x/y.json"),
        ("a//b.json", "a/b.json"),
    ])
    func normalizedPathsApplyDotAndDotDot(path: String, normalized: String) {
        #expect(QAPISourceLoader.normalized(path) == normalized)
    }

    /// A tree whose files include each other out of order, in several spellings.
    static let tree = [
        "/s/main.json": """
        { 'struct': 'Main1', 'data': {} }
        { 'include': 'sub/big.json' }
        { 'include': './sub/../sub/big.json' }
        { 'struct': 'Main2', 'data': {} }
        { 'include': 'small.json' }
        """,
        "/s/sub/big.json": """
        { 'include': 'shared.json' }
        """ + (1...200).map { "\n{ 'struct': 'Big\($0)', 'data': { 'm': 'Shared' } }" }.joined(),
        "/s/sub/shared.json": "{ 'struct': 'Shared', 'data': {} }",
        "/s/small.json": "{ 'include': 'sub/shared.json' }\n{ 'struct': 'Small', 'data': {} }",
    ]

    @Test func definitionsKeepIncludeOrderAndEachFileIsReadOnce() throws {
        let expected = ["Main1", "Shared"] + (1...200).map { "Big\($0)" } + ["Main2", "Small"]
        for _ in 0..<20 {
            let schema = try SchemaLoader.loadSource(files: Self.tree, main: "/s/main.json").schema
            #expect(schema.types.filter { $0.origin == .struct }.map(\.name) == expected)
            #expect(schema.files == ["/s/main.json", "/s/sub/big.json", "/s/sub/shared.json", "/s/small.json"])
        }
    }

    /// Counts the reads of each file of an in-memory tree.
    final class ReadCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var reads: [String: Int] = [:]
        let files: [String: String]

        init(_ files: [String: String]) { self.files = files }

        var loader: QAPISourceLoader {
            QAPISourceLoader { [self] path in
                let key = QAPISourceLoader.normalized(path)
                lock.withLock { reads[key, default: 0] += 1 }
                guard let text = files[key] else { throw CocoaError(.fileReadNoSuchFile) }
                return Array(text.utf8)
            }
        }

        var counts: [String: Int] { lock.withLock { reads } }
    }

    @Test func aFileIncludedOftenUnderSeveralSpellingsIsReadOnce() throws {
        let counter = ReadCounter([
            "/s/main.json": "{ 'include': 'a.json' }\n{ 'include': 'b.json' }\n{ 'include': './common.json' }",
            "/s/a.json": "{ 'include': 'common.json' }\n{ 'include': './common.json' }\n{ 'struct': 'A', 'data': {} }",
            "/s/b.json":
                "{ 'include': 'sub/../common.json' }\n{ 'include': 'a.json' }\n{ 'struct': 'B', 'data': {} }",
            "/s/common.json": "{ 'struct': 'Common', 'data': {} }",
        ])
        for _ in 0..<10 {
            let schema = try SchemaLoader.loadSource(
                path: "/s/main.json", options: SchemaLoader.Options(), loader: counter.loader
            ).schema
            #expect(schema.types.filter { $0.origin == .struct }.map(\.name) == ["Common", "A", "B"])
        }
        #expect(counter.counts == ["/s/main.json": 10, "/s/a.json": 10, "/s/b.json": 10, "/s/common.json": 10])
    }

    @Test(arguments: [
        ["/s/main.json": "{ 'struct': 'Main', 'data': {} }\n{ 'include': 1️⃣'./main.json' }"],
        [
            "/s/main.json": "{ 'include': 'a.json' }",
            "/s/a.json": "{ 'include': 'sub/b.json' }",
            "/s/sub/b.json": "{ 'struct': 'B', 'data': {} }\n{ 'include': 1️⃣'../a.json' }",
        ],
    ])
    func anInclusionLoopIsAnErrorAtTheIncludeThatClosesIt(files: [String: String]) throws {
        let marked = files.mapValues(MarkedText.init)
        let (file, text) = try #require(marked.first { $0.value.locations["1️⃣"] != nil })
        let expected = try #require(text.locations["1️⃣"])
        do {
            _ = try SchemaLoader.loadSource(files: marked.mapValues(\.text), main: "/s/main.json")
            Issue.record("expected an inclusion loop")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.message.hasPrefix("inclusion loop for "))
            #expect(diagnostic.location == SourceLocation(file: file, line: expected.line, column: expected.column))
        }
    }

    @Test func aSyntaxErrorInAnIncludedFileIsLocatedInThatFile() {
        var tree = Self.tree
        tree["/s/sub/shared.json"] = "{ 'struct': 'Shared', 'data': {} "
        do {
            _ = try SchemaLoader.loadSource(files: tree, main: "/s/main.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.first?.location?.file == "/s/sub/shared.json")
            #expect(error.diagnostics.first?.location?.line == 1)
        }
    }
}

/// Loading from async code goes through a Dispatch thread of its own.
struct SchemaLoaderAsyncTests {
    @Test func loadingWithoutBlockingGivesWhatTheBlockingLoadGives() async throws {
        let path = TestPaths.fixtures.appendingPathComponent("qemu-7.2-introspection.json").path
        let awaited = try await SchemaLoader.loadWithoutBlocking(path: path)
        let blocking = try SchemaLoader.load(path: path)
        #expect(awaited.schema.digest == blocking.schema.digest)
        await #expect(throws: DiagnosticError.self) {
            try await SchemaLoader.loadWithoutBlocking(path: "/nonexistent.json")
        }
    }
}
