import Foundation

/// Writes files so that a reader never sees half of one: data goes to a temporary name in the same
/// directory, which is renamed over the destination once complete.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let temporary = temporaryPath(for: path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            try commit(temporary, to: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw MediaError(.ioFailure, path: path, "cannot write: \(error.localizedDescription)")
        }
    }

    /// A temporary name beside `path`, hidden, unique to this process.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).part"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Renames a completed temporary file onto `path`.
    static func commit(_ temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            throw MediaError(.ioFailure, path: path, "cannot rename the finished file into place: \(reason)")
        }
    }
}
