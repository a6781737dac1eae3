import Foundation
import TestSupport
import Testing

/// The shape `docs/ARCHITECTURE.md` describes, checked over the library's sources: no folder
/// uses a type of a folder that uses one of its own (directly or around a loop), and system
/// calls (Glibc, FileManager, Process, reading the wall clock) stay in the edge folder.
struct ArchitectureTests {
    /// The folder whose job is talking to the system: sockets, processes, files, the clock.
    static let edges: Set<String> = ["Transport"]

    /// What a file may not use outside the edges.
    static let systemCalls = [
        "import Glibc", "FileManager", "Process(", "Process.", "Date()", "Date.now", "ProcessInfo",
    ]

    /// One Swift file of the library.
    struct SourceFile {
        let folder: String
        let name: String
        let code: String
    }

    static let library = TestPaths.packageRoot.appendingPathComponent("Sources/ConformanceKit")

    static func sources() throws -> [SourceFile] {
        let manager = FileManager.default
        var files: [SourceFile] = []
        for folder in try manager.contentsOfDirectory(atPath: library.path).sorted() {
            let directory = library.appendingPathComponent(folder)
            for name in try manager.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".swift")
            {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                files.append(SourceFile(folder: folder, name: name, code: withoutCommentsAndStrings(text)))
            }
        }
        return files
    }

    /// Source text without comments and string literals, so names in prose do not count.
    static func withoutCommentsAndStrings(_ text: String) -> String {
        text.replacing(/\/\/[^\n]*/, with: "").replacing(/"""[\s\S]*?"""/, with: "\"\"")
            .replacing(/"(?:\\.|[^"\\\n])*"/, with: "\"\"")
    }

    /// The type names each folder declares (at any nesting).
    static func declarations(_ files: [SourceFile]) -> (topLevel: [String: String], byFolder: [String: Set<String>]) {
        var topLevel: [String: String] = [:]
        var byFolder: [String: Set<String>] = [:]
        let declaration =
            /(?m)^([ \t]*)(?:(?:public|package|private|fileprivate|internal|final|indirect|nonisolated)\s+)*(?:struct|enum|class|actor|protocol|typealias)\s+(\w+)/
        for file in files {
            for match in file.code.matches(of: declaration) {
                let name = String(match.output.2)
                byFolder[file.folder, default: []].insert(name)
                if match.output.1.isEmpty, topLevel[name] == nil { topLevel[name] = file.folder }
            }
        }
        return (topLevel, byFolder)
    }

    /// Folder → the folders whose top-level types it uses, with one file and name as evidence.
    static func dependencies(_ files: [SourceFile]) -> [String: [String: String]] {
        let (topLevel, byFolder) = declarations(files)
        var edges: [String: [String: String]] = [:]
        for file in files {
            let own = byFolder[file.folder] ?? []
            for match in file.code.matches(of: /\b[A-Z]\w*/) {
                let name = String(match.output)
                guard !own.contains(name), let folder = topLevel[name], folder != file.folder else { continue }
                edges[file.folder, default: [:]][folder] = edges[file.folder]?[folder] ?? "\(file.name) uses \(name)"
            }
        }
        return edges
    }

    @Test func noFolderUsesAFolderThatUsesItAroundAnyLoop() throws {
        let edges = Self.dependencies(try Self.sources())
        for (from, targets) in edges.sorted(by: { $0.key < $1.key }) {
            for (to, evidence) in targets.sorted(by: { $0.key < $1.key }) {
                if let back = Self.path(from: to, to: from, in: edges) {
                    Issue.record(
                        "\(from) -> \(to) (\(evidence)), and back: \(back.joined(separator: " -> "))")
                }
            }
        }
    }

    /// A path of folders from one to another, with the evidence of its first step, if any.
    static func path(from start: String, to goal: String, in edges: [String: [String: String]]) -> [String]? {
        var previous: [String: String] = [:]
        var queue = [start]
        var seen: Set<String> = [start]
        while !queue.isEmpty {
            let folder = queue.removeFirst()
            if folder == goal {
                var path = [goal]
                while let step = previous[path[0]] { path.insert(step, at: 0) }
                return path
            }
            for next in (edges[folder] ?? [:]).keys.sorted() where seen.insert(next).inserted {
                previous[next] = folder
                queue.append(next)
            }
        }
        return nil
    }

    @Test func systemCallsStayInTheEdgeFolder() throws {
        for file in try Self.sources() where !Self.edges.contains(file.folder) {
            for call in Self.systemCalls where file.code.contains(call) {
                Issue.record("\(file.folder)/\(file.name) uses \(call); only \(Self.edges.sorted()) may")
            }
        }
    }
}
