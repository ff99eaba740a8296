import Foundation

/// Writes files so that a reader never sees half of one, and a failed or killed writer leaves
/// nothing: the data goes to an ``OutputFile`` that is named only once complete.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws(MediaError) {
        let file = try OutputFile(destination: path)
        try file.write(data)
        try file.commit()
    }

    /// A temporary name beside `path`, hidden, unique to this process.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).part"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }
}
