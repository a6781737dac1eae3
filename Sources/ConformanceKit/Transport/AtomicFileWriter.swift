package import Foundation
import Glibc

/// Writes files all together and atomically, replacing only regular files: the file-system half
/// of report writing, at the edge.
///
/// A path that does not exist is created (and its directory); a symbolic link to a regular file
/// has that file replaced (the link stays, so a `latest.json` link into an archive keeps
/// working); a directory, device (`/dev/full`), FIFO, socket or a link to one of them (or to
/// nothing) is refused before anything is written. Each file is written to a temporary file
/// beside its target (`O_EXCL`, so a planted name is never followed), synced, and renamed over it
/// only once every file of the batch is on disk, so a failure leaves all the targets as they were
/// and no temporary file; a reader sees the old file or the new one, never a part.
package enum AtomicFileWriter {
    /// One text of a batch and the paths it goes to. The text is written into its temporary
    /// files while it is produced (a chunk at a time, through `Stream`), so a batch of large
    /// reports never holds a whole report in memory.
    package struct File: Sendable {
        /// Writes the contents into the stream (called once; the same text goes to each path).
        package var write: @Sendable (inout Stream) -> Void
        /// The paths (the same text to each: a report and its `latest` copy).
        package var urls: [URL]

        /// Creates a file of a batch from its text.
        /// - Parameters:
        ///   - text: the contents.
        ///   - url: the path.
        package init(_ text: String, to url: URL) {
            write = { $0.write(text) }
            urls = [url]
        }

        /// Creates a file of a batch whose text is produced when it is written.
        /// - Parameters:
        ///   - urls: the paths, each getting the same text.
        ///   - write: writes the contents into the stream it is given.
        package init(to urls: [URL], writing write: @escaping @Sendable (inout Stream) -> Void) {
            self.write = write
            self.urls = urls
        }
    }

    /// Writes a batch of files: every target is checked, then every temporary file written and
    /// synced, and only then are they renamed into place, in order.
    /// - Parameter files: the files; no two may name the same file.
    /// - Throws: `FileWriteError` before any target changed (a rename failing after an
    ///   earlier one succeeded, which needs the directory to change under the run, is reported
    ///   too, with the targets already renamed left new).
    package static func write(_ files: [File]) throws {
        var targets: [String] = []
        for url in files.flatMap(\.urls) { targets.append(try Self.target(of: url.path)) }
        if let (path, _) = Self.firstDuplicate(targets) {
            throw FileWriteError.samePath(path, options: [])
        }
        var temporaries: [String] = []
        defer { for temporary in temporaries { unlink(temporary) } }
        var remaining = targets[...]
        for file in files {
            var stream = Stream()
            defer { stream.close() }
            for target in remaining.prefix(file.urls.count) {
                try Self.createDirectory((target as NSString).deletingLastPathComponent)
                let (path, descriptor) = try Self.createTemporary(beside: target)
                temporaries.append(path)
                stream.add(descriptor: descriptor, path: path)
            }
            file.write(&stream)
            try stream.finish()
            remaining = remaining.dropFirst(file.urls.count)
        }
        for (index, target) in targets.enumerated() {
            guard rename(temporaries[index], target) == 0 else {
                throw FileWriteError.failed(.rename, path: target, errno: errno)
            }
            temporaries[index] = ""
            Self.syncDirectory(of: target)
        }
        temporaries = []
    }

    /// The paths among `paths` (keyed by the option that named them) that name the same file,
    /// after resolving `.`/`..` and symbolic links: `(path, options)` for the first clash.
    /// - Parameter paths: option name and path, e.g. `("junit", "out.xml")`.
    /// - Returns: the shared path and the options naming it, or `nil` when all differ.
    package static func duplicate(among paths: [(option: String, path: String)]) -> (String, [String])? {
        let canonical = paths.map { canonicalPath($0.path) }
        guard let (path, indices) = firstDuplicate(canonical) else { return nil }
        return (path, indices.map { paths[$0].option })
    }

    // MARK: - Targets

    /// The regular file a report at `path` replaces: `path` itself (new or regular), or the
    /// regular file a symbolic link names; anything else throws.
    private static func target(of path: String) throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw FileWriteError.failed(.inspect, path: path, errno: errno) }
            return path
        }
        if kind(of: info.st_mode) == nil { return path }
        guard info.st_mode & S_IFMT == S_IFLNK else {
            throw FileWriteError.notARegularFile(path: path, kind: kind(of: info.st_mode) ?? .other, link: nil)
        }
        guard let resolved = realPath(path), stat(resolved, &info) == 0 else {
            throw FileWriteError.notARegularFile(path: path, kind: .danglingSymbolicLink, link: nil)
        }
        if let kind = kind(of: info.st_mode) {
            throw FileWriteError.notARegularFile(path: resolved, kind: kind, link: path)
        }
        return resolved
    }

    /// What a mode names when it is not a regular file (nil for a regular file; `.other` for
    /// a symbolic link, which the caller resolves).
    private static func kind(of mode: mode_t) -> FileWriteError.FileKind? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: .directory
        case S_IFCHR: .characterDevice
        case S_IFBLK: .blockDevice
        case S_IFIFO: .fifo
        case S_IFSOCK: .socket
        default: .other
        }
    }

    /// `realpath(3)`, or nil when the path (or a link in it) leads nowhere.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// A path made absolute with its symbolic links resolved as far as they exist (a file not
    /// created yet resolves through its directory).
    private static func canonicalPath(_ path: String) -> String {
        if let resolved = realPath(path) { return resolved }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let name = (absolute as NSString).lastPathComponent
        let directory = (absolute as NSString).deletingLastPathComponent
        return (realPath(directory).map { $0 + "/" + name } ?? (absolute as NSString).standardizingPath)
    }

    private static func firstDuplicate(_ values: [String]) -> (String, [Int])? {
        var seen: [String: Int] = [:]
        for (index, value) in values.enumerated() {
            if let first = seen[value] {
                return (value, [first] + values.indices.filter { $0 > first && values[$0] == value })
            }
            seen[value] = index
        }
        return nil
    }

    // MARK: - System calls

    /// Creates `<target>.tmp-<pid>-<n>` exclusively; returns its path and a descriptor open
    /// for writing.
    private static func createTemporary(beside target: String) throws -> (path: String, descriptor: Int32) {
        var attempt = 0
        var temporary: String
        var descriptor: Int32
        repeat {
            attempt += 1
            temporary = "\(target).tmp-\(getpid())-\(attempt)"
            descriptor = retrying { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644) }
        } while descriptor < 0 && errno == EEXIST && attempt < 100
        guard descriptor >= 0 else { throw FileWriteError.failed(.open, path: temporary, errno: errno) }
        return (temporary, descriptor)
    }

    /// Makes a rename durable; a failure here leaves a complete file, so it is not fatal.
    private static func syncDirectory(of path: String) {
        let descriptor = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func createDirectory(_ path: String) throws {
        guard !path.isEmpty else { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw FileWriteError.failed(.createDirectory, path: prefix, errno: errno)
            }
        }
    }

    /// Makes a system call again while it fails with `EINTR`.
    static func retrying<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result == -1, errno == EINTR { continue }
            return result
        }
    }
}
