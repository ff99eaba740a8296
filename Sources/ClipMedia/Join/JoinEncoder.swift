import CFFmpeg

/// libx264 set up for the frames a join must re-encode: the first clip's size, frame rate, pixel
/// aspect and colour tags, timestamps in frames (time base = 1 / frame rate).
///
/// For a splice into stream-copied H.264 it uses parameter-set ids the copied stream does not
/// (`sps-id`; x264 gives its PPS the same id) and keeps its SPS/PPS out of band, so they can join
/// the copied stream's in one `avcC` (see ``AVCConfiguration``).
final class JoinEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    private let packet: Packet

    struct Configuration {
        var width: Int32
        var height: Int32
        var frameRate: AVRational
        var sampleAspectRatio: AVRational
        var colorRange: AVColorRange
        var colorSpace: AVColorSpace
        var colorPrimaries: AVColorPrimaries
        var colorTransfer: AVColorTransferCharacteristic
        var preset: String
        var crf: Int
        /// Parameter-set id for x264, when splicing next to another encoder's stream.
        var parameterSetID: Int?
        /// Out-of-band SPS/PPS (needed for MP4).
        var globalHeader: Bool
    }

    init(_ configuration: Configuration) throws {
        guard let codec = avcodec_find_encoder_by_name("libx264") else {
            throw MediaError(.unsupported, "this FFmpeg has no libx264 encoder", underlying: .encoderNotFound)
        }
        context = try allocated(avcodec_alloc_context3(codec), "avcodec_alloc_context3")
        packet = try Packet()
        let c = context
        c.pointee.width = configuration.width
        c.pointee.height = configuration.height
        c.pointee.time_base = av_inv_q(configuration.frameRate)
        c.pointee.framerate = configuration.frameRate
        c.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        c.pointee.sample_aspect_ratio = configuration.sampleAspectRatio
        c.pointee.color_range = configuration.colorRange == AVCOL_RANGE_JPEG ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        c.pointee.colorspace = configuration.colorSpace
        c.pointee.color_primaries = configuration.colorPrimaries
        c.pointee.color_trc = configuration.colorTransfer
        if configuration.globalHeader { c.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        let options = c.pointee.priv_data
        cffmpeg_opt_set(options, "preset", configuration.preset)
        cffmpeg_opt_set(options, "crf", "\(configuration.crf)")
        cffmpeg_opt_set(options, "profile", "high")
        if let id = configuration.parameterSetID {
            cffmpeg_opt_set(options, "x264-params", "sps-id=\(id)")
        }
        let code = avcodec_open2(c, codec, nil)
        if code < 0 {
            var context: UnsafeMutablePointer<AVCodecContext>? = c
            avcodec_free_context(&context)
            throw MediaError(
                .unsupported, "cannot open libx264 for \(configuration.width)x\(configuration.height)",
                underlying: FFmpegError(code: code, operation: "avcodec_open2"))
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&context)
    }

    /// The encoder's out-of-band parameter sets (Annex B in FFmpeg's libx264 wrapper).
    var extradata: [UInt8] {
        guard let data = context.pointee.extradata, context.pointee.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(context.pointee.extradata_size)))
    }

    /// Encodes `frame` (nil flushes) and passes every packet that comes out to `body`.
    func encode(_ frame: Frame?, into body: (Packet) throws -> Void) throws {
        try ClipMedia.encode(frame, with: context, reusing: packet, into: body)
    }
}

@available(*, unavailable)
extension JoinEncoder: Sendable {}
