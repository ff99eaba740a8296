import CFFmpeg
import Foundation

/// An output file being written: the one owner of its `AVFormatContext` and the `AVIOContext` it
/// writes through, both freed by `deinit` only.
///
/// The file is an ``OutputFile``: it has no name until ``finish()`` has written the trailer, so a
/// muxer that fails or is dropped half-way (or a process that is killed) leaves nothing behind.
final class Muxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    private let output: OutputFile
    private var headerWritten = false

    /// Opens a file that becomes `destination` once finished, in the container named `formatName`
    /// ("mp4", "mov", "webm", "matroska").
    /// - Throws: ``MediaError`` naming `destination` and the reason (missing or read-only folder ...).
    init(destination: String, formatName: String) throws(MediaError) {
        let output = try OutputFile(destination: destination)
        var allocatedContext: UnsafeMutablePointer<AVFormatContext>? = nil
        let code = avformat_alloc_output_context2(&allocatedContext, nil, formatName, output.writePath)
        guard code >= 0, let context = allocatedContext else {
            throw MediaError(
                .ffmpeg, path: destination, "cannot create a \(formatName) file",
                underlying: FFmpegError(code: code < 0 ? code : cffmpeg_error_no_memory, operation: "avformat_alloc_output_context2"))
        }
        let opened = avio_open(&context.pointee.pb, output.writePath, AVIO_FLAG_WRITE)
        guard opened >= 0 else {
            // Not yet owned by self: free here, and only here.
            avformat_free_context(context)
            throw MediaError(
                .ioFailure, path: destination, "cannot create the file",
                underlying: FFmpegError(code: opened, operation: "avio_open"))
        }
        self.output = output
        self.context = context
    }

    deinit {
        avio_closep(&context.pointee.pb)
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

    /// Writes the trailer (the `moov` box, moved to the front for faststart), closes the file and
    /// gives it its name.
    func finish() throws {
        if headerWritten { try check(av_write_trailer(context), "av_write_trailer") }
        try check(avio_closep(&context.pointee.pb), "avio_closep")
        try output.commit()
    }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { context.pointee.streams[index]! }
}

@available(*, unavailable)
extension Muxer: Sendable {}
