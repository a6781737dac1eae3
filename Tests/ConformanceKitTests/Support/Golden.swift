import Foundation
import TestSupport
import Testing

/// Compares text with a golden file under `Tests/ConformanceKitTests/Golden`.
///
/// On a mismatch the test fails with a line diff (`-` golden, `+` actual). With the environment
/// variable `RECORD_GOLDEN=1` the golden file is rewritten instead, and the test still fails so
/// that a recording run is never mistaken for a passing one.
/// - Parameters:
///   - actual: the text the code under test produced.
///   - name: the golden file's path relative to the golden folder, e.g. `CommandLine/root-help.txt`.
///   - sourceLocation: where the failure is reported.
func assertGolden(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let url = TestPaths.golden.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true
            )
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record(
                "Recorded golden file \(name); run again without RECORD_GOLDEN=1.", sourceLocation: sourceLocation)
        } catch {
            Issue.record("Cannot write golden file \(name): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("Missing golden file \(name); RECORD_GOLDEN=1 creates it.", sourceLocation: sourceLocation)
        return
    }
    if actual != expected {
        let diff = lineDiff(from: expected, to: actual)
        Issue.record(
            "Output differs from golden file \(name) (- golden, + actual; RECORD_GOLDEN=1 rewrites it):\n\(diff)",
            sourceLocation: sourceLocation
        )
    }
}

/// The changed lines between two texts with `context` unchanged lines around each change;
/// `...` marks the lines left out.
/// - Parameters:
///   - old: the expected text (lines marked `-`).
///   - new: the actual text (lines marked `+`).
///   - context: how many unchanged lines to keep around a change.
/// - Returns: the diff, one line per line, each prefixed by `-`, `+` or a space.
func lineDiff(from old: String, to new: String, context: Int = 3) -> String {
    let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false)
    let newLines = new.split(separator: "\n", omittingEmptySubsequences: false)
    var removed = Set<Int>()
    var inserted = Set<Int>()
    for change in newLines.difference(from: oldLines) {
        switch change {
        case .remove(let offset, _, _): removed.insert(offset)
        case .insert(let offset, _, _): inserted.insert(offset)
        }
    }
    var marked: [String] = []
    var (i, j) = (0, 0)
    while i < oldLines.count || j < newLines.count {
        if i < oldLines.count, removed.contains(i) {
            marked.append("-\(oldLines[i])")
            i += 1
        } else if j < newLines.count, inserted.contains(j) {
            marked.append("+\(newLines[j])")
            j += 1
        } else {
            marked.append(" \(oldLines[i])")
            (i, j) = (i + 1, j + 1)
        }
    }
    let changed = marked.indices.filter { !marked[$0].hasPrefix(" ") }
    var shown: [String] = []
    var previous = -1
    for index in marked.indices where changed.contains(where: { abs($0 - index) <= context }) {
        if index > previous + 1 { shown.append("...") }
        shown.append(marked[index])
        previous = index
    }
    if previous < marked.count - 1 { shown.append("...") }
    return shown.joined(separator: "\n")
}
