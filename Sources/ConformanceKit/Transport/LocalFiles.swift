import Foundation

/// The host's files as the loaders read them (schemas, `cases/`): the one place that asks the
/// file system, so the readers above it take bytes and paths and are tested without a disk.
public enum LocalFiles {
    /// A file's contents.
    /// - Parameter path: the file.
    /// - Returns: its bytes, or nil when it cannot be read.
    public static func contents(atPath path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Every path under a directory, at any depth, relative to it (unsorted).
    /// - Parameter directory: the directory.
    /// - Returns: the relative paths, or none when it cannot be read.
    public static func paths(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String { paths.append(path) }
        return paths
    }

    /// Whether something exists at a path.
    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The process's working directory.
    public static var currentDirectory: String { FileManager.default.currentDirectoryPath }
}
