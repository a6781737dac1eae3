import Glibc

/// A file the tool opens and passes to the endpoint as a file descriptor with a message
/// (`SCM_RIGHTS` over a Unix socket): what `getfd` and `add-fd` take with their request.
///
/// Only a file directly inside a scratch directory the run owns (`Endpoint.scratchDirectory`: the
/// launched endpoint's own, or the tool's private one for an endpoint it did not launch): the
/// name is a single path component, and the file is created there (mode 0600) when missing and
/// never followed through a symbolic link, so no other host file and no socket is ever passed.
/// The transport opens it just before the write that carries it and closes its own descriptor
/// right after; the endpoint keeps the copy it received.
public struct PassedFile: Sendable, Hashable, CustomStringConvertible {
    /// The scratch directory.
    public let directory: String
    /// The file's name in it.
    public let name: String

    /// The name `Runner` passes: one file per scratch directory, shared by every case there.
    public static let defaultName = "passed-fd"

    /// Names a file inside a scratch directory.
    /// - Parameters:
    ///   - directory: the scratch directory, an absolute path.
    ///   - name: a plain file name: not empty, not `.` or `..`, no `/` and no NUL.
    /// - Throws: `TransportError.passedFileNotAllowed` for any other name or a relative directory.
    public init(directory: String, name: String = PassedFile.defaultName) throws(TransportError) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.utf8.contains(0),
            directory.hasPrefix("/")
        else { throw .passedFileNotAllowed(path: directory + "/" + name) }
        self.directory = directory
        self.name = name
    }

    /// The file's path.
    public var path: String { directory + "/" + name }

    /// The path, for messages.
    public var description: String { path }

    /// Opens the file for reading and writing, creating it when missing, without following a
    /// symbolic link; the caller closes the descriptor.
    /// - Returns: the descriptor (close-on-exec).
    /// - Throws: `TransportError.passedFileUnavailable` with the errno.
    func open() throws(TransportError) -> Int32 {
        while true {
            let fd = Glibc.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw .passedFileUnavailable(path: path, errno: errno)
        }
    }
}
