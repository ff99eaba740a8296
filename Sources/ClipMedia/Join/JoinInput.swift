import CFFmpeg

/// One clip to be joined: its video packets in decode order, read once, and the facts the joiner
/// compares between clips (codec parameters, frame rate, where the stream can be cut).
final class JoinInput {
    let path: String
    let demuxer: Demuxer
    let track: VideoTrack
    /// Video packets in decode order (references to the demuxer's data).
    let packets: [Packet]
    /// For each packet, the display-order index of the frame it carries.
    let displayIndex: [Int]
    let frameRate: AVRational
    /// True when an edit list hides samples; such a clip is never stream-copied.
    let hasDiscardedSamples: Bool
    /// The clip's best audio stream (nil when it has none) and its packets in file order, for a join that
    /// copies the audio (``AudioStreamCopy``).
    let audioStream: UnsafeMutablePointer<AVStream>?
    let audioPackets: [Packet]

    init(path: String) throws {
        self.path = path
        demuxer = try Demuxer(path: path)
        track = try VideoTrack(demuxer: demuxer)
        var packets: [Packet] = []
        var audioPackets: [Packet] = []
        let audioIndex = demuxer.bestStream(AVMEDIA_TYPE_AUDIO)
        var discarded = false
        while true {
            let packet = try Packet()
            let more: Bool
            do {
                more = try demuxer.read(into: packet)
            } catch {
                throw MediaError(.notAMediaFile, path: path, "cannot read packets (the file may be cut short)", underlying: error)
            }
            guard more else { break }
            if let audioIndex, Int(packet.streamIndex) == audioIndex { audioPackets.append(packet) }
            guard Int(packet.streamIndex) == track.index else { continue }
            if packet.isDiscarded { discarded = true }
            packets.append(packet)
        }
        guard !packets.isEmpty else { throw MediaError(.noDecodableFrame, path: path, "has no video frames") }
        if packets.contains(where: { $0.pts == cffmpeg_nopts_value }) {
            throw MediaError(.unsupported, path: path, "video packets have no presentation timestamps")
        }
        let order = packets.indices.sorted { packets[$0].pts < packets[$1].pts }
        var displayIndex = [Int](repeating: 0, count: packets.count)
        for (rank, packetIndex) in order.enumerated() { displayIndex[packetIndex] = rank }
        self.packets = packets
        self.displayIndex = displayIndex
        hasDiscardedSamples = discarded
        let demuxer = self.demuxer
        self.audioStream = audioIndex.map { demuxer.stream($0) }
        self.audioPackets = audioPackets

        let stream = track.stream.pointee
        var rate = stream.avg_frame_rate
        if rate.num <= 0 || rate.den <= 0 { rate = stream.r_frame_rate }
        if rate.num <= 0 || rate.den <= 0, packets.count > 1 {
            let span = Double(order.last.map { packets[$0].pts }! - packets[order[0]].pts) * av_q2d(stream.time_base)
            if span > 0 { av_reduce(&rate.num, &rate.den, Int64((Double(packets.count - 1) / span * 1000).rounded()), 1000, 1 << 30) }
        }
        guard rate.num > 0, rate.den > 0 else { throw MediaError(.unsupported, path: path, "has no frame rate") }
        av_reduce(&rate.num, &rate.den, Int64(rate.num), Int64(rate.den), 1 << 30)
        frameRate = rate
    }

    var frameCount: Int { packets.count }
    var parameters: UnsafeMutablePointer<AVCodecParameters> { track.stream.pointee.codecpar }
    var codecID: AVCodecID { parameters.pointee.codec_id }
    var width: Int { Int(parameters.pointee.width) }
    var height: Int { Int(parameters.pointee.height) }
    var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: parameters.pointee.format) }
    var fps: Double { av_q2d(frameRate) }

    var extradata: [UInt8] {
        let p = parameters.pointee
        guard let data = p.extradata, p.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(p.extradata_size)))
    }

    var codecName: String { String(cString: avcodec_get_name(codecID)) }
    var pixelFormatName: String { av_get_pix_fmt_name(pixelFormat).map { String(cString: $0) } ?? "unknown" }

    /// The first thing that keeps `self`'s packets from sharing one track with `reference`'s, or nil
    /// when they can be stream-copied one after the other.
    func streamCopyMismatch(with reference: JoinInput) -> String? {
        if codecID != reference.codecID { return "codec \(codecName) differs from \(reference.codecName)" }
        if width != reference.width || height != reference.height {
            return "size \(width)x\(height) differs from \(reference.width)x\(reference.height)"
        }
        if pixelFormat != reference.pixelFormat && pixelFormat.rawValue >= 0 && reference.pixelFormat.rawValue >= 0 {
            return "pixel format \(pixelFormatName) differs from \(reference.pixelFormatName)"
        }
        if extradata != reference.extradata { return "codec parameter sets (extradata) differ" }
        if hasDiscardedSamples { return "it has samples hidden by an edit list" }
        return nil
    }

    /// Packet indices after which the stream can be cut cleanly: an IDR that every later packet
    /// follows in display order too (a closed GOP), so the packets from there on decode alone.
    func cleanCutPoints() -> [Int] {
        guard codecID == AV_CODEC_ID_H264, let config = AVCConfiguration(avcC: extradata) else { return [] }
        var cuts: [Int] = []
        var maxDisplayBefore = -1
        for (i, packet) in packets.enumerated() {
            if i > 0, packet.isKeyframe, maxDisplayBefore == i - 1, displayIndex[i] == i, isIDR(packet, lengthSize: config.lengthSize) {
                cuts.append(i)
            }
            maxDisplayBefore = max(maxDisplayBefore, displayIndex[i])
        }
        return cuts
    }

    private func isIDR(_ packet: Packet, lengthSize: Int) -> Bool {
        guard let data = packet.pointer.pointee.data else { return false }
        let buffer = UnsafeBufferPointer(start: data, count: Int(packet.size))
        guard let units = NALUnit.splitLengthPrefixed(buffer, lengthSize: lengthSize) else { return false }
        return units.contains { NALUnit.type($0) == NALUnit.idrSlice }
    }

    /// Decodes packets `0..<end` (all by default) and passes each frame, in display order, with its index.
    func decodeFrames(upTo end: Int? = nil, _ body: (Int, Frame) throws -> Void) throws {
        let decoder = try Decoder(stream: track.stream)
        var index = 0
        let emit: (Frame) throws -> Void = { frame in
            try body(index, frame)
            index += 1
        }
        for packet in packets.prefix(end ?? packets.count) { try decoder.decode(packet, into: emit) }
        try decoder.flush(into: emit)
        if index == 0 { throw MediaError(.noDecodableFrame, path: path, "no frame could be decoded") }
    }
}

@available(*, unavailable)
extension JoinInput: Sendable {}
