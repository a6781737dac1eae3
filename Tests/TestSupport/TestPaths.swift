package import Foundation
package import Testing

/// Paths the tests read (shared by the unit and integration test targets): the repository, its fixtures and golden files, and `../shared` beside it.
package enum TestPaths {
    /// The package root (three levels above this file).
    package static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/ConformanceKitTests/Fixtures`.
    package static let fixtures = packageRoot.appendingPathComponent("Tests/ConformanceKitTests/Fixtures")
    /// The JUnit XML schema reports must validate against (the Jenkins xUnit plugin's
    /// `junit-10.xsd`, MIT licence, a copy of `shared/specs/junit-10.xsd`).
    package static let junitSchema = fixtures.appendingPathComponent("junit-10.xsd").path
    /// `Tests/ConformanceKitTests/Golden`.
    package static let golden = packageRoot.appendingPathComponent("Tests/ConformanceKitTests/Golden")
    /// The `shared/` folder CI places beside the clone.
    package static let shared: URL = {
        if let override = ProcessInfo.processInfo.environment["QMP_CONFORM_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// Whether `shared/` is there: tests that read it are enabled only then, and say why not.
    package static var sharedIsPresent: Bool {
        FileManager.default.fileExists(atPath: shared.appendingPathComponent("qapi").path)
    }

    /// Why a test that reads `shared/` did not run.
    package static let sharedMissing: Comment =
        "needs ../shared beside the clone (or QMP_CONFORM_SHARED): \(shared.path) has no qapi/"

    /// A path under `shared/qapi`.
    package static func qapi(_ relative: String) -> String { shared.appendingPathComponent("qapi/\(relative)").path }
}

extension Trait where Self == ConditionTrait {
    /// Enables a test or suite only when `shared/` is beside the clone, saying so when it is not.
    package static var needsShared: Self { .enabled(if: TestPaths.sharedIsPresent, TestPaths.sharedMissing) }
}
