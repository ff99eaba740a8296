import CFFmpeg

/// Encodes a quiet stereo sine tone as AAC, for clips that need an audio track.
final class AudioToneEncoder {
    private let codec: CodecContext
    /// Borrowed from the ``CodecContext`` that owns it.
    var context: UnsafeMutablePointer<AVCodecContext> { codec.pointer }
    private let frame: Frame
    private let packet: Packet
    private var samplesWritten: Int64 = 0

    init(globalHeader: Bool) throws {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else {
            throw MediaError(.unsupported, "this FFmpeg has no AAC encoder", underlying: .encoderNotFound)
        }
        let owner = try CodecContext(codec: codec)
        let context = owner.pointer
        context.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        context.pointee.sample_rate = 48_000
        context.pointee.bit_rate = 96_000
        context.pointee.time_base = AVRational(num: 1, den: 48_000)
        av_channel_layout_default(&context.pointee.ch_layout, 2)
        if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try owner.open()
        self.codec = owner
        frame = try Frame()
        packet = try Packet()
        frame.pointer.pointee.nb_samples = context.pointee.frame_size
        frame.pointer.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        frame.pointer.pointee.sample_rate = 48_000
        try check(av_channel_layout_copy(&frame.pointer.pointee.ch_layout, &context.pointee.ch_layout), "av_channel_layout_copy")
        try check(av_frame_get_buffer(frame.pointer, 0), "av_frame_get_buffer")
    }

    /// Encodes tone up to `seconds` and passes the packets to `body`.
    func encode(upTo seconds: Double, into body: (Packet) throws -> Void) throws {
        let target = Int64(seconds * 48_000)
        let size = Int64(context.pointee.frame_size)
        while samplesWritten + size <= target {
            try frame.makeWritable()
            for channel in 0..<2 {
                guard let plane = frame.plane(channel) else { continue }
                plane.base.withMemoryRebound(to: Float.self, capacity: Int(size)) { samples in
                    for i in 0..<Int(size) {
                        let t = Double(samplesWritten + Int64(i)) / 48_000
                        samples[i] = Float(0.1 * sin(2 * Double.pi * 440 * t))
                    }
                }
            }
            frame.pts = samplesWritten
            samplesWritten += size
            try send(frame, into: body)
        }
    }

    func flush(into body: (Packet) throws -> Void) throws { try send(nil, into: body) }

    private func send(_ frame: Frame?, into body: (Packet) throws -> Void) throws {
        try ClipMedia.encode(frame, with: context, reusing: packet, into: body)
    }
}

@available(*, unavailable)
extension AudioToneEncoder: Sendable {}

#if canImport(Glibc)
    import Glibc
#endif
