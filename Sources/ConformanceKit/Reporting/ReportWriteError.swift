import Glibc

/// A report file could not be written: which step failed, on which path, with the errno.
package struct ReportWriteError: Error, Hashable, CustomStringConvertible {
    /// The step that failed.
    package enum Operation: String, Sendable, Hashable {
        /// Creating the report directory (or one of its parents).
        case createDirectory = "create directory"
        /// Creating the temporary file.
        case open
        /// Writing the temporary file.
        case write
        /// Flushing the temporary file to disk.
        case sync
        /// Renaming the temporary file over the target.
        case rename
    }

    /// The step that failed.
    package var operation: Operation
    /// The path it failed on.
    package var path: String
    /// The system's error number.
    package var errno: Int32

    /// Creates an error.
    /// - Parameters:
    ///   - operation: the step that failed.
    ///   - path: the path it failed on.
    ///   - errno: the system's error number.
    package init(_ operation: Operation, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// `cannot write '/reports/latest.json': No space left on device`.
    package var description: String {
        "cannot \(operation.rawValue) '\(path)': \(String(cString: strerror(errno)))"
    }
}
