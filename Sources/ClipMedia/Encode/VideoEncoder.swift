import CFFmpeg

/// An opened video encoder (`AVCodecContext`), freed with the wrapper.
final class VideoEncoder {
    private let codec: CodecContext
    /// Borrowed from the ``CodecContext`` that owns it.
    var context: UnsafeMutablePointer<AVCodecContext> { codec.pointer }
    private let packet: Packet

    var pixelFormat: AVPixelFormat { context.pointee.pix_fmt }

    init(settings: VideoEncodingSettings, globalHeader: Bool) throws {
        let name: String
        switch settings.codec {
        case .h264: name = "libx264"
        case .hevc: name = "libx265"
        case .vp9: name = "libvpx-vp9"
        case .mpeg4: name = "mpeg4"
        }
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw MediaError(.unsupported, "this FFmpeg has no \(name) encoder", underlying: .encoderNotFound)
        }
        let owner = try CodecContext(codec: codec)
        let c = owner.pointer
        c.pointee.width = Int32(settings.width)
        c.pointee.height = Int32(settings.height)
        c.pointee.time_base = AVRational(num: 1, den: Int32(settings.timeScale))
        c.pointee.framerate = AVRational(num: Int32(settings.frameRate), den: 1)
        c.pointee.pix_fmt = settings.tenBit ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P
        c.pointee.color_range = AVCOL_RANGE_MPEG
        c.pointee.colorspace = AVCOL_SPC_BT709
        c.pointee.color_primaries = AVCOL_PRI_BT709
        c.pointee.color_trc = AVCOL_TRC_BT709
        if let sar = settings.sampleAspectRatio {
            c.pointee.sample_aspect_ratio = AVRational(num: Int32(sar.numerator), den: Int32(sar.denominator))
        }
        if let gop = settings.keyframeInterval { c.pointee.gop_size = Int32(gop) }
        if let bFrames = settings.bFrames { c.pointee.max_b_frames = Int32(bFrames) }
        if globalHeader { c.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        switch settings.codec {
        case .h264:
            owner.setOption("preset", settings.preset)
            owner.setOption("crf", "\(settings.crf)")
        case .hevc:
            owner.setOption("preset", settings.preset)
            owner.setOption("crf", "\(settings.crf)")
            // x265 prints its banner on stderr unless told otherwise.
            owner.setOption("x265-params", "log-level=error")
        case .vp9:
            owner.setOption("crf", "\(settings.crf + 12)")
            owner.setOption("deadline", "realtime")
            owner.setOption("cpu-used", "8")
            owner.setOption("row-mt", "1")
            c.pointee.bit_rate = 0
        case .mpeg4:
            c.pointee.flags |= AV_CODEC_FLAG_QSCALE
            c.pointee.global_quality = 3 * FF_QP2LAMBDA
        }
        do throws(FFmpegError) {
            try owner.open()
        } catch {
            throw MediaError(
                .unsupported, "cannot open the \(name) encoder for \(settings.width)x\(settings.height)",
                underlying: error)
        }
        self.codec = owner
        packet = try Packet()
    }

    /// Encodes `frame` (nil flushes) and passes every packet that comes out to `body`.
    func encode(_ frame: Frame?, into body: (Packet) throws -> Void) throws {
        try ClipMedia.encode(frame, with: context, reusing: packet, into: body)
    }
}

@available(*, unavailable)
extension VideoEncoder: Sendable {}
