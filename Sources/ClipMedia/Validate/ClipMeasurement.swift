import CFFmpeg
import Foundation

/// Everything ``ClipValidator`` checks, measured in one decoding pass over the video stream.
///
/// The header gives the container, codec, frame rate, audio and the frame count the container claims;
/// the pass decodes every video packet (frame threads, other streams discarded unread) and feeds each
/// decoded frame's planes to the black and freeze detectors as it comes out.
struct ClipMeasurement {
    var container: String
    var codec: String
    var storedWidth: Int
    var storedHeight: Int
    var displayWidth: Int
    var displayHeight: Int
    var rotation: Int
    var fps: Double?
    var hasAudio: Bool
    /// Frames the container's index lists; nil when it has no complete index (then packets read count).
    var claimedFrames: Int?
    var packetsRead = 0
    var decodedFrames = 0
    var decodeErrors = 0
    var firstDecodeError: FFmpegError?
    /// Errors the decoder logged while it went on decoding (concealed damage; what `ffmpeg -v error` prints).
    var loggedDecodeErrors = 0
    /// Frames the decoder flagged as concealed, corrupt or missing a reference.
    var damagedFrames = 0
    /// When the first damage showed, in seconds from the start (the first frame out after it).
    var firstDamageSeconds: Double?
    /// Why reading stopped before the end of the file, when it did.
    var readError: FFmpegError?
    /// Presented span of the packets read: first pts to last pts plus its duration.
    var durationSeconds: Double?
    /// The duration the container's header states, when it states one.
    var containerDurationSeconds: Double?
    var blackSegments: [TimeSegment] = []
    var frozenSegments: [TimeSegment] = []
    /// Why black and frozen could not be measured, when they could not.
    var pictureNotMeasured: String?

    /// Reads and decodes `path`.
    /// - Throws: ``MediaError`` when the file cannot be opened or holds no video stream.
    static func measure(path: String, black: BlackDetection, frozen: FreezeDetection, threads: Int) throws(MediaError) -> ClipMeasurement {
        try measure(source: .file(path), black: black, frozen: frozen, threads: threads)
    }

    /// Reads and decodes `source`; `observe` (when given) sees every decoded frame, in display order,
    /// so another job that needs frames of the clip (the gallery's pictures) shares this pass.
    static func measure(
        source: MediaSource, black: BlackDetection, frozen: FreezeDetection, threads: Int, observe: ((Frame) -> Void)? = nil
    ) throws(MediaError) -> ClipMeasurement {
        let path = source.path
        let demuxer = try Demuxer(source: source)
        let track = try openVideoTrack(demuxer)
        let parameters = track.stream.pointee.codecpar.pointee
        let formatName = demuxer.formatName
        var measurement = ClipMeasurement(
            container: MediaProbe.containerName(demuxer: demuxer, path: path),
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            storedWidth: track.storedWidth, storedHeight: track.storedHeight,
            displayWidth: track.displayWidth, displayHeight: track.displayHeight, rotation: track.rotation,
            fps: frameRate(track.stream), hasAudio: demuxer.bestStream(AVMEDIA_TYPE_AUDIO) != nil)
        let headerDuration = demuxer.context.pointee.duration
        if headerDuration > 0 { measurement.containerDurationSeconds = Double(headerDuration) / Double(AV_TIME_BASE) }
        measurement.claimedFrames = claimedFrames(demuxer: demuxer, track: track, path: path, formatName: formatName)
        for index in 0..<demuxer.streamCount where index != track.index {
            demuxer.stream(index).pointee.discard = AVDISCARD_ALL
        }
        let decoder: Decoder
        do {
            decoder = try Decoder(stream: track.stream, threads: threads > 0 ? Int32(clamping: threads) : automaticThreads)
        } catch {
            throw MediaError(.unsupported, path: path, "cannot decode \(measurement.codec) video", underlying: error)
        }
        do {
            try measurement.decodeAll(
                demuxer: demuxer, track: track, decoder: decoder, black: black, frozen: frozen, observe: observe)
        } catch let error as MediaError {
            throw error
        } catch {
            throw MediaError(.ffmpeg, path: path, "decoding failed: \(error)")
        }
        return measurement
    }

