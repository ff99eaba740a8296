import CFFmpeg

/// An output file being written (`AVFormatContext` + its `AVIOContext`), freed with the wrapper.
final class Muxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    private var headerWritten = false
    private var closed = false

    /// Opens `path` for writing in the container named `formatName` ("mp4", "mov", "webm", "matroska").
    init(path: String, formatName: String) throws(FFmpegError) {
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_alloc_output_context2(&context, nil, formatName, path), "avformat_alloc_output_context2")
        self.context = context!
        let code = avio_open(&self.context.pointee.pb, path, AVIO_FLAG_WRITE)
        // No free here: once every stored property is set, a throwing init still runs deinit, which frees.
        if code < 0 { throw FFmpegError(code: code, operation: "avio_open") }
    }

    deinit {
        if !closed { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
    }

    /// Adds a stream whose parameters come from an opened encoder.
    func addStream(from encoder: UnsafeMutablePointer<AVCodecContext>) throws(FFmpegError) -> UnsafeMutablePointer<AVStream> {
        let stream = try allocated(avformat_new_stream(context, nil), "avformat_new_stream")
        try check(avcodec_parameters_from_context(stream.pointee.codecpar, encoder), "avcodec_parameters_from_context")
        stream.pointee.time_base = encoder.pointee.time_base
        return stream
    }

    /// Adds a stream that copies the parameters of an input stream (stream copy).
    func addStream(copying input: UnsafeMutablePointer<AVStream>) throws(FFmpegError) -> UnsafeMutablePointer<AVStream> {
        let stream = try allocated(avformat_new_stream(context, nil), "avformat_new_stream")
        try check(avcodec_parameters_copy(stream.pointee.codecpar, input.pointee.codecpar), "avcodec_parameters_copy")
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = input.pointee.time_base
        stream.pointee.sample_aspect_ratio = input.pointee.sample_aspect_ratio
        return stream
    }

    /// Writes the header; `movflags` such as "+faststart" or "frag_keyframe+empty_moov" go to the MP4 muxer.
    func writeHeader(movflags: String? = nil) throws(FFmpegError) {
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        if let movflags { av_dict_set(&options, "movflags", movflags, 0) }
        try check(avformat_write_header(context, &options), "avformat_write_header")
        headerWritten = true
    }

    /// Writes one packet, taking ownership of its data; the muxer interleaves streams by time.
    func write(_ packet: Packet) throws(FFmpegError) {
        try check(av_interleaved_write_frame(context, packet.pointer), "av_interleaved_write_frame")
    }

    /// Writes the trailer (the `moov` box, moved to the front for faststart) and closes the file.
    func finish() throws(FFmpegError) {
        if headerWritten { try check(av_write_trailer(context), "av_write_trailer") }
        avio_closep(&context.pointee.pb)
        closed = true
    }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { context.pointee.streams[index]! }
}

@available(*, unavailable)
extension Muxer: Sendable {}
