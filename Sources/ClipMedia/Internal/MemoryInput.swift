import CFFmpeg
import Foundation

/// Bytes in memory read through a custom `AVIOContext`: the one owner of that context and its
/// buffer. Lets the fuzz harness (and anything else holding bytes) open media without a file.
final class MemoryInput {
    let bytes: [UInt8]
    /// A name for errors ("memory:<name>"), never opened as a file.
    let name: String
    let context: UnsafeMutablePointer<AVIOContext>
    fileprivate var position = 0

    private static let bufferSize: Int32 = 32 * 1024

    init(bytes: [UInt8], name: String) throws(FFmpegError) {
        self.bytes = bytes
        self.name = name
        guard let buffer = av_malloc(Int(MemoryInput.bufferSize)) else { throw FFmpegError.outOfMemory }
        // The context takes the buffer; `opaque` is filled in below, once self exists.
        guard let context = avio_alloc_context(
            buffer.assumingMemoryBound(to: UInt8.self), MemoryInput.bufferSize, 0, nil, memoryRead, nil, memorySeek)
        else {
            av_free(buffer)
            throw FFmpegError(code: cffmpeg_error_no_memory, operation: "avio_alloc_context")
        }
        self.context = context
        context.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        // libavformat may have replaced the buffer; free whichever one the context holds now.
        av_freep(&context.pointee.buffer)
        var owned: UnsafeMutablePointer<AVIOContext>? = context
        avio_context_free(&owned)
    }

    /// Up to `count` bytes from `offset`, for the box-layout reader.
    func read(at offset: UInt64, count: Int) -> [UInt8]? {
        guard offset < UInt64(bytes.count) else { return nil }
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + count)])
    }
}

@available(*, unavailable)
extension MemoryInput: Sendable {}

private func memoryRead(_ opaque: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UInt8>?, _ size: Int32) -> Int32 {
    guard let opaque, let buffer, size > 0 else { return cffmpeg_averror(EINVAL) }
    let input = Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue()
    let remaining = input.bytes.count - input.position
    guard remaining > 0 else { return cffmpeg_error_eof }
    let count = min(Int(size), remaining)
    input.bytes.withUnsafeBufferPointer { source in
        buffer.update(from: source.baseAddress! + input.position, count: count)
    }
    input.position += count
    return Int32(count)
}

private func memorySeek(_ opaque: UnsafeMutableRawPointer?, _ offset: Int64, _ whence: Int32) -> Int64 {
    guard let opaque else { return Int64(cffmpeg_averror(EINVAL)) }
    let input = Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue()
    let size = Int64(input.bytes.count)
    if whence & cffmpeg_avseek_size != 0 { return size }
    let base: Int64
    switch whence & ~cffmpeg_avseek_force {
    case SEEK_SET: base = 0
    case SEEK_CUR: base = Int64(input.position)
    case SEEK_END: base = size
    default: return Int64(cffmpeg_averror(EINVAL))
    }
    let (target, overflow) = base.addingReportingOverflow(offset)
    guard !overflow, target >= 0, target <= size else { return Int64(cffmpeg_averror(EINVAL)) }
    input.position = Int(target)
    return target
}

/// Where a ``Demuxer`` reads from.
enum MediaSource {
    case file(String)
    /// Bytes in memory (the fuzz harness), through a custom AVIO context.
    case memory([UInt8], name: String)

    /// The path errors and reports name.
    var path: String {
        switch self {
        case .file(let path): return path
        case .memory(_, let name): return "memory:\(name)"
        }
    }
}
