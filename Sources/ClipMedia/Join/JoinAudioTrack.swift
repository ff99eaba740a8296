import CFFmpeg

/// The joined output's audio: each clip's sound cut at the same seams as its pictures, laid end to end on
/// the output's timeline, with pts that never jump or overlap at a seam. Two ways:
///
/// - **Stream copy** (``AudioStreamCopy``) when every clip has audio with the same parameters (codec,
///   sample rate, channel layout, extradata) and the seams are cuts (`keep`, `drop`): each clip's packets
///   are copied unchanged, cut at the packet nearest each seam.
/// - **AAC re-encode** otherwise: the clips' decoded sound is mixed on the output's timeline (crossfaded
///   where the pictures crossfade), silence where a clip has no audio or its audio is shorter than its
///   pictures, and encoded as one continuous AAC stream (FFmpeg's native `aac` encoder).
///
/// Sample boundaries come from the output's frame numbers (`frame * rate / fps`, rounded), never from
/// summed durations, so sound and picture stay in sync however many seams there are.
final class JoinAudioTrack {
    /// Where one clip's pictures went in the output.
    struct Placement {
        /// The clip's first output frame.
        var outputFrame: Int
        /// Frames dropped from the clip's start (`drop` removes the repeated first frame).
        var skippedFrames: Int
        /// Frames of the clip used from `skippedFrames` on, including a tail overlapped by a crossfade.
        var frameCount: Int
        /// Frames over which the clip fades in (crossfade from the previous clip) and out.
        var fadeInFrames: Int
        var fadeOutFrames: Int
    }

    /// Where the output stream's parameters come from.
    enum Parameters {
        /// The AAC encoder that produced every packet; ``CodecContext`` owns and frees it.
        case encoder(CodecContext)
        /// The first clip's audio stream, whose packets (and every other clip's) are copied. Borrowed: the
        /// clip's ``JoinInput`` owns its demuxer and outlives the write.
        case copy(UnsafeMutablePointer<AVStream>)
    }

    let parameters: Parameters
    /// Packets in order, timestamps in 1 / sample rate (pts = dts).
    private(set) var packets: [Packet] = []
    let sampleRate: Int
    let channelCount: Int
    /// Samples of the output timeline (the video's duration at the sample rate).
    let sampleCount: Int
    /// What the result reports: codec, rate, channels and how each clip's audio was treated.
    let summary: String

    /// Builds the audio for `placements` of `audio` (nil for a clip without audio); nil when no clip has any.
    init?(
        audio: [DecodedAudio?], placements: [Placement], totalFrames: Int, frameRate: AVRational, path: String
    ) throws {
        guard let reference = audio.compactMap({ $0 }).first else { return nil }
        let sampleRate = reference.sampleRate
        let channelCount = min(2, audio.compactMap { $0?.channels.count }.max() ?? 1)
        let fps = av_q2d(frameRate)
        func sample(atFrame frame: Int) -> Int { Int((Double(frame) * Double(sampleRate) / fps).rounded()) }
        let sampleCount = sample(atFrame: totalFrames)
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.sampleCount = sampleCount

        var mix = [[Float]](repeating: [Float](repeating: 0, count: sampleCount), count: channelCount)
        for (clip, placement) in zip(audio, placements) {
            guard let clip else { continue }
            let source = clip.converted(rate: sampleRate, channels: channelCount)
            let sourceStart = sample(atFrame: placement.skippedFrames)
            let outputStart = sample(atFrame: placement.outputFrame)
            let outputEnd = min(sampleCount, sample(atFrame: placement.outputFrame + placement.frameCount))
            let fadeInEnd = sample(atFrame: placement.outputFrame + placement.fadeInFrames)
            let fadeOutStart = sample(atFrame: placement.outputFrame + placement.frameCount - placement.fadeOutFrames)
            guard outputEnd > outputStart else { continue }
            for i in outputStart..<outputEnd {
                let j = sourceStart + i - outputStart
                guard j < source[0].count else { break }  // shorter audio: silence after it
                var gain: Float = 1
                if i < fadeInEnd { gain = Float(i - outputStart + 1) / Float(fadeInEnd - outputStart + 1) }
                if i >= fadeOutStart { gain *= Float(outputEnd - i) / Float(outputEnd - fadeOutStart + 1) }
                for c in 0..<channelCount { mix[c][i] += source[c][j] * gain }
            }
        }
        let encoder = try Self.openEncoder(sampleRate: sampleRate, channels: channelCount, path: path)
        parameters = .encoder(encoder)
        let sources = audio.map { $0 == nil ? "silence" : "decoded" }
        summary = "aac \(sampleRate) Hz \(channelCount == 1 ? "mono" : "stereo"), re-encoded (clips: \(sources.joined(separator: ", ")))"
        try encode(mix, with: encoder.pointer)
    }

    /// A track of `packets` copied from clips whose audio streams all match `stream`'s parameters.
    init(copying stream: UnsafeMutablePointer<AVStream>, packets: [Packet], sampleRate: Int, channelCount: Int, sampleCount: Int, summary: String) {
        parameters = .copy(stream)
        self.packets = packets
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.sampleCount = sampleCount
        self.summary = summary
    }

    private static func openEncoder(sampleRate: Int, channels: Int, path: String) throws -> CodecContext {
        guard let codec = avcodec_find_encoder_by_name("aac") ?? avcodec_find_encoder(AV_CODEC_ID_AAC) else {
            throw MediaError(.unsupported, path: path, "this FFmpeg has no AAC encoder for the joined audio")
        }
        let encoder = try CodecContext(codec: codec)
        let context = encoder.pointer
        context.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        context.pointee.sample_rate = Int32(sampleRate)
        context.pointee.bit_rate = 128_000
        context.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        av_channel_layout_default(&context.pointee.ch_layout, Int32(channels))
        context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER  // MP4 keeps the AudioSpecificConfig in esds
        do {
            try encoder.open()
        } catch {
            throw MediaError(.ffmpeg, path: path, "cannot open the AAC encoder", underlying: error)
        }
        return encoder
    }

    /// Encodes the mixed samples in the encoder's frame size (the last frame may be shorter).
    private func encode(_ mix: [[Float]], with encoder: UnsafeMutablePointer<AVCodecContext>) throws {
        let frameSize = Int(encoder.pointee.frame_size > 0 ? encoder.pointee.frame_size : 1024)
        let packet = try Packet()
        let keep: (Packet) throws -> Void = { self.packets.append(try $0.reference()) }
        var position = 0
        while position < sampleCount {
            let count = min(frameSize, sampleCount - position)
            let frame = try Frame()
            frame.pointer.pointee.nb_samples = Int32(count)
            frame.pointer.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            frame.pointer.pointee.sample_rate = Int32(sampleRate)
            try check(
                av_channel_layout_copy(&frame.pointer.pointee.ch_layout, &encoder.pointee.ch_layout),
                "av_channel_layout_copy")
            try check(av_frame_get_buffer(frame.pointer, 0), "av_frame_get_buffer")
            for c in 0..<channelCount {
                let plane = UnsafeMutableRawPointer(frame.pointer.pointee.extended_data[c]!)
                    .assumingMemoryBound(to: Float.self)
                mix[c].withUnsafeBufferPointer { plane.update(from: $0.baseAddress! + position, count: count) }
            }
            frame.pts = Int64(position)
            position += count
            try ClipMedia.encode(frame, with: encoder, reusing: packet, into: keep)
        }
        try ClipMedia.encode(nil, with: encoder, reusing: packet, into: keep)
    }
}

@available(*, unavailable)
extension JoinAudioTrack: Sendable {}
