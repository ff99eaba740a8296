#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CFFmpeg
import Foundation

/// A file being written that gets its name only when it is complete.
///
/// On Linux the data goes to an unnamed file (`open(dir, O_TMPFILE)`) in the destination's folder;
/// libav writes it through `/proc/self/fd/N` and ``commit()`` links it into place (`linkat`, then
/// `rename` when the destination exists). A process killed at any moment, even by SIGKILL, leaves
/// nothing behind. Where `O_TMPFILE` is not supported the file is a hidden temporary name beside the
/// destination, removed by `deinit` unless committed.
final class OutputFile {
    let destination: String
    /// The path to open for writing (and, for MP4's faststart pass, reading) the contents.
    let writePath: String
    private let descriptor: Int32
    /// The hidden name used when the file system has no `O_TMPFILE`.
    private let namedTemporary: String?
    private var committed = false

    /// Creates the unnamed file in `destination`'s folder.
    /// - Throws: ``MediaError`` (`.ioFailure`) naming the destination and the reason: a missing or
    ///   read-only folder, no space.
    init(destination: String) throws(MediaError) {
        self.destination = destination
        let directory = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        #if os(Linux)
            let unnamed = cffmpeg_o_tmpfile == 0 ? -1 : open(directory, cffmpeg_o_tmpfile | O_WRONLY | O_CLOEXEC, 0o644)
            if unnamed >= 0 {
                descriptor = unnamed
                writePath = "/proc/self/fd/\(unnamed)"
                namedTemporary = nil
                return
            }
            let reason = errno
            // EOPNOTSUPP/EISDIR/EINVAL: the kernel or file system has no O_TMPFILE; use a name.
            guard cffmpeg_o_tmpfile == 0 || reason == EOPNOTSUPP || reason == EISDIR || reason == EINVAL else {
                throw OutputFile.error(destination, reason)
            }
        #endif
        let temporary = AtomicFile.temporaryPath(for: destination)
        let named = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard named >= 0 else { throw OutputFile.error(destination, errno) }
        descriptor = named
        writePath = temporary
        namedTemporary = temporary
    }

    deinit {
        close(descriptor)
        if !committed, let namedTemporary { unlink(namedTemporary) }
    }

    /// Writes all of `data` at the current position of the file.
    func write(_ data: Data) throws(MediaError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 { throw OutputFile.error(destination, failure, "cannot write") }
    }

    /// Gives the complete file its name, replacing whatever was at the destination.
    func commit() throws(MediaError) {
        guard !committed else { return }
        if let namedTemporary {
            guard rename(namedTemporary, destination) == 0 else {
                throw OutputFile.error(destination, errno, "cannot rename the finished file into place")
            }
            committed = true
            return
        }
        let source = "/proc/self/fd/\(descriptor)"
        if linkat(AT_FDCWD, source, AT_FDCWD, destination, cffmpeg_at_symlink_follow) == 0 {
            committed = true
            return
        }
        guard errno == EEXIST else {
            throw OutputFile.error(destination, errno, "cannot link the finished file into place")
        }
        // The destination exists: link under a hidden name, then rename over it atomically.
        let temporary = AtomicFile.temporaryPath(for: destination)
        guard linkat(AT_FDCWD, source, AT_FDCWD, temporary, cffmpeg_at_symlink_follow) == 0 else {
            throw OutputFile.error(destination, errno, "cannot link the finished file into place")
        }
        guard rename(temporary, destination) == 0 else {
            let reason = errno
            unlink(temporary)
            throw OutputFile.error(destination, reason, "cannot rename the finished file into place")
        }
        committed = true
    }

    private static func error(_ path: String, _ code: Int32, _ what: String = "cannot create the file") -> MediaError {
        MediaError(.ioFailure, path: path, "\(what): \(String(cString: strerror(code)))")
    }
}

@available(*, unavailable)
extension OutputFile: Sendable {}
