import CFFmpeg

/// libx264 set up for the frames a join must re-encode: the first clip's size, frame rate, pixel
/// aspect and colour tags, timestamps in frames (time base = 1 / frame rate).
///
/// For a splice into stream-copied H.264 it uses parameter-set ids the copied stream does not
/// (`sps-id`; x264 gives its PPS the same id) and keeps its SPS/PPS out of band, so they can join
/// the copied stream's in one `avcC` (see ``AVCConfiguration``).
final class JoinEncoder {
    private let codec: CodecContext
    /// Borrowed from the ``CodecContext`` that owns it.
    var context: UnsafeMutablePointer<AVCodecContext> { codec.pointer }
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
        let owner = try CodecContext(codec: codec)
        let c = owner.pointer
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
        owner.setOption("preset", configuration.preset)
        owner.setOption("crf", "\(configuration.crf)")
        owner.setOption("profile", "high")
        if let id = configuration.parameterSetID {
            owner.setOption("x264-params", "sps-id=\(id)")
        }
        do throws(FFmpegError) {
            try owner.open()
        } catch {
            throw MediaError(
                .unsupported, "cannot open libx264 for \(configuration.width)x\(configuration.height)",
                underlying: error)
        }
        self.codec = owner
        packet = try Packet()
    }

    /// The encoder's out-of-band parameter sets (Annex B in FFmpeg's libx264 wrapper).
    var extradata: [UInt8] { codec.extradata }

    /// Encodes `frame` (nil flushes) and passes every packet that comes out to `body`.
    func encode(_ frame: Frame?, into body: (Packet) throws -> Void) throws {
        try ClipMedia.encode(frame, with: context, reusing: packet, into: body)
    }
}

@available(*, unavailable)
extension JoinEncoder: Sendable {}
