import CFFmpeg

/// Collects the output's video packets (copied or freshly encoded) in decode order with the display
/// position of each, then writes them as one constant-frame-rate MP4 track with `moov` first.
///
/// Timestamps are rebuilt rather than carried over: frame `i` in display order gets pts `i` (time
/// base = 1 / frame rate), and the `j`-th packet in decode order gets dts `j - delay`, where `delay`
/// is the largest reorder depth of any part. That keeps dts strictly increasing and never above pts
/// across seams where a copied part and a re-encoded part have different B-frame delays.
final class JoinedStreamWriter {
    private let frameRate: AVRational
    private var packets: [(packet: Packet, display: Int)] = []

    init(frameRate: AVRational) {
        self.frameRate = frameRate
    }

    var count: Int { packets.count }

    /// Adds the next packet in decode order; `display` is its frame's index in the output.
    func add(_ packet: Packet, display: Int) {
        packets.append((packet, display))
    }

    /// Where the output stream's parameters come from.
    enum Parameters {
        /// The first clip's stream, with `extradata` replacing its own when given.
        case copy(JoinInput, extradata: [UInt8]?)
        /// An encoder that produced every packet.
        case encoder(JoinEncoder)
    }

    /// Writes the collected packets to `path`, which gets its name only once complete (``Muxer``), with
    /// `audio`'s packets interleaved by time.
    func write(to path: String, parameters: Parameters, rotation: Int, audio: JoinAudioTrack? = nil) throws {
        let displays = packets.map(\.display).sorted()
        guard displays.elementsEqual(0..<packets.count) else {
            throw MediaError(.ffmpeg, path: path, "internal error: the joined frames do not form one sequence")
        }
        let delay = max(0, packets.enumerated().map { $0.offset - $0.element.display }.max() ?? 0)
        let muxer = try Muxer(destination: path, formatName: "mp4")
        let stream: UnsafeMutablePointer<AVStream>
        switch parameters {
        case .copy(let input, let extradata):
            stream = try muxer.addStream(copying: input.track.stream)
            if let extradata { try Self.replaceExtradata(of: stream.pointee.codecpar, with: extradata) }
        case .encoder(let encoder):
            stream = try muxer.addStream(from: encoder.context)
        }
        let timeBase = av_inv_q(frameRate)
        stream.pointee.time_base = timeBase
        stream.pointee.avg_frame_rate = frameRate
        stream.pointee.r_frame_rate = frameRate
        if rotation % 360 != 0 {
            try check(cffmpeg_stream_set_rotation(stream, Double(rotation)), "av_stream_new_side_data")
        }
        let audioStream = try audio.map { audio -> UnsafeMutablePointer<AVStream> in
            switch audio.parameters {
            case .encoder(let encoder): return try muxer.addStream(from: encoder.pointer)
            case .copy(let input): return try muxer.addStream(copying: input)
            }
        }
        try muxer.writeHeader(movflags: "+faststart")
        var audioPackets = audio?.packets[...] ?? []
        let audioTimeBase = AVRational(num: 1, den: Int32(audio?.sampleRate ?? 1))
        /// Writes the audio packets that start before `seconds`.
        func writeAudio(before seconds: Double) throws {
            guard let audioStream else { return }
            while let next = audioPackets.first, Double(next.pointer.pointee.dts) * av_q2d(audioTimeBase) < seconds {
                audioPackets.removeFirst()
                next.pointer.pointee.stream_index = audioStream.pointee.index
                next.pointer.pointee.pos = -1
                av_packet_rescale_ts(next.pointer, audioTimeBase, audioStream.pointee.time_base)
                try muxer.write(next)
            }
        }
        for (j, entry) in packets.enumerated() {
            try writeAudio(before: Double(j - delay + 1) * av_q2d(timeBase))
            let p = entry.packet.pointer
            p.pointee.pts = Int64(entry.display)
            p.pointee.dts = Int64(j - delay)
            p.pointee.duration = 1
            p.pointee.pos = -1
            p.pointee.flags &= AV_PKT_FLAG_KEY
            p.pointee.stream_index = stream.pointee.index
            av_packet_rescale_ts(p, timeBase, stream.pointee.time_base)
            try muxer.write(entry.packet)
        }
        try writeAudio(before: .infinity)
        packets.removeAll()
        try muxer.finish()
    }

    /// libav outside `Internal/`, on purpose: the buffer belongs to the stream's codec parameters, which the
    /// ``Muxer``'s format context owns and frees; `av_freep` releases the one it replaces.
    private static func replaceExtradata(of parameters: UnsafeMutablePointer<AVCodecParameters>, with bytes: [UInt8]) throws {
        av_freep(&parameters.pointee.extradata)
        let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)
        guard let buffer = av_mallocz(bytes.count + padding)?.assumingMemoryBound(to: UInt8.self) else {
            throw FFmpegError.outOfMemory
        }
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: bytes.count) }
        parameters.pointee.extradata = buffer
        parameters.pointee.extradata_size = Int32(bytes.count)
    }
}

@available(*, unavailable)
extension JoinedStreamWriter: Sendable {}

extension Packet {
    /// A new packet holding `bytes`, with this packet's timestamps and flags.
    func replacingData(with bytes: [UInt8]) throws -> Packet {
        let copy = try Packet()
        try check(av_new_packet(copy.pointer, Int32(bytes.count)), "av_new_packet")
        bytes.withUnsafeBufferPointer { copy.pointer.pointee.data.update(from: $0.baseAddress!, count: bytes.count) }
        try check(av_packet_copy_props(copy.pointer, pointer), "av_packet_copy_props")
        return copy
    }

    /// The packet's payload.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: pointer.pointee.data, count: Int(pointer.pointee.size))
    }
}
