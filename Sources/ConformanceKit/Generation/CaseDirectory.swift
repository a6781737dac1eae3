import Foundation

/// The hand-maintained inputs of a run, read from a `cases/` directory: the value-synthesis
/// table (`values.json`), the safety policy (`policy.json`), the reviewed resource table
/// (`resources.json`) and the scenarios (`*/*.json`).
///
/// It reads its files through `LocalFiles`; errors point at `file:line:column`.
public struct CaseDirectory: Sendable {
    /// The directory.
    public var path: String
    /// The value table.
    public var values: ValueTable
    /// The safety policy.
    public var policy: SafetyPolicy
    /// The reviewed part of the resource model.
    public var resources: ResourceTable
    /// The scenarios of the subfolders, in path order.
    public var scenarios: [Scenario]

    /// Loads a cases directory.
    /// - Parameter path: the directory holding `values.json` and `policy.json`.
    /// - Returns: the loaded inputs.
    /// - Throws: `DiagnosticError` for a missing or malformed file.
    public static func load(_ path: String) throws(DiagnosticError) -> CaseDirectory {
        func read(_ name: String) throws(DiagnosticError) -> (bytes: [UInt8], file: String) {
            let file = URL(fileURLWithPath: path).appendingPathComponent(name).path
            guard let data = LocalFiles.contents(atPath: file) else {
                throw DiagnosticError(
                    Diagnostic(
                        .error, "cannot read '\(file)'",
                        hint: "pass --cases DIR, the qmp-conform cases/ directory holding \(name)"))
            }
            return (data, file)
        }
        let values = try read("values.json")
        let policy = try read("policy.json")
        let resources = try read("resources.json")
        return CaseDirectory(
            path: path, values: try ValueTable.load(values.bytes, file: values.file),
            policy: try SafetyPolicy.load(policy.bytes, file: policy.file),
            resources: try ResourceTable.load(resources.bytes, file: resources.file),
            scenarios: try ScenarioLoader.load(directory: path))
    }

    /// Where to look for `cases/` when the user names none: the current directory's `cases/`,
    /// then the one of the package the executable was built in (`.build/<config>/qmp-conform`).
    /// - Parameter executable: the running executable's path.
    /// - Returns: the first candidate that holds `values.json`, if any.
    public static func defaultPath(executable: String) -> String? {
        var candidates = [LocalFiles.currentDirectory + "/cases"]
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            directory = directory.deletingLastPathComponent()
            candidates.append(directory.appendingPathComponent("cases").path)
        }
        return candidates.first { LocalFiles.exists($0 + "/values.json") }
    }
}
