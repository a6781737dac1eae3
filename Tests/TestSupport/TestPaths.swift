package import Foundation
package import Testing

/// Paths the tests read (shared by the unit and integration test targets): the repository, its fixtures and golden files, and `../shared` beside it.
package enum TestPaths {
    /// The package root (three levels above this file).
    package static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/ConformanceKitTests/Fixtures`.
    package static let fixtures = packageRoot.appendingPathComponent("Tests/ConformanceKitTests/Fixtures")
    /// `Tests/ConformanceKitTests/Golden`.
    package static let golden = packageRoot.appendingPathComponent("Tests/ConformanceKitTests/Golden")
    /// The `shared/` folder CI places beside the clone.
    package static let shared: URL = {
        if let override = ProcessInfo.processInfo.environment["QMP_CONFORM_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// Whether `shared/qapi` is there (tests that read it are skipped otherwise).
    package static var sharedIsPresent: Bool {
        FileManager.default.fileExists(atPath: shared.appendingPathComponent("qapi").path)
    }

    /// Why a test that reads `shared/` was skipped.
    package static let sharedMissing: Comment =
        "needs ../shared beside the clone (or QMP_CONFORM_SHARED): \(shared.appendingPathComponent("qapi").path)"

    /// A path under `shared/qapi`.
    package static func qapi(_ relative: String) -> String { shared.appendingPathComponent("qapi/\(relative)").path }
}
