import CFFmpeg

/// An owned `AVFrame`, freed with the wrapper.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(FFmpegError) {
        pointer = try allocated(av_frame_alloc(), "av_frame_alloc")
    }

    /// A frame with its own buffers of the given size and format.
    convenience init(width: Int32, height: Int32, format: AVPixelFormat) throws(FFmpegError) {
        try self.init()
        pointer.pointee.width = width
        pointer.pointee.height = height
        pointer.pointee.format = format.rawValue
        try check(av_frame_get_buffer(pointer, 0), "av_frame_get_buffer")
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    /// A new frame that shares this one's reference-counted buffers.
    func reference() throws(FFmpegError) -> Frame {
        let copy = try Frame()
        try check(av_frame_ref(copy.pointer, pointer), "av_frame_ref")
        return copy
    }

    /// Makes the buffers writable (copying them when shared) before pixels are changed in place.
    func makeWritable() throws(FFmpegError) {
        try check(av_frame_make_writable(pointer), "av_frame_make_writable")
    }

    func unref() { av_frame_unref(pointer) }

    var width: Int32 { pointer.pointee.width }
    var height: Int32 { pointer.pointee.height }
    var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: pointer.pointee.format) }
    /// The presentation timestamp the decoder trusts most (pts, or one guessed from dts).
    var bestEffortTimestamp: Int64 { pointer.pointee.best_effort_timestamp }
    var pts: Int64 {
        get { pointer.pointee.pts }
        set { pointer.pointee.pts = newValue }
    }
    var isKeyframe: Bool { pointer.pointee.key_frame != 0 }
    /// The decoder produced this picture from damaged data: it concealed errors, lacked a
    /// reference, or marked the frame corrupt (`decode_error_flags`, `AV_FRAME_FLAG_CORRUPT`).
    var isDamaged: Bool {
        pointer.pointee.decode_error_flags != 0 || pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0
    }
    var colorSpace: AVColorSpace { pointer.pointee.colorspace }
    var colorRange: AVColorRange { pointer.pointee.color_range }
    var sampleAspectRatio: AVRational { pointer.pointee.sample_aspect_ratio }

    /// The luma plane (plane 0) as rows of bytes; for formats deeper than 8 bits each sample is 2 bytes.
    func plane(_ index: Int) -> (base: UnsafeMutablePointer<UInt8>, stride: Int)? {
        withUnsafeMutablePointer(to: &pointer.pointee.data) { tuple in
            tuple.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { planes in
                guard let base = planes[index] else { return nil }
                let stride = withUnsafePointer(to: &pointer.pointee.linesize) {
                    $0.withMemoryRebound(to: Int32.self, capacity: 8) { Int($0[index]) }
                }
                return (base, stride)
            }
        }
    }
}

@available(*, unavailable)
extension Frame: Sendable {}
