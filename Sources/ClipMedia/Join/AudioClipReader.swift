import CFFmpeg

/// One clip's audio decoded to planar float samples, aligned to the clip's first video frame (audio that
/// starts later is preceded by silence, audio that starts earlier is trimmed), as the joiner places it.
struct DecodedAudio {
    var sampleRate: Int
    /// One array per channel, all the same length.
    var channels: [[Float]]

    var sampleCount: Int { channels.first?.count ?? 0 }

    /// The audio of `path`'s best audio stream, or nil when it has none.
    /// - Throws: ``MediaError`` when the stream exists but cannot be decoded.
    static func read(path: String) throws -> DecodedAudio? {
        let demuxer = try Demuxer(path: path)
        guard let audioIndex = demuxer.bestStream(AVMEDIA_TYPE_AUDIO) else { return nil }
        let videoIndex = demuxer.bestStream(AVMEDIA_TYPE_VIDEO)
        let stream = demuxer.stream(audioIndex)
        let decoder: Decoder
        do {
            decoder = try Decoder(stream: stream, threads: 1)
        } catch {
            throw MediaError(.unsupported, path: path, "cannot decode its audio", underlying: error)
        }
        let rate = Int(decoder.context.pointee.sample_rate)
        guard rate > 0 else { throw MediaError(.unsupported, path: path, "its audio has no sample rate") }
        var channels: [[Float]] = []
        let collect: (Frame) throws -> Void = { frame in Self.append(frame.pointer, to: &channels) }
        let packet = try Packet()
        while try demuxer.read(into: packet) {
            defer { packet.unref() }
            guard Int(packet.streamIndex) == audioIndex else { continue }
            _ = try decoder.decode(packet, into: collect)
        }
        try decoder.flush(into: collect)
        guard !channels.isEmpty else { return nil }
        var audio = DecodedAudio(sampleRate: rate, channels: channels)
        // Align sample 0 with the first video frame.
        func start(_ index: Int?) -> Double {
            guard let index else { return 0 }
            let s = demuxer.stream(index).pointee
            return s.start_time == cffmpeg_nopts_value ? 0 : Double(s.start_time) * av_q2d(s.time_base)
        }
        let offset = Int(((start(audioIndex) - start(videoIndex)) * Double(rate)).rounded())
        if offset > 0 {
            audio.channels = audio.channels.map { [Float](repeating: 0, count: offset) + $0 }
        } else if offset < 0 {
            audio.channels = audio.channels.map { Array($0.dropFirst(-offset)) }
        }
        return audio
    }

    /// Appends a decoded frame's samples (any packed or planar integer/float format) as floats.
    private static func append(_ frame: UnsafeMutablePointer<AVFrame>, to channels: inout [[Float]]) {
        let count = Int(frame.pointee.nb_samples)
        let channelCount = Int(frame.pointee.ch_layout.nb_channels)
        guard count > 0, channelCount > 0 else { return }
        if channels.isEmpty { channels = Array(repeating: [], count: channelCount) }
        let format = AVSampleFormat(rawValue: frame.pointee.format)
        let planar = av_sample_fmt_is_planar(format) != 0
        let packed = av_get_packed_sample_fmt(format)
        for c in 0..<min(channelCount, channels.count) {
            let base = UnsafeRawPointer(frame.pointee.extended_data[planar ? c : 0]!)
            let stride = planar ? 1 : channelCount
            let offset = planar ? 0 : c
            var samples = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let j = i * stride + offset
                switch packed {
                case AV_SAMPLE_FMT_FLT: samples[i] = base.load(fromByteOffset: j * 4, as: Float.self)
                case AV_SAMPLE_FMT_DBL: samples[i] = Float(base.load(fromByteOffset: j * 8, as: Double.self))
                case AV_SAMPLE_FMT_S16: samples[i] = Float(base.load(fromByteOffset: j * 2, as: Int16.self)) / 32768
                case AV_SAMPLE_FMT_S32: samples[i] = Float(base.load(fromByteOffset: j * 4, as: Int32.self)) / 2_147_483_648
                case AV_SAMPLE_FMT_U8: samples[i] = (Float(base.load(fromByteOffset: j, as: UInt8.self)) - 128) / 128
                default: samples[i] = 0
                }
            }
            channels[c] += samples
        }
    }

    /// The samples resampled to `rate` (linear interpolation) with `count` channels (mono is duplicated,
    /// extra channels are dropped).
    func converted(rate: Int, channels count: Int) -> [[Float]] {
        var result = (0..<count).map { channels[min($0, channels.count - 1)] }
        guard rate != sampleRate, sampleCount > 1 else { return result }
        let length = Int((Double(sampleCount) * Double(rate) / Double(sampleRate)).rounded())
        let step = Double(sampleRate) / Double(rate)
        result = result.map { source in
            (0..<length).map { i in
                let position = Double(i) * step
                let k = min(source.count - 1, Int(position))
                let fraction = Float(position - Double(k))
                return k + 1 < source.count ? source[k] * (1 - fraction) + source[k + 1] * fraction : source[k]
            }
        }
        return result
    }
}
