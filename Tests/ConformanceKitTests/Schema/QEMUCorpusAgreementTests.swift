import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// `schema check --strict` judges QEMU 7.2's own generator test corpus as QEMU does: every
/// schema QEMU rejects is rejected at the line QEMU names, every schema it accepts is accepted.
///
/// QEMU names the line where the definition (or doc block) starts; our errors point inside it,
/// at the member or key at fault. So an error agrees when it is on QEMU's line, or inside the
/// definition (with its doc block) that starts on QEMU's line.
struct QEMUCorpusAgreementTests {
    static let corpus = TestPaths.shared.appendingPathComponent("qapi/qapi-schema-tests-7.2")
    /// Files that only serve other tests' includes (QEMU's meson.build does not list them).
    static let includedHelpers: Set<String> = [
        "include-cycle-b", "include-cycle-c", "include-repetition-sub", "include-simple-sub", "sub-sub-module",
    ]

    /// What QEMU printed for one test: nil when it accepted the schema.
    struct Expected {
        var file: String
        var line: Int
        var message: String
    }

    @Test(.enabled(if: TestPaths.sharedIsPresent, TestPaths.sharedMissing))
    func strictCheckAgreesWithQEMUOnItsOwnTestCorpus() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
            .filter { !Self.includedHelpers.contains($0) }.sorted()
        var disagreements: [String] = []
        for name in names {
            if let disagreement = try Self.disagreement(on: name) { disagreements.append(disagreement) }
        }
        let agreed = names.count - disagreements.count
        let percent = Double(agreed) * 100 / Double(names.count)
        print("QEMU 7.2 corpus agreement: \(agreed)/\(names.count) (\(String(format: "%.1f", percent))%)")
        disagreements.forEach { print("  \($0)") }
        #expect(names.count > 190)
        #expect(percent >= 98, "\(disagreements.joined(separator: "\n"))")
    }

    /// Why our verdict on one test differs from QEMU's, or nil when it agrees.
    static func disagreement(on name: String) throws -> String? {
        let path = corpus.appendingPathComponent("\(name).json").path
        let expected = try Self.expected(name)
        let errors: [Diagnostic]
        do {
            _ = try SchemaLoader.load(path: path, options: .init(strict: true))
            errors = []
        } catch {
            errors = error.diagnostics
        }
        guard let expected else {
            return errors.isEmpty ? nil : "\(name): QEMU accepts, we reject: \(errors[0])"
        }
        guard !errors.isEmpty else { return "\(name): QEMU rejects (\(expected.message)), we accept" }
        let agrees = errors.contains { error in
            guard let location = error.location, location.file.hasSuffix("/" + expected.file) else { return false }
            return acceptableLines(for: location).contains(expected.line)
        }
        return agrees ? nil : "\(name): QEMU: \(expected.file):\(expected.line): \(expected.message); we: \(errors[0])"
    }

    /// The first located line of `X.err` (context lines such as `In file included from` skipped).
    static func expected(_ name: String) throws -> Expected? {
        let text = try String(contentsOf: corpus.appendingPathComponent("\(name).err"), encoding: .utf8)
        for line in text.split(separator: "\n") where !line.hasPrefix("In file included from") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].hasSuffix(".json"), let number = Int(parts[1]) else { continue }
            return Expected(file: String(parts[0]), line: number, message: String(parts[2]).trimmingSpaces)
        }
        return nil
    }

    /// The lines QEMU could name for an error at `location`: its own, and the first lines of the
    /// definition and doc block it sits in.
    static func acceptableLines(for location: ConformanceKit.SourceLocation) -> Set<Int> {
        guard let bytes = FileManager.default.contents(atPath: location.file).map(Array.init) else { return [] }
        let source = SourceText(file: location.file, bytes: bytes)
        guard let (items, positions) = try? JSONParser.parseSequenceItems(bytes, dialect: .qapi) else {
            return [location.line]
        }
        // Each unit runs from its doc block's `##` (or its expression) to the next unit's start.
        var units: [(start: Int, expression: Int)] = []
        var docStart: Int?
        var inDoc = false
        for item in items {
            switch item {
            case .comment(let text):
                guard text.count == 1, bytes[text.lowerBound] == UInt8(ascii: "#") else { continue }
                if !inDoc { docStart = source.location(of: text.lowerBound).line }
                inDoc.toggle()
            case .value(_, let root):
                let line = source.location(of: JSONNode(positions, index: root).offset).line
                units.append((docStart ?? line, line))
                docStart = nil
                inDoc = false
            }
        }
        guard let unit = units.last(where: { $0.start <= location.line }) else { return [location.line] }
        return [location.line, unit.start, unit.expression]
    }
}
