import CFFmpeg
import Foundation

/// An open input file (`AVFormatContext`), closed with the wrapper.
final class Demuxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    /// The custom AVIO context for a ``MediaSource/memory(_:name:)`` source; freed after `context`.
    private let memory: MemoryInput?

    /// Opens `path` and reads its header.
    /// - Throws: ``MediaError`` naming the file and the reason (missing, a directory, empty, not media).
    init(path: String) throws(MediaError) {
        self.path = path
        self.memory = nil
        try Demuxer.checkReadableFile(path)
        FFmpegLogging.configureOnce()
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let code = avformat_open_input(&context, path, nil, nil)
        guard code >= 0, let context else {
            throw Demuxer.openError(path: path, code: code)
        }
        self.context = context
    }

    /// Opens `source`: a file, or bytes in memory through a custom AVIO context.
    convenience init(source: MediaSource) throws(MediaError) {
        switch source {
        case .file(let path): try self.init(path: path)
        case .memory(let bytes, let name): try self.init(memory: bytes, name: name)
        }
    }

    private init(memory bytes: [UInt8], name: String) throws(MediaError) {
        let path = MediaSource.memory([], name: name).path
        self.path = path
        FFmpegLogging.configureOnce()
        guard !bytes.isEmpty else { throw MediaError(.emptyFile, path: path, "file is empty (0 bytes)") }
        let input: MemoryInput
        do {
            input = try MemoryInput(bytes: bytes, name: name)
        } catch {
            throw MediaError(.ffmpeg, path: path, "cannot read the bytes", underlying: error)
        }
        guard let allocatedContext = avformat_alloc_context() else {
            throw MediaError(.ffmpeg, path: path, "cannot read the bytes", underlying: .outOfMemory)
        }
        var context: UnsafeMutablePointer<AVFormatContext>? = allocatedContext
        allocatedContext.pointee.pb = input.context
        allocatedContext.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        // On failure avformat_open_input frees the format context (not the custom AVIO, `input` does).
        let code = avformat_open_input(&context, nil, nil, nil)
        guard code >= 0, let context else {
            let underlying = FFmpegError(code: code, operation: "avformat_open_input")
            throw MediaError(.notAMediaFile, path: path, "not a video: \(underlying.message)", underlying: underlying)
        }
        self.memory = input
        self.context = context
    }

    /// Up to `count` bytes of the input from `offset` (box headers, brand sniffing), read beside libav.
    func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
        if let memory { return memory.read(at: offset, count: count) }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: count) else { return nil }
        return [UInt8](data)
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&context)
    }

    /// Reads enough packets to learn what the header does not say (pixel format, frame rate).
    func findStreamInfo() throws(MediaError) {
        let code = avformat_find_stream_info(context, nil)
        if code < 0 {
            throw MediaError(
                .notAMediaFile, path: path, "cannot read stream parameters",
                underlying: FFmpegError(code: code, operation: "avformat_find_stream_info"))
        }
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[index]!
    }

    /// The index of the best stream of `type` (the default or the largest), or nil when there is none.
    func bestStream(_ type: AVMediaType) -> Int? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        return index >= 0 ? Int(index) : nil
    }

    /// Reads the next packet of any stream into `packet`.
    /// - Returns: false at the end of the file.
    func read(into packet: Packet) throws(FFmpegError) -> Bool {
        packet.unref()
        let code = av_read_frame(context, packet.pointer)
        if code == cffmpeg_error_eof { return false }
        try check(code, "av_read_frame")
        return true
    }

    /// Seeks `stream` to the keyframe at or before `timestamp` (in the stream's time base).
    func seek(stream: Int, to timestamp: Int64) throws(FFmpegError) {
        try check(av_seek_frame(context, Int32(stream), timestamp, AVSEEK_FLAG_BACKWARD), "av_seek_frame")
    }

    /// The demuxer's index of `stream` (MP4 builds it from `moov`; others as packets are read);
    /// empty when it lists more samples than the file has bytes.
    func indexEntries(stream: Int) -> [IndexEntry] {
        let avStream = self.stream(stream)
        let count = avformat_index_get_entries_count(avStream)
        guard count > 0 else { return [] }
        // A damaged sample table (a `trun` or `stsz` count of millions in a small file) lists more
        // samples than the file has bytes; no such index can be right, and walking it would take minutes.
        let size = avio_size(context.pointee.pb)
        if size > 0, Int64(count) > size { return [] }
        var entries: [IndexEntry] = []
        entries.reserveCapacity(Int(count))
        for i in 0..<count {
            guard let entry = avformat_index_get_entry(avStream, i) else { continue }
            entries.append(
                IndexEntry(
                    timestamp: entry.pointee.timestamp,
                    position: entry.pointee.pos,
                    size: Int32(entry.pointee.size),
                    isKeyframe: Int32(entry.pointee.flags) & AVINDEX_KEYFRAME != 0,
                    isDiscarded: Int32(entry.pointee.flags) & AVINDEX_DISCARD_FRAME != 0))
        }
        return entries
    }

    var formatName: String { String(cString: context.pointee.iformat.pointee.name) }

    struct IndexEntry {
        var timestamp: Int64
        var position: Int64
        var size: Int32
        var isKeyframe: Bool
        var isDiscarded: Bool
    }

    // MARK: Errors a user can act on

    static func checkReadableFile(_ path: String) throws(MediaError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError(.fileNotFound, path: path, "no such file")
        }
        if isDirectory.boolValue { throw MediaError(.notAFile, path: path, "is a directory, not a video file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MediaError(.ioFailure, path: path, "permission denied")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw MediaError(.emptyFile, path: path, "file is empty (0 bytes)") }
    }

    static func openError(path: String, code: Int32) -> MediaError {
        let underlying = FFmpegError(code: code, operation: "avformat_open_input")
        if let sniffed = sniffNonMedia(path) {
            return MediaError(.notAMediaFile, path: path, "not a video: \(sniffed)", underlying: underlying)
        }
        if code == cffmpeg_error_invalid_data {
            return MediaError(
                .notAMediaFile, path: path, "not a video: no known container format, or the file is cut short",
                underlying: underlying)
        }
        return MediaError(.ffmpeg, path: path, "cannot open: \(underlying.message)", underlying: underlying)
    }

    /// Recognises the non-video files people save by mistake under a .mp4 name.
    static func sniffNonMedia(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 512)) ?? Data()
        let text = String(decoding: head, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if text.hasPrefix("<!doctype html") || text.hasPrefix("<html") || text.hasPrefix("<?xml")
            || text.hasPrefix("<head") || text.contains("<body")
        {
            return "it is an HTML/XML page (a saved error page?)"
        }
        if text.hasPrefix("{") || text.hasPrefix("[") { return "it is JSON text (an API response?)" }
        return nil
    }
}

@available(*, unavailable)
extension Demuxer: Sendable {}

/// FFmpeg logs to stderr by default; ClipKit reports errors itself, so FFmpeg stays quiet unless
/// `CLIPKIT_FFMPEG_LOG` asks for its messages (`error`, `warning`, `info`, `debug`).
enum FFmpegLogging {
    private static let configured: Void = {
        let level: Int32
        switch ProcessInfo.processInfo.environment["CLIPKIT_FFMPEG_LOG"]?.lowercased() {
        case "error": level = AV_LOG_ERROR
        case "warning": level = AV_LOG_WARNING
        case "info": level = AV_LOG_INFO
        case "debug": level = AV_LOG_DEBUG
        default: level = AV_LOG_QUIET
        }
        cffmpeg_set_log_level(level)
        cffmpeg_install_counting_log_callback()
    }()

    static func configureOnce() { _ = configured }
}
