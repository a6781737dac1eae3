import Glibc

/// A file could not be written: a system call failed (with the path and errno, rendered
/// with the system's reason), or the path names something a report must not replace.
package enum FileWriteError: Error, Hashable, CustomStringConvertible {
    /// The step that failed.
    package enum Operation: String, Sendable, Hashable {
        /// Creating the report directory (or one of its parents).
        case createDirectory = "create directory"
        /// Looking at what the path names (`lstat`, `realpath`).
        case inspect
        /// Creating the temporary file.
        case open
        /// Writing the temporary file.
        case write
        /// Flushing the temporary file to disk.
        case sync
        /// Renaming the temporary file over the target.
        case rename
    }

    /// What a path names, when it is not a regular file.
    package enum FileKind: String, Sendable, Hashable {
        case directory
        case characterDevice = "character device"
        case blockDevice = "block device"
        case fifo = "FIFO"
        case socket
        case danglingSymbolicLink = "symbolic link to nothing"
        case other = "special file"
    }

    /// A system call failed on `path`.
    case failed(Operation, path: String, errno: Int32)
    /// `path` (through the symbolic link `link`, when it was reached through one) is not a
    /// regular file: a report never replaces a device, FIFO, socket or directory.
    case notARegularFile(path: String, kind: FileKind, link: String?)
    /// Two reports were to be written to the same file.
    case samePath(String, options: [String])

    /// The step that failed, for a system call failure.
    package var operation: Operation? {
        if case .failed(let operation, _, _) = self { operation } else { nil }
    }

    /// What went wrong, with the path, the system's reason, and what to do.
    package var description: String {
        switch self {
        case .failed(let operation, let path, let code):
            "cannot \(operation.rawValue) '\(path)': \(String(cString: strerror(code))) (errno \(code))"
                + "; check the path, its permissions and free space"
        case .notARegularFile(let path, let kind, let link):
            "refusing to write a report to '\(link ?? path)'"
                + (link == nil ? "" : " (a symbolic link to '\(path)')")
                + ": it is a \(kind.rawValue), not a regular file; name a regular file or a new path"
        case .samePath(let path, let options) where options.isEmpty:
            "two reports would be written to the same file '\(path)'; give each report its own path"
        case .samePath(let path, let options):
            "\(options.map { "--" + $0 }.joined(separator: " and ")) name the same file '\(path)'; "
                + "give each report its own path"
        }
    }
}
