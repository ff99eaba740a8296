import CFFmpeg
import Foundation

/// Writes a video clip frame by frame: pictures in, an encoded file out.
///
/// The file has no name until ``finish()`` (an ``OutputFile``): a writer dropped before `finish()`,
/// or a process killed while writing, leaves no half-written clip behind.
public final class ClipWriter {
    public let path: String
    public let settings: VideoEncodingSettings
    /// Pictures appended so far.
    public private(set) var frameCount = 0

    private let muxer: Muxer
    private let encoder: VideoEncoder
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let audio: (encoder: AudioToneEncoder, stream: UnsafeMutablePointer<AVStream>)?
    private let frame: Frame
    private var scaler: Scaler?
    private var nextPTS: Int64 = 0
    private var finished = false

    /// Opens `path` for writing. The container follows the extension: .mp4, .mov, .mkv or .webm.
    public init(path: String, settings: VideoEncodingSettings) throws {
        guard settings.width > 0, settings.height > 0, settings.frameRate > 0, settings.timeScale > 0 else {
            throw MediaError(.invalidArgument, path: path, "invalid clip geometry \(settings.width)x\(settings.height) @ \(settings.frameRate) fps")
        }
        FFmpegLogging.configureOnce()
        self.path = path
        self.settings = settings
        let formatName: String
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "mov": formatName = "mov"
        case "mkv": formatName = "matroska"
        case "webm": formatName = "webm"
        default: formatName = "mp4"
        }
        muxer = try Muxer(destination: path, formatName: formatName)
        let globalHeader = muxer.context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0
        do {
            encoder = try VideoEncoder(settings: settings, globalHeader: globalHeader)
            videoStream = try muxer.addStream(from: encoder.context)
            videoStream.pointee.avg_frame_rate = AVRational(num: Int32(settings.frameRate), den: 1)
            if let sar = settings.sampleAspectRatio {
                videoStream.pointee.sample_aspect_ratio = AVRational(num: Int32(sar.numerator), den: Int32(sar.denominator))
            }
            if settings.rotation % 360 != 0 {
                // av_display_rotation_set takes the clockwise turn (and av_display_rotation_get answers its negation).
                try check(cffmpeg_stream_set_rotation(videoStream, Double(settings.rotation)), "av_stream_new_side_data")
            }
            if settings.audio && formatName != "webm" {
                let tone = try AudioToneEncoder(globalHeader: globalHeader)
                audio = (tone, try muxer.addStream(from: tone.context))
            } else {
                audio = nil
            }
            frame = try Frame(width: Int32(settings.width), height: Int32(settings.height), format: encoder.pixelFormat)
            let movflags: String?
            switch settings.layout {
            case .fastStart: movflags = formatName == "mp4" || formatName == "mov" ? "+faststart" : nil
            case .moovAtEnd: movflags = nil
            case .fragmented: movflags = "frag_keyframe+empty_moov+default_base_moof"
            }
            try muxer.writeHeader(movflags: movflags)
        }
    }

    /// Appends a picture of the clip's size; it is shown for one frame at ``VideoEncodingSettings/frameRate``
    /// unless `pts` (in ``VideoEncodingSettings/timeScale`` ticks) places it explicitly.
    public func append(_ image: RGBImage, pts: Int64? = nil) throws {
        guard image.width == settings.width, image.height == settings.height else {
            throw MediaError(
                .invalidArgument, path: path,
                "picture is \(image.width)x\(image.height), the clip is \(settings.width)x\(settings.height)")
        }
        if scaler == nil {
            scaler = try Scaler(
                from: .init(width: Int32(image.width), height: Int32(image.height), format: AV_PIX_FMT_RGB24),
                to: .init(width: frame.width, height: frame.height, format: encoder.pixelFormat),
                colorSpace: AVCOL_SPC_BT709, sourceFullRange: true, destinationFullRange: false)
        }
        try frame.makeWritable()
        image.pixels.withUnsafeBufferPointer { source in
            var planes: [UnsafeMutablePointer<UInt8>?] = (0..<4).map { frame.plane($0)?.base }
            var strides: [Int32] = (0..<4).map { Int32(frame.plane($0)?.stride ?? 0) }
            scaler!.scale(packed: source.baseAddress!, stride: Int32(image.bytesPerRow), into: &planes, strides: &strides)
        }
        try encode(frame, pts: pts)
    }

    /// Appends a decoded frame already in the encoder's size (converted if its pixel format differs).
    func append(frame source: Frame, pts: Int64? = nil) throws {
        if source.pixelFormat == encoder.pixelFormat && source.width == frame.width && source.height == frame.height {
            let copy = try source.reference()
            copy.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
            try encode(copy, pts: pts)
            return
        }
        let color = ColorInterpretation(frame: source)
        let converter = try Scaler(
            from: .init(width: source.width, height: source.height, format: source.pixelFormat),
            to: .init(width: frame.width, height: frame.height, format: encoder.pixelFormat),
            colorSpace: color.space, sourceFullRange: color.fullRange, destinationFullRange: false)
        try frame.makeWritable()
        var planes: [UnsafeMutablePointer<UInt8>?] = (0..<4).map { frame.plane($0)?.base }
        var strides: [Int32] = (0..<4).map { Int32(frame.plane($0)?.stride ?? 0) }
        converter.scale(source, into: &planes, strides: &strides)
        try encode(frame, pts: pts)
    }

    private func encode(_ frame: Frame, pts: Int64?) throws {
        frame.pts = pts ?? nextPTS
        nextPTS = frame.pts + Int64(settings.timeScale / settings.frameRate)
        frameCount += 1
        try encoder.encode(frame, into: writeVideo)
        if let audio {
            let seconds = Double(nextPTS) / Double(settings.timeScale)
            try audio.encoder.encode(upTo: seconds) { try write($0, from: audio.encoder.context, to: audio.stream) }
        }
    }

    private func writeVideo(_ packet: Packet) throws {
        try write(packet, from: encoder.context, to: videoStream)
    }

    private func write(_ packet: Packet, from codec: UnsafeMutablePointer<AVCodecContext>, to stream: UnsafeMutablePointer<AVStream>) throws {
        av_packet_rescale_ts(packet.pointer, codec.pointee.time_base, stream.pointee.time_base)
        packet.pointer.pointee.stream_index = stream.pointee.index
        try muxer.write(packet)
    }

    /// Flushes the encoders, writes the index and moves the file into place.
    public func finish() throws {
        guard !finished else { return }
        do {
            try encoder.encode(nil, into: writeVideo)
            if let audio { try audio.encoder.flush { try write($0, from: audio.encoder.context, to: audio.stream) } }
            try muxer.finish()
            finished = true
        } catch let error as FFmpegError {
            throw MediaError(.ffmpeg, path: path, "cannot finish writing the clip", underlying: error)
        }
    }
}

@available(*, unavailable)
extension ClipWriter: Sendable {}
