import CFFmpeg
import Foundation

/// Reads what a media file holds without decoding more than the stream parameters need.
public enum MediaProbe {
    /// Probes one file.
    /// - Throws: ``MediaError`` naming the file and why it cannot be read.
    public static func probe(path: String) throws -> MediaInfo {
        try probe(path: path, streamInfo: .whenHeadersFallShort)
    }

    /// When to call `avformat_find_stream_info`, which decodes frames.
    enum StreamInfoReading {
        /// Only when the headers do not describe the streams (see ``HeaderParameters``).
        case whenHeadersFallShort
        /// Always, as ffprobe does (tests compare the two).
        case always
    }

    static func probe(path: String, streamInfo: StreamInfoReading) throws -> MediaInfo {
        try probe(source: .file(path), streamInfo: streamInfo)
    }

    static func probe(source: MediaSource, streamInfo: StreamInfoReading = .whenHeadersFallShort) throws -> MediaInfo {
        let path = source.path
        let demuxer = try Demuxer(source: source)
        let layout = IsoBoxLayout(demuxer: demuxer)
        if streamInfo == .always || !HeaderParameters.complete(demuxer, fragmented: layout?.fragmented ?? false) {
            try demuxer.findStreamInfo()
        }
        let format = demuxer.context.pointee
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? nil
        var info = MediaInfo(
            path: path,
            sizeBytes: size ?? Int64(avio_size(format.pb)),
            container: containerName(demuxer: demuxer, path: path),
            durationSeconds: format.duration > 0 ? Double(format.duration) / Double(AV_TIME_BASE) : nil,
            bitRate: format.bit_rate > 0 ? format.bit_rate : nil,
            faststart: layout?.faststart,
            fragmented: layout?.fragmented,
            video: nil, audio: nil)
        if let audioIndex = demuxer.bestStream(AVMEDIA_TYPE_AUDIO) {
            info.audio = audioInfo(demuxer.stream(audioIndex))
        }
        if demuxer.bestStream(AVMEDIA_TYPE_VIDEO) != nil {
            let track = try VideoTrack(demuxer: demuxer)
            let fragmented = layout?.fragmented ?? false
            let counts = try FrameCounts.read(demuxer: demuxer, track: track, useIndex: !fragmented)
            info.video = videoInfo(track: track, counts: counts)
        }
        return info
    }

    static func videoInfo(track: VideoTrack, counts: FrameCounts) -> VideoStreamInfo {
        let parameters = track.stream.pointee.codecpar.pointee
        let stream = track.stream.pointee
        var rate = stream.avg_frame_rate
        if rate.num <= 0 || rate.den <= 0 { rate = stream.r_frame_rate }
        if (rate.num <= 0 || rate.den <= 0), counts.frameCount > 1, let span = counts.durationSeconds, span > 0 {
            av_reduce(&rate.num, &rate.den, Int64(min(1e15, Double(counts.frameCount) / span * 1000)), 1000, 1 << 30)
        }
        let pixelFormat = AVPixelFormat(rawValue: parameters.format)
        let descriptor = av_pix_fmt_desc_get(pixelFormat)
        var streamDuration: Double? = stream.duration > 0 ? track.seconds(stream.duration) : nil
        if let span = counts.durationSeconds { streamDuration = span }
        let display = Ratio(track.displayWidth, track.displayHeight).reduced
        var info = VideoStreamInfo(
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            profile: avcodec_profile_name(parameters.codec_id, parameters.profile).map { String(cString: $0) },
            width: track.storedWidth,
            height: track.storedHeight,
            displayWidth: track.displayWidth,
            displayHeight: track.displayHeight,
            sampleAspectRatio: track.sampleAspectRatio.description,
            displayAspectRatio: display.description,
            nearestAspectRatio: CommonAspectRatio.nearest(to: display.value),
            rotation: track.rotation,
            frameRate: "\(rate.num)/\(rate.den)",
            fps: rate.den > 0 ? (Double(rate.num) / Double(rate.den) * 1000).rounded() / 1000 : 0,
            frameCount: counts.frameCount,
            durationSeconds: streamDuration,
            pixelFormat: descriptor.map { String(cString: $0.pointee.name) },
            bitDepth: descriptor.map { Int($0.pointee.comp.0.depth) },
            colorRange: name(av_color_range_name(parameters.color_range), unless: parameters.color_range == AVCOL_RANGE_UNSPECIFIED),
            colorSpace: name(av_color_space_name(parameters.color_space), unless: parameters.color_space == AVCOL_SPC_UNSPECIFIED),
            colorPrimaries: name(av_color_primaries_name(parameters.color_primaries), unless: parameters.color_primaries == AVCOL_PRI_UNSPECIFIED),
            colorTransfer: name(av_color_transfer_name(parameters.color_trc), unless: parameters.color_trc == AVCOL_TRC_UNSPECIFIED),
            keyframeCount: counts.keyframeCount,
            maxKeyframeInterval: counts.maxKeyframeInterval,
            hasBFrames: parameters.video_delay > 0 || counts.reordered)
        let problems = Plausibility.problems(
            fps: info.fps > 0 ? info.fps : nil, storedWidth: info.width, storedHeight: info.height,
            displayWidth: info.displayWidth, displayHeight: info.displayHeight, frameCount: info.frameCount,
            durationSeconds: stream.duration > 0 ? track.seconds(stream.duration) : info.durationSeconds)
        if !problems.isEmpty { info.implausible = problems.map(\.message) }
        return info
    }

