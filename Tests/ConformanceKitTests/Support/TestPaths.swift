import Foundation

/// Paths the tests read: the repository, its fixtures and golden files, and `../shared` beside it.
enum TestPaths {
    /// The package root (two levels above this file's folder).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/ConformanceKitTests/Fixtures`.
    static let fixtures = packageRoot.appendingPathComponent("Tests/ConformanceKitTests/Fixtures")
    /// `Tests/ConformanceKitTests/Golden`.
    static let golden = packageRoot.appendingPathComponent("Tests/ConformanceKitTests/Golden")
    /// The `shared/` folder CI places beside the clone.
    static let shared: URL = {
        if let override = ProcessInfo.processInfo.environment["QMP_CONFORM_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// A path under `shared/qapi`.
    static func qapi(_ relative: String) -> String { shared.appendingPathComponent("qapi/\(relative)").path }
}
