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

    /// Removes a scratch directory and everything in it (nothing when it is gone already).
    /// - Parameter path: the directory.
    public static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}
