import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks where a command will write before it decodes, encodes or pays for anything.
///
/// Every writing command calls ``check(file:inputs:)`` or ``check(directory:)`` first, so a bad path
/// costs nothing and is reported in one line: a missing folder, a folder that cannot be written (checked
/// by creating and removing a probe file, which holds for root too, unlike `access(W_OK)`), a file where
/// a folder is needed or a folder where a file is needed, an output that is one of the inputs.
public enum OutputLocation {
    /// Checks that `path` can be written as a file: its folder exists and takes new files, `path` is not a
    /// folder, and it is not one of `inputs` (same file by path or by device and inode).
    public static func check(file path: String, inputs: [String] = []) throws(OutputLocationError) {
        guard !path.isEmpty else { throw OutputLocationError(path: path, reason: "the output path is empty") }
        if isDirectory(path) { throw OutputLocationError(path: path, reason: "is a folder; give a file name") }
        if path.hasSuffix("/") { throw OutputLocationError(path: path, reason: "ends with / but names a file") }
        let folder = parent(of: path)
        try checkWritableFolder(folder, for: path)
        if let existing = identity(of: path) {
            for input in inputs where identity(of: input) == existing {
                throw OutputLocationError(path: path, reason: "is also an input (\(input)); write to another file")
            }
            if access(path, W_OK) != 0 {
                throw OutputLocationError(path: path, reason: "exists and cannot be replaced (\(errorText(errno)))")
            }
        }
    }

    /// Checks that `path` can be used as an output folder: it is a folder that takes new files, or it does
    /// not exist yet and its nearest existing ancestor is a folder that takes new files (it will be created).
    public static func check(directory path: String) throws(OutputLocationError) {
        guard !path.isEmpty else { throw OutputLocationError(path: path, reason: "the output path is empty") }
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw OutputLocationError(path: path, reason: "is a file, not a folder")
            }
            try checkWritableFolder(path, for: path)
            return
        }
        // Walk up to the first ancestor that exists; it must be a folder we can create things in.
        var ancestor = path
        while true {
            let up = parent(of: ancestor)
            if up == ancestor { break }
            ancestor = up
            if stat(ancestor, &status) == 0 { break }
        }
        try checkWritableFolder(ancestor, for: path)
    }

    private static func checkWritableFolder(_ folder: String, for path: String) throws(OutputLocationError) {
        var status = stat()
        guard stat(folder, &status) == 0 else {
            let code = errno
            if code == ENOTDIR {
                throw OutputLocationError(path: path, reason: "a part of the folder \(folder) is a file, not a folder")
            }
            throw OutputLocationError(path: path, reason: "the folder \(folder) does not exist")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputLocationError(path: path, reason: "\(folder) is a file, not a folder")
        }
        // access(W_OK) says yes to root on most folders that still refuse files (/sys, immutable
        // folders, some read-only mounts), so create and remove a probe file instead.
        let probe = (folder as NSString).appendingPathComponent(".clipkit-write-check-\(UUID().uuidString)")
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw OutputLocationError(path: path, reason: "the folder \(folder) cannot be written (\(errorText(errno)))")
        }
        close(descriptor)
        unlink(probe)
    }

    private static func parent(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let folder = (trimmed as NSString).deletingLastPathComponent
        if folder.isEmpty { return trimmed.hasPrefix("/") ? "/" : "." }
        return folder
    }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    private static func identity(of path: String) -> Identity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// An output path that cannot be written, in one line: `PATH: cannot write here: REASON`.
public struct OutputLocationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): cannot write the output: \(reason)" }
}
