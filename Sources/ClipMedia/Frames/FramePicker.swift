import CFFmpeg

/// Finds and decodes exactly the frames displayed at given times, doing only the work they need.
///
/// Packets are read once, a GOP (keyframe to keyframe) at a time. When a GOP is complete, the
/// picker knows every presentation time in it and so which packet is displayed at each requested
/// time. A GOP that holds no requested frame is never decoded. In a GOP that does, packets are sent
/// only up to the last requested one (in decode order), and the decoder skips every frame no other
/// frame refers to (`skip_frame = AVDISCARD_NONREF`) except the requested ones, then is flushed so
/// reordered frames come out. Only the requested frames are ever converted.
final class FramePicker {
    enum Mode {
        /// The frame displayed at the requested time.
        case exact
        /// The nearest keyframe at or before the requested time; only keyframes are decoded.
        case keyframesOnly
    }

    struct Picked {
        /// Indices into the requested times that this frame answers.
        var requests: [Int]
        var pts: Int64
        /// The frame's position in display order, when every earlier packet was read.
        var displayIndex: Int?
    }

    let demuxer: Demuxer
    let track: VideoTrack
    let mode: Mode
    private let decoder: Decoder
    /// Packets the decoder could not decode (damaged or cut data).
    var decodeErrors: Int { decoder.errorCount }
    /// Errors the decoder logged while still producing frames (concealed damage).
    var loggedErrors: Int { decoder.loggedErrors }
    /// The read stopped on an error before the end of the file (a cut download).
    private(set) var readError: FFmpegError?
    /// Presentable packets before the GOP being read, for display indices.
    private var packetsBeforeCurrentGOP = 0
    private var readFromStart = true
    /// After a seek: the byte position of the keyframe to start at.
    private var startPosition: Int64?

    init(demuxer: Demuxer, track: VideoTrack, mode: Mode = .exact) throws {
        self.demuxer = demuxer
        self.track = track
        self.mode = mode
        do {
            decoder = try Decoder(stream: track.stream)
        } catch {
            let codec = String(cString: avcodec_get_name(track.stream.pointee.codecpar.pointee.codec_id))
            throw MediaError(.unsupported, path: demuxer.path, "cannot decode \(codec) video", underlying: error)
        }
    }

    /// Starts reading at the last keyframe of the MP4 sample table (or near the end of a long file),
    /// for requests that only concern the end. Frame indices stay exact when the table gives them.
    func startNearEnd() {
        let entries = demuxer.indexEntries(stream: track.index)
        let declared = Int(track.stream.pointee.nb_frames)
        // Only a complete sample table (not a fragmented file's partial one) says where the last GOP is.
        if declared > 0, entries.count == declared, let last = entries.lastIndex(where: { $0.isKeyframe }), last > 0,
            (try? demuxer.seek(stream: track.index, to: entries[last].timestamp)) != nil
        {
            // The seek may land on an earlier keyframe; packets are skipped until the one wanted.
            startPosition = entries[last].position
            packetsBeforeCurrentGOP = entries[..<last].filter { !$0.isDiscarded }.count
            return
        }
        let duration = track.stream.pointee.duration
        if declared == 0, duration > 0, track.seconds(duration) > 30,
            (try? demuxer.seek(stream: track.index, to: track.stream.pointee.start_time.clampedStart + duration - track.timestamp(10))) != nil
        {
            readFromStart = false
        }
    }

    /// Decodes the frames displayed at `times` (stream ticks, sorted or not) and, if `includeLast`,
    /// the last frame in display order (reported with request index `times.count`).
    func pick(times: [Int64], includeLast: Bool, body: (Picked, Frame) throws -> Void) throws {
        let order = times.indices.sorted { times[$0] < times[$1] }
        var pending = order[...]  // requests not yet answered, by time
        var gop: [Packet] = []
        let packet = try Packet()

        func finishGOP(boundary: Int64?) throws {
            guard !gop.isEmpty else { return }
            defer {
                packetsBeforeCurrentGOP += gop.filter { !$0.isDiscarded }.count
                gop.removeAll(keepingCapacity: true)
            }
            // Presentable packets of this GOP in display order.
            let shown = gop.filter { !$0.isDiscarded && $0.pts != cffmpeg_nopts_value }.map(\.pts).sorted()
            guard let first = shown.first else { return }
            var answers: [Int64: [Int]] = [:]
            while let request = pending.first, boundary == nil || times[request] < boundary! {
                let time = times[request]
                let candidates = mode == .keyframesOnly ? keyframePTS() : shown
                let answer = candidates.last(where: { $0 <= time }) ?? candidates.first ?? first
                answers[answer, default: []].append(request)
                pending.removeFirst()
            }
            if includeLast && boundary == nil, let last = shown.last {
                answers[last, default: []].append(times.count)
            }
            guard !answers.isEmpty else { return }
            try decode(gop, answers: answers, shown: shown, body: body)
        }

        func keyframePTS() -> [Int64] {
            gop.filter { $0.isKeyframe && $0.pts != cffmpeg_nopts_value }.map(\.pts).sorted()
        }

        while true {
            let more: Bool
            do {
                more = try demuxer.read(into: packet)
            } catch {
                readError = error
                more = false
            }
            guard more else { break }
            guard Int(packet.streamIndex) == track.index else { continue }
            if let position = startPosition {
                guard packet.position == position else { continue }
                startPosition = nil
            }
            if packet.isKeyframe {
                try finishGOP(boundary: packet.pts == cffmpeg_nopts_value ? nil : packet.pts)
            } else if gop.isEmpty && !(packetsBeforeCurrentGOP == 0 && readFromStart) {
                continue  // after a seek, wait for a keyframe
            }
            try gop.append(packet.reference())
        }
        try finishGOP(boundary: nil)
    }

    private func decode(
        _ gop: [Packet], answers: [Int64: [Int]], shown: [Int64], body: (Picked, Frame) throws -> Void
    ) throws {
        let lastNeeded = gop.lastIndex { answers[$0.pts] != nil } ?? gop.count - 1
        decoder.reset()
        for packet in gop[...lastNeeded] {
            let wanted = answers[packet.pts] != nil
            switch mode {
            case .exact: decoder.skipFrame = wanted ? AVDISCARD_DEFAULT : AVDISCARD_NONREF
            case .keyframesOnly:
                guard packet.isKeyframe else { continue }
                decoder.skipFrame = AVDISCARD_NONKEY
            }
            try decoder.decode(packet) { try deliver($0, answers: answers, shown: shown, body: body) }
        }
        try decoder.flush { try deliver($0, answers: answers, shown: shown, body: body) }
    }

    private var delivered: Set<Int64> = []

    private func deliver(
        _ frame: Frame, answers: [Int64: [Int]], shown: [Int64], body: (Picked, Frame) throws -> Void
    ) throws {
        let pts = frame.bestEffortTimestamp
        guard let requests = answers[pts], !delivered.contains(pts) else { return }
        delivered.insert(pts)
        let position = shown.firstIndex(of: pts)
        let displayIndex = readFromStart ? position.map { packetsBeforeCurrentGOP + $0 } : nil
        try body(Picked(requests: requests, pts: pts, displayIndex: displayIndex), frame)
    }
}

extension Int64 {
    /// A stream's start time, or 0 when unknown.
    fileprivate var clampedStart: Int64 { self == cffmpeg_nopts_value ? 0 : self }
}
