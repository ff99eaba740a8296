import Foundation

/// The `NAME.part` file a download grows, with one-line errors.
struct PartialFile {
    struct Failure: Error {
        var message: String
    }

    let url: URL

    /// Prepares the file (creating the directory and an empty file if needed, keeping an existing partial).
    init(url: URL) throws {
        self.url = url
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw Failure(message: "cannot create directory \(url.deletingLastPathComponent().path)")
        }
        if !fm.fileExists(atPath: url.path) {
            guard fm.createFile(atPath: url.path, contents: nil) else {
                throw Failure(message: "cannot create \(url.path)")
            }
        }
    }

    func size() throws -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw Failure(message: "cannot read the size of \(url.path)")
        }
    }

    func truncate() throws {
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: 0)
        } catch {
            throw Failure(message: "cannot truncate \(url.path)")
        }
    }

    func openForAppending() throws -> FileHandle {
        do {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            return handle
        } catch {
            throw Failure(message: "cannot open \(url.path) for writing")
        }
    }

    func remove() throws {
        try FileManager.default.removeItem(at: url)
    }

    func move(to destination: URL) throws {
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: destination.path) {
                try fm.removeItem(at: destination)
            }
            try fm.moveItem(at: url, to: destination)
        } catch {
            throw Failure(message: "cannot rename \(url.lastPathComponent) to \(destination.path)")
        }
    }
}
