import Foundation
import Glibc

/// A private directory under /tmp (`/tmp/qmp-conform-XXXXXX`, mode 0700) that generated paths
/// point into: the only host files a run lets an endpoint touch. Made and removed here, at the
/// edge.
public enum ScratchDirectory {
    /// Makes a new scratch directory.
    /// - Returns: its path.
    /// - Throws: `TransportError.launchFailed` with the errno when it cannot be made.
    public static func make() throws(TransportError) -> String {
        var template = Array("/tmp/qmp-conform-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw .launchFailed(command: "mkdtemp", errno: errno) }
        return String(cString: created)
    }

    /// Makes empty files in a scratch directory where none exist yet, so that a value naming a
    /// file there finds one (an existing file is left as it is).
    /// - Parameters:
    ///   - names: plain file names (no `/`; others are ignored).
    ///   - directory: the scratch directory.
    public static func provideFiles(_ names: [String], in directory: String) {
        for name in names where !name.isEmpty && !name.contains("/") && name != "." && name != ".." {
            let descriptor = open(directory + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// Removes a scratch directory and everything in it (nothing when it is gone already).
    /// - Parameter path: the directory.
    public static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}
