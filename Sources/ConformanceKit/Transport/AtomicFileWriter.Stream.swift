import Glibc

extension AtomicFileWriter {
    /// The temporary files one text of a batch goes to, written while the text is produced: a
    /// `TextOutputStream` that gathers the UTF-8 bytes into a chunk of `chunkSize` and writes
    /// each full chunk to every temporary file, so a report never exists whole in memory.
    ///
    /// `AtomicFileWriter.write` creates the temporary files, hands the stream to the file's
    /// writer, then calls `finish()`; renaming them into place is still its job. A failed write
    /// is kept (the first one) and thrown by `finish()`; later text is dropped.
    package struct Stream: TextOutputStream {
        /// The bytes gathered before they are written out.
        static let chunkSize = 64 << 10

        private var files: [(descriptor: Int32, path: String)] = []
        private var chunk: [UInt8] = []
        private var failure: FileWriteError?

        init() { chunk.reserveCapacity(Self.chunkSize) }

        /// Adds a temporary file, open for writing; the stream closes it.
        mutating func add(descriptor: Int32, path: String) { files.append((descriptor, path)) }

        /// Appends text, written as UTF-8.
        /// - Parameter string: the text.
        package mutating func write(_ string: String) {
            chunk.append(contentsOf: string.utf8)
            if chunk.count >= Self.chunkSize { flush() }
        }

        /// Writes what is left and syncs every file.
        /// - Throws: `FileWriteError` for the first write or sync that failed.
        mutating func finish() throws(FileWriteError) {
            flush()
            if let failure { throw failure }
            for file in files where AtomicFileWriter.retrying({ fsync(file.descriptor) }) != 0 {
                throw FileWriteError.failed(.sync, path: file.path, errno: errno)
            }
        }

        /// Closes every file (written or not).
        mutating func close() {
            for file in files { _ = Glibc.close(file.descriptor) }
            files = []
        }

        private mutating func flush() {
            defer { chunk.removeAll(keepingCapacity: true) }
            guard failure == nil else { return }
            for file in files {
                do {
                    try Self.writeAll(chunk, to: file.descriptor, path: file.path)
                } catch {
                    failure = error
                    return
                }
            }
        }

        private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(FileWriteError) {
            let failed = bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let count = AtomicFileWriter.retrying {
                        Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    }
                    guard count > 0 else { return true }
                    offset += count
                }
                return false
            }
            if failed { throw FileWriteError.failed(.write, path: path, errno: errno) }
        }
    }
}