    static func audioInfo(_ stream: UnsafeMutablePointer<AVStream>) -> AudioStreamInfo {
        let parameters = stream.pointee.codecpar.pointee
        return AudioStreamInfo(
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            sampleRate: Int(parameters.sample_rate),
            channels: Int(parameters.ch_layout.nb_channels),
            durationSeconds: stream.pointee.duration > 0
                ? Double(stream.pointee.duration) * av_q2d(stream.pointee.time_base) : nil)
    }

    private static func name(_ pointer: UnsafePointer<CChar>?, unless unspecified: Bool) -> String? {
        guard !unspecified, let pointer else { return nil }
        return String(cString: pointer)
    }

    static func containerName(demuxer: Demuxer, path: String) -> String {
        let name = demuxer.formatName
        if name.hasPrefix("mov,mp4") {
            let brand = av_dict_get(demuxer.context.pointee.metadata, "major_brand", nil, 0)
                .map { String(cString: $0.pointee.value) }
            return brand?.hasPrefix("qt") == true ? "mov" : "mp4"
        }
        if name.hasPrefix("matroska") {
            let head = Data(demuxer.bytes(at: 0, count: 64) ?? [])
            return head.range(of: Data("webm".utf8)) != nil ? "webm" : "matroska"
        }
        return name.split(separator: ",").first.map(String.init) ?? name
    }
}

/// Frame and keyframe counts of the video stream: from the MP4 sample table when it is complete,
/// else by reading every packet (no decoding).
struct FrameCounts {
    var frameCount = 0
    var keyframeCount = 0
    var maxKeyframeInterval = 0
    /// Presented span (first pts to last pts + its duration), when packets were read.
    var durationSeconds: Double?
    var reordered = false

    static func read(demuxer: Demuxer, track: VideoTrack, useIndex: Bool) throws -> FrameCounts {
        if useIndex, let counts = fromIndex(demuxer: demuxer, track: track) { return counts }
        return try fromPackets(demuxer: demuxer, track: track)
    }

    /// The sample table lists every sample (decode order) with its keyframe flag.
    static func fromIndex(demuxer: Demuxer, track: VideoTrack) -> FrameCounts? {
        guard demuxer.formatName.hasPrefix("mov,mp4") else { return nil }
        let entries = demuxer.indexEntries(stream: track.index)
        let declared = Int(track.stream.pointee.nb_frames)
        guard !entries.isEmpty, declared == 0 || declared == entries.count else { return nil }
        var counts = FrameCounts()
        var run = 0
        for entry in entries where !entry.isDiscarded {
            if entry.isKeyframe {
                counts.keyframeCount += 1
                counts.maxKeyframeInterval = max(counts.maxKeyframeInterval, run)
                run = 0
            }
            run += 1
            counts.frameCount += 1
        }
        counts.maxKeyframeInterval = max(counts.maxKeyframeInterval, run)
        return counts
    }

    static func fromPackets(demuxer: Demuxer, track: VideoTrack) throws -> FrameCounts {
        var counts = FrameCounts()
        let packet = try Packet()
        var run = 0
        var firstPTS = Int64.max
        var endPTS = Int64.min
        var previousPTS = Int64.min
        while true {
            let more: Bool
            do { more = try demuxer.read(into: packet) } catch { break }  // a cut file: count what is there
            guard more else { break }
            guard Int(packet.streamIndex) == track.index, !packet.isDiscarded else { continue }
            if packet.isKeyframe {
                counts.keyframeCount += 1
                counts.maxKeyframeInterval = max(counts.maxKeyframeInterval, run)
                run = 0
            }
            run += 1
            counts.frameCount += 1
            let pts = packet.pts != cffmpeg_nopts_value ? packet.pts : packet.dts
            if pts != cffmpeg_nopts_value {
                if pts < previousPTS { counts.reordered = true }
                previousPTS = pts
                firstPTS = min(firstPTS, pts)
                endPTS = max(endPTS, pts + max(packet.duration, 0))
            }
        }
        counts.maxKeyframeInterval = max(counts.maxKeyframeInterval, run)
        if endPTS > firstPTS { counts.durationSeconds = track.seconds(endPTS - firstPTS) }
        return counts
    }
}

/// The order of an ISO BMFF file's top-level boxes, read from their 8/16-byte headers.
struct IsoBoxLayout {
    var faststart: Bool
    var fragmented: Bool

    init?(demuxer: Demuxer) {
        guard demuxer.formatName.hasPrefix("mov,mp4") else { return nil }
        var offset: UInt64 = 0
        var moov: Int?
        var mdat: Int?
        var fragmented = false
        for position in 0..<4096 {
            guard let bytes = demuxer.bytes(at: offset, count: 16), bytes.count >= 8 else { break }
            var size = UInt64(bytes[0]) << 24 | UInt64(bytes[1]) << 16 | UInt64(bytes[2]) << 8 | UInt64(bytes[3])
            let type = String(decoding: bytes[4..<8], as: UTF8.self)
            if size == 1, bytes.count >= 16 {
                size = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
            }
            switch type {
            case "moov": moov = moov ?? position
            case "mdat": mdat = mdat ?? position
            case "moof": fragmented = true
            default: break
            }
            if fragmented && moov != nil { break }
            if size == 0 || size < 8 { break }  // to the end of the file, or damaged
            let (next, overflow) = offset.addingReportingOverflow(size)
            if overflow { break }  // a damaged 64-bit size
            offset = next
        }
        guard moov != nil || mdat != nil else { return nil }
        self.fragmented = fragmented
        if let moov, let mdat {
            faststart = moov < mdat
        } else {
            faststart = fragmented  // a fragmented file's empty moov comes first
        }
    }
}
