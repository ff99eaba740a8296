import CFFmpeg

/// Samples a clip at many moments in one pass, decoding only the frames other frames depend on.
///
/// Previews, sprite tiles and poster candidates don't need the exact frame at a time, only one
/// shown within a frame or two of it. So the decoder skips every frame nothing refers to
/// (`skip_frame = AVDISCARD_NONREF`: in an x264 clip with B-frames, about half of them) for the
/// whole clip, and each requested time is answered by the decoded frame shown nearest to it
/// (``NearestFrames``). If skipping leaves no frame at all (a codec whose every frame is a
/// non-reference one), the clip is read again decoding everything.
final class FrameSampler {
    struct Sample {
        /// Indices into the requested times that this frame answers.
        var requests: [Int]
        /// Presentation time in seconds from the stream's start.
        var seconds: Double
    }

    let path: String
    /// Packets the decoder could not decode (damaged or cut data).
    private(set) var decodeErrors = 0
    /// The read stopped on an error before the end of the file (a cut download).
    private(set) var readError: FFmpegError?

    init(path: String) {
        self.path = path
    }

    /// Decodes the clip once and calls `body` with the frame shown nearest to each of `times`
    /// (seconds), in time order; a frame nearest to several times is delivered once.
    func sample(
        times: [Double], demuxer: Demuxer, track: VideoTrack, body: (Sample, Frame) throws -> Void
    ) throws {
        guard !times.isEmpty else { return }
        let delivered = try pass(times: times, demuxer: demuxer, track: track, skipping: true, body: body)
        if delivered == 0 {
            let again = try Demuxer(path: path)
            let track = try VideoTrack(demuxer: again)
            _ = try pass(times: times, demuxer: again, track: track, skipping: false, body: body)
        }
    }

    private func pass(
        times: [Double], demuxer: Demuxer, track: VideoTrack, skipping: Bool, body: (Sample, Frame) throws -> Void
    ) throws -> Int {
        let decoder: Decoder
        do {
            decoder = try Decoder(stream: track.stream)
        } catch {
            let codec = String(cString: avcodec_get_name(track.stream.pointee.codecpar.pointee.codec_id))
            throw MediaError(.unsupported, path: path, "cannot decode \(codec) video", underlying: error)
        }
        if skipping { decoder.skipFrame = AVDISCARD_NONREF }
        var nearest = NearestFrames(times: times, track: track)
        let packet = try Packet()
        while !nearest.isComplete {
            let more: Bool
            do {
                more = try demuxer.read(into: packet)
            } catch {
                readError = error
                more = false
            }
            guard more else { break }
            guard Int(packet.streamIndex) == track.index else { continue }
            try decoder.decode(packet) { try nearest.arrived($0, body: body) }
        }
        if !nearest.isComplete { try decoder.flush { try nearest.arrived($0, body: body) } }
        try nearest.finish(body: body)
        decodeErrors += decoder.errorCount
        return nearest.delivered
    }
}

@available(*, unavailable)
extension FrameSampler: Sendable {}

/// Answers requested moments of a clip with the frame shown nearest to each, from decoded frames
/// handed over in display order: by ``FrameSampler``'s own pass, or by any pass that decodes the
/// clip anyway (the gallery's check, ``GalleryAssetRenderer/renderAndValidate(path:into:settings:expectations:threads:)``).
///
/// Only the latest frame is held (one reference): when a frame arrives, every pending time closer to
/// the held frame than to the new one is answered by the held frame.
struct NearestFrames {
    private let times: [Double]
    /// Indices of `times` in increasing time.
    private let order: [Int]
    /// The first unanswered request in `order`.
    private var next = 0
    private var held: (frame: Frame, seconds: Double)?
    private let track: VideoTrack
    private let start: Int64
    /// Frames delivered to a body so far.
    private(set) var delivered = 0

    init(times: [Double], track: VideoTrack) {
        self.times = times
        order = times.indices.sorted { times[$0] < times[$1] }
        self.track = track
        start = track.stream.pointee.start_time == cffmpeg_nopts_value ? 0 : track.stream.pointee.start_time
    }

    /// Every requested time has its frame.
    var isComplete: Bool { next >= order.count }

    /// A decoded frame, the next in display order.
    mutating func arrived(_ frame: Frame, body: (FrameSampler.Sample, Frame) throws -> Void) throws {
        guard !isComplete else { return }
        let timestamp = frame.bestEffortTimestamp
        let seconds = timestamp == cffmpeg_nopts_value ? (held?.seconds ?? 0) : track.seconds(timestamp - start)
        if let current = held {
            try answer(with: current, upTo: (current.seconds + seconds) / 2, body: body)
        }
        if !isComplete { held = (try frame.reference(), seconds) }
    }

    /// No more frames: the last one held answers every time still pending.
    mutating func finish(body: (FrameSampler.Sample, Frame) throws -> Void) throws {
        if let current = held, !isComplete { try answer(with: current, upTo: .infinity, body: body) }
        held = nil
    }

    private mutating func answer(
        with current: (frame: Frame, seconds: Double), upTo limit: Double, body: (FrameSampler.Sample, Frame) throws -> Void
    ) throws {
        var requests: [Int] = []
        while next < order.count, times[order[next]] < limit {
            requests.append(order[next])
            next += 1
        }
        guard !requests.isEmpty else { return }
        delivered += 1
        try body(FrameSampler.Sample(requests: requests, seconds: current.seconds), current.frame)
    }
}