    private mutating func decodeAll(
        demuxer: Demuxer, track: VideoTrack, decoder: Decoder, black: BlackDetection, frozen: FreezeDetection,
        observe: ((Frame) -> Void)?
    ) throws {
        let timeBase = av_q2d(track.timeBase)
        let startTime = demuxer.context.pointee.start_time
        let origin = startTime == cffmpeg_nopts_value ? 0 : Double(startTime) / Double(AV_TIME_BASE)
        var blackDetector = BlackDetector(black)
        var freezeDetector = FreezeDetector(frozen)
        var sampler: PlaneSampler?
        var samplerShape: (AVPixelFormat, Int32, Int32)?
        var reference: Frame?
        var firstPTS = Int64.max
        var endPTS = Int64.min
        var lastFrameTime: Double?
        var geometryRead = false

        func process(_ frame: Frame) throws {
            decodedFrames += 1
            if !geometryRead {
                geometryRead = true
                readGeometry(frame, demuxer: demuxer, track: track)
            }
            observe?(frame)
            let pts = frame.bestEffortTimestamp
            guard pictureNotMeasured == nil, pts != cffmpeg_nopts_value else { return }
            let time = Double(pts) * timeBase - origin
            lastFrameTime = time
            if let shape = samplerShape, let current = sampler, current.fits(frame, format: shape.0, width: shape.1, height: shape.2) {
                // The same layout as before.
            } else {
                guard let made = PlaneSampler(frame: frame, black: black) else {
                    let name = av_get_pix_fmt_name(frame.pixelFormat).map { String(cString: $0) } ?? "unknown"
                    pictureNotMeasured = "not measured: pixel format \(name) has no luma plane"
                    return
                }
                sampler = made
                samplerShape = (frame.pixelFormat, frame.width, frame.height)
                reference = nil  // a new size or format starts a new reference, like a filter reconfiguring
            }
            let planes = sampler!
            blackDetector.add(time: time, blackRatio: planes.blackRatio(frame))
            let difference = reference.map { planes.meanDifference(frame, $0) }
            if freezeDetector.add(time: time, difference: difference) {
                reference = try frame.reference()
            }
        }

        let packet = try Packet()
        while true {
            let more: Bool
            do {
                more = try demuxer.read(into: packet)
            } catch {
                readError = error
                break
            }
            guard more else { break }
            guard Int(packet.streamIndex) == track.index else { continue }
            if !packet.isDiscarded {
                packetsRead += 1
                let pts = packet.pts != cffmpeg_nopts_value ? packet.pts : packet.dts
                if pts != cffmpeg_nopts_value {
                    firstPTS = min(firstPTS, pts)
                    endPTS = max(endPTS, pts + max(packet.duration, 0))
                }
            }
            try decoder.decode(packet, into: process)
        }
        try decoder.flush(into: process)
        decodeErrors = decoder.errorCount
        firstDecodeError = decoder.lastError
        loggedDecodeErrors = decoder.loggedErrors
        damagedFrames = decoder.damagedFrames
        if let first = decoder.firstDamageTimestamp, first != cffmpeg_nopts_value {
            firstDamageSeconds = max(0, Double(first) * timeBase - origin)
        }

        if endPTS > firstPTS { durationSeconds = Double(endPTS - firstPTS) * timeBase }
        let frameDuration = fps.map { 1 / $0 } ?? 0
        let endTime = endPTS > Int64.min ? Double(endPTS) * timeBase - origin : (lastFrameTime ?? 0) + frameDuration
        blackDetector.finish(endTime: max(endTime, lastFrameTime ?? 0))
        freezeDetector.finish(endTime: max(endTime, lastFrameTime ?? 0))
        blackSegments = blackDetector.segments
        frozenSegments = freezeDetector.segments
        if decodedFrames == 0, pictureNotMeasured == nil { pictureNotMeasured = "not measured: no frame decoded" }
        if fps == nil, decodedFrames > 1, let span = durationSeconds, span > 0 { fps = Double(decodedFrames) / span }
    }

    /// The decoder's picture is the truth for size and pixel shape (the header may not carry the SAR).
    private mutating func readGeometry(_ frame: Frame, demuxer: Demuxer, track: VideoTrack) {
        guard frame.width > 0, frame.height > 0 else { return }
        storedWidth = Int(frame.width)
        storedHeight = Int(frame.height)
        let guessed = av_guess_sample_aspect_ratio(demuxer.context, track.stream, frame.pointer)
        var squareWidth = storedWidth
        if guessed.num > 0, guessed.den > 0, guessed.num != guessed.den {
            let width = max(2, Int((Double(storedWidth) * Double(guessed.num) / Double(guessed.den)).rounded()))
            squareWidth = width + (width & 1)
        }
        let quarterTurn = rotation == 90 || rotation == 270
        displayWidth = quarterTurn ? storedHeight : squareWidth
        displayHeight = quarterTurn ? squareWidth : storedHeight
    }

    /// Opens the video track from the header alone; reads stream info only when the header is not enough.
    private static func openVideoTrack(_ demuxer: Demuxer) throws(MediaError) -> VideoTrack {
        if demuxer.bestStream(AVMEDIA_TYPE_VIDEO) != nil, let track = try? VideoTrack(demuxer: demuxer),
            track.stream.pointee.codecpar.pointee.codec_id != AV_CODEC_ID_NONE
        {
            return track
        }
        try demuxer.findStreamInfo()
        return try VideoTrack(demuxer: demuxer)
    }

    /// Frame threads when the caller leaves the choice to us. FFmpeg's own pick (cores + 1) leaves
    /// cores idle while frames wait on their references; a few more frames in flight fill those
    /// waits (about 6 % less wall time on 2 cores, scripts/bench.sh), at a frame's memory each.
    static var automaticThreads: Int32 {
        Int32(min(8, 3 * ProcessInfo.processInfo.activeProcessorCount))
    }

    private static func frameRate(_ stream: UnsafeMutablePointer<AVStream>) -> Double? {
        for rate in [stream.pointee.avg_frame_rate, stream.pointee.r_frame_rate] where rate.num > 0 && rate.den > 0 {
            return Double(rate.num) / Double(rate.den)
        }
        return nil
    }

    /// The frame count the container promises: the MP4 sample table (when complete), else the
    /// stream's frame count field; nil when it promises nothing.
    private static func claimedFrames(demuxer: Demuxer, track: VideoTrack, path: String, formatName: String) -> Int? {
        if formatName.hasPrefix("mov,mp4"), IsoBoxLayout(demuxer: demuxer)?.fragmented != true,
            let counts = FrameCounts.fromIndex(demuxer: demuxer, track: track)
        {
            return counts.frameCount
        }
        let declared = Int(track.stream.pointee.nb_frames)
        return declared > 0 ? declared : nil
    }
}
