import CFFmpeg
import Foundation

/// Writes an endlessly looping animated WebP: libavcodec's `libwebp_anim` encoder into libavformat's
/// `webp` muxer.
///
/// The file has no name until ``finish()`` (an ``OutputFile``): a writer dropped before, or a
/// killed process, leaves nothing behind.
final class AnimatedWebPWriter {
    let path: String
    private let muxer: Muxer
    private let codec: CodecContext
    private var context: UnsafeMutablePointer<AVCodecContext> { codec.pointer }
    private let stream: UnsafeMutablePointer<AVStream>
    private let frame: Frame
    private let packet: Packet
    private let scaler: Scaler
    private var nextPTS: Int64 = 0
    private var finished = false

    /// - Parameters:
    ///   - fps: frames per second of playback.
    ///   - quality: 1–100 (lossy).
    ///   - method: libwebp's effort, 0 (fastest) ... 6 (smallest).
    init(path: String, width: Int, height: Int, fps: Int, quality: Int, method: Int = 2) throws {
        FFmpegLogging.configureOnce()
        self.path = path
        guard let codec = avcodec_find_encoder_by_name("libwebp_anim") else {
            throw MediaError(.unsupported, path: path, "this FFmpeg has no libwebp_anim encoder", underlying: .encoderNotFound)
        }
        muxer = try Muxer(destination: path, formatName: "webp")
        do throws(FFmpegError) {
            let owner = try CodecContext(codec: codec)
            let context = owner.pointer
            context.pointee.width = Int32(width)
            context.pointee.height = Int32(height)
            context.pointee.pix_fmt = AV_PIX_FMT_BGRA
            context.pointee.time_base = AVRational(num: 1, den: Int32(max(1, fps)))
            context.pointee.framerate = AVRational(num: Int32(max(1, fps)), den: 1)
            context.pointee.compression_level = Int32(max(0, min(6, method)))
            owner.setOption("quality", "\(max(1, min(100, quality)))")
            try owner.open()
            self.codec = owner
            stream = try muxer.addStream(from: context)
            frame = try Frame(width: Int32(width), height: Int32(height), format: AV_PIX_FMT_BGRA)
            packet = try Packet()
            scaler = try Scaler(
                from: .init(width: Int32(width), height: Int32(height), format: AV_PIX_FMT_RGB24),
                to: .init(width: Int32(width), height: Int32(height), format: AV_PIX_FMT_BGRA),
                flags: Scaler.fastFlags, colorSpace: AVCOL_SPC_BT709, sourceFullRange: true, destinationFullRange: true)
        } catch {
            throw MediaError(.ffmpeg, path: path, "cannot start the animated WebP", underlying: error)
        }
        // 0 loops forever (the muxer's default plays once).
        cffmpeg_opt_set(muxer.context.pointee.priv_data, "loop", "0")
        do throws(FFmpegError) {
            try muxer.writeHeader()
        } catch {
            throw MediaError(.ffmpeg, path: path, "cannot start the animated WebP", underlying: error)
        }
    }

    /// Appends a picture of the animation's size, shown for one frame.
    func append(_ image: RGBImage) throws {
        guard Int32(image.width) == frame.width, Int32(image.height) == frame.height else {
            throw MediaError(.invalidArgument, path: path, "picture is \(image.width)x\(image.height), the animation is \(frame.width)x\(frame.height)")
        }
        try frame.makeWritable()
        image.pixels.withUnsafeBufferPointer { source in
            var planes: [UnsafeMutablePointer<UInt8>?] = [frame.plane(0)?.base, nil, nil, nil]
            var strides: [Int32] = [Int32(frame.plane(0)?.stride ?? 0), 0, 0, 0]
            scaler.scale(packed: source.baseAddress!, stride: Int32(image.bytesPerRow), into: &planes, strides: &strides)
        }
        frame.pts = nextPTS
        nextPTS += 1
        try send(frame)
    }

    /// Ends the animation, writes it and moves the file into place.
    func finish() throws {
        guard !finished else { return }
        do {
            try send(nil)
            try muxer.finish()
            finished = true
        } catch let error as FFmpegError {
            throw MediaError(.ffmpeg, path: path, "cannot finish the animated WebP", underlying: error)
        }
    }

    private func send(_ frame: Frame?) throws(FFmpegError) {
        try check(avcodec_send_frame(context, frame?.pointer), "avcodec_send_frame")
        while true {
            let code = avcodec_receive_packet(context, packet.pointer)
            if code == cffmpeg_error_again || code == cffmpeg_error_eof { return }
            try check(code, "avcodec_receive_packet")
            av_packet_rescale_ts(packet.pointer, context.pointee.time_base, stream.pointee.time_base)
            packet.pointer.pointee.stream_index = stream.pointee.index
            try muxer.write(packet)
        }
    }
}

@available(*, unavailable)
extension AnimatedWebPWriter: Sendable {}
