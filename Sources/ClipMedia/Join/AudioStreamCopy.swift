import CFFmpeg

/// The joined output's audio by stream copy: when every clip has audio with the same parameters, each
/// clip's packets are copied unchanged, cut at the packet nearest each seam of the pictures.
///
/// Positions are samples on the output's timeline. Clip `k`'s pictures cover `[start, end)` (from the
/// output's frame numbers); its sound should start `skip` samples into the clip (`drop` drops the
/// repeated frame's sound too). The copy starts with the clip's packet nearest to where the output's
/// audio has got to (`position`, within half a packet of `start`) and takes packets while that brings the
/// audio closer to `end`. Every clip is placed from absolute positions, so the error never exceeds about
/// half a packet (~11 ms of AAC at 48 kHz) however many seams there are, and packets follow each other
/// without a gap or an overlap. The first clip keeps its priming packets (negative pts, hidden by the MP4
/// edit list as in the source); later clips start after theirs.
///
/// Copying is declined (nil, and the join re-encodes) when a clip has no audio, when parameters differ,
/// when a packet has no timestamps, when a clip has no packet within half a packet of where its sound
/// should start (audio starting later than the pictures), or when a clip's audio is more than one packet
/// shorter than its pictures (only a re-encode can fill those with silence).
enum AudioStreamCopy {
    /// Why the clips' audio cannot be copied, or nil when it can.
    static func mismatch(_ inputs: [JoinInput]) -> String? {
        guard let reference = inputs.first?.audioStream?.pointee.codecpar else { return "\(inputs.first?.path ?? "?") has no audio" }
        for input in inputs {
            guard let parameters = input.audioStream?.pointee.codecpar else { return "\(input.path) has no audio" }
            if parameters.pointee.codec_id != reference.pointee.codec_id { return "\(input.path): audio codec differs" }
            if parameters.pointee.sample_rate != reference.pointee.sample_rate { return "\(input.path): audio sample rate differs" }
            if av_channel_layout_compare(&parameters.pointee.ch_layout, &reference.pointee.ch_layout) != 0 {
                return "\(input.path): audio channel layout differs"
            }
            if extradata(parameters) != extradata(reference) { return "\(input.path): audio codec configuration differs" }
            if input.audioPackets.isEmpty { return "\(input.path): its audio stream has no packets" }
        }
        return nil
    }

    /// The copied track for `placements` (one per input, as for the re-encode), or nil when the audio
    /// cannot be copied.
    static func track(
        inputs: [JoinInput], placements: [JoinAudioTrack.Placement], totalFrames: Int, frameRate: AVRational
    ) throws -> JoinAudioTrack? {
        guard mismatch(inputs) == nil, let first = inputs.first, let stream = first.audioStream else { return nil }
        let sampleRate = Int(stream.pointee.codecpar.pointee.sample_rate)
        guard sampleRate > 0 else { return nil }
        let fps = av_q2d(frameRate)
        func sample(atFrame frame: Int) -> Int64 { Int64((Double(frame) * Double(sampleRate) / fps).rounded()) }
        let samples = AVRational(num: 1, den: Int32(sampleRate))
        let frameSize = Int64(stream.pointee.codecpar.pointee.frame_size > 0 ? stream.pointee.codecpar.pointee.frame_size : 1024)

        var copied: [Packet] = []
        var position: Int64 = 0
        for (k, (input, placement)) in zip(inputs, placements).enumerated() {
            guard let audio = input.audioStream else { return nil }
            let timeBase = audio.pointee.time_base
            // Sample 0 of the clip is its first video frame.
            let video = input.track.stream.pointee
            let videoStart = video.start_time == cffmpeg_nopts_value ? 0 : av_rescale_q(video.start_time, video.time_base, samples)
            var spans: [(packet: Packet, start: Int64, duration: Int64)] = []
            for packet in input.audioPackets {
                guard packet.pts != cffmpeg_nopts_value else { return nil }
                let start = av_rescale_q(packet.pts, timeBase, samples) - videoStart
                let duration = packet.duration > 0 ? av_rescale_q(packet.duration, timeBase, samples) : frameSize
                spans.append((packet, start, duration))
            }
            spans.sort { $0.start < $1.start }
            let outputStart = sample(atFrame: placement.outputFrame)
            let outputEnd = sample(atFrame: placement.outputFrame + placement.frameCount)
            // Where in the clip the output's current position falls.
            let wanted = sample(atFrame: placement.skippedFrames) + (position - outputStart)
            var index = spans.firstIndex { $0.start + $0.duration / 2 > wanted } ?? spans.count
            // Sound that starts well after the pictures (or a gap at the cut): only a re-encode places it.
            if index < spans.count, abs(spans[index].start - wanted) > spans[index].duration / 2 + 1 { return nil }
            if k == 0 {
                // The first clip's priming packets go first, at their own (negative) times.
                for span in spans[..<index] where span.start < 0 && index > 0 {
                    copied.append(try retimed(span.packet, pts: position + span.start, duration: span.duration))
                }
            }
            while index < spans.count, position + spans[index].duration / 2 <= outputEnd {
                copied.append(try retimed(spans[index].packet, pts: position, duration: spans[index].duration))
                position += spans[index].duration
                index += 1
            }
            // Audio that ends more than a packet before the pictures: only a re-encode fills that.
            if outputEnd - position > frameSize { return nil }
        }
        let channels = Int(stream.pointee.codecpar.pointee.ch_layout.nb_channels)
        let codec = String(cString: avcodec_get_name(stream.pointee.codecpar.pointee.codec_id))
        let layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels) channels"
        return JoinAudioTrack(
            copying: stream, packets: copied, sampleRate: sampleRate, channelCount: channels,
            sampleCount: Int(sample(atFrame: totalFrames)),
            summary: "\(codec) \(sampleRate) Hz \(layout), stream copy (clips: \(inputs.map { _ in "copied" }.joined(separator: ", ")))")
    }

    /// A new reference to `packet`'s data with pts = dts = `pts` and `duration`, in samples.
    private static func retimed(_ packet: Packet, pts: Int64, duration: Int64) throws -> Packet {
        let copy = try packet.reference()
        copy.pointer.pointee.pts = pts
        copy.pointer.pointee.dts = pts
        copy.pointer.pointee.duration = duration
        return copy
    }

    private static func extradata(_ parameters: UnsafeMutablePointer<AVCodecParameters>) -> [UInt8] {
        guard let data = parameters.pointee.extradata, parameters.pointee.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(parameters.pointee.extradata_size)))
    }
}
