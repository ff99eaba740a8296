import CFFmpeg

/// The last frame of a clip in display order, as a picture.
public struct LastFrame: Sendable {
    public var image: RGBImage
    /// Presentation time of the frame, in seconds from the stream's start.
    public var ptsSeconds: Double
    /// The frame's position in display order (0-based), when known.
    public var frameIndex: Int?
    /// Things the caller should tell the user (a cut file, a guessed colour matrix).
    public var warnings: [String]
}

/// Extracts the exact last frame: the one a full decode of the file ends on.
///
/// Only the last GOP is read and decoded, frames nothing refers to are skipped, and packets after
/// the last frame in display order are never sent; exactly one frame is converted to RGB.
public enum LastFrameExtractor {
    /// - Parameters:
    ///   - width: scale the picture to this width, keeping the display aspect ratio.
    /// - Throws: ``MediaError`` when the file has no decodable frame.
    public static func extract(path: String, width: Int? = nil) throws -> LastFrame {
        try extract(source: .file(path), width: width)
    }

    static func extract(source: MediaSource, width: Int? = nil) throws -> LastFrame {
        let path = source.path
        if let width, width < 2 { throw MediaError(.invalidArgument, path: path, "width must be at least 2") }
        if let frame = try attempt(source: source, width: width, nearEnd: true) { return frame }
        // The quick plan found no decodable frame at the end (a cut or damaged tail): read it all.
        if let frame = try attempt(source: source, width: width, nearEnd: false) { return frame }
        throw MediaError(.noDecodableFrame, path: path, "no frame could be decoded")
    }

    private static func attempt(source: MediaSource, width: Int?, nearEnd: Bool) throws -> LastFrame? {
        let demuxer = try Demuxer(source: source)
        let track = try VideoTrack(demuxer: demuxer)
        let picker = try FramePicker(demuxer: demuxer, track: track)
        if nearEnd { picker.startNearEnd() }
        let renderer = FrameRenderer(track: track, width: width)
        var best: (pts: Int64, index: Int?, image: RGBImage)?
        var concealed = false
        if nearEnd {
            try picker.pick(times: [], includeLast: true) { picked, frame in
                best = (picked.pts, picked.displayIndex, try renderer.render(frame))
                concealed = frame.isDamaged
            }
        } else {
            // Fallback: decode everything and keep the latest frame that came out.
            let decoder = try Decoder(stream: track.stream)
            let packet = try Packet()
            var latest: (pts: Int64, frame: Frame)?
            var count = 0
            let keep: (Frame) throws -> Void = { frame in
                count += 1
                if latest == nil || frame.bestEffortTimestamp >= latest!.pts {
                    latest = (frame.bestEffortTimestamp, try frame.reference())
                    concealed = frame.isDamaged
                }
            }
            while (try? demuxer.read(into: packet)) == true {
                guard Int(packet.streamIndex) == track.index else { continue }
                try decoder.decode(packet, into: keep)
            }
            try decoder.flush(into: keep)
            if let latest { best = (latest.pts, count - 1, try renderer.render(latest.frame)) }
        }
        guard let best else { return nil }
        var warnings: [String] = []
        if concealed {
            warnings.append("the decoder concealed damage in this frame; it may show artefacts (check the file with `clipkit check`)")
        } else if picker.loggedErrors > 0 && nearEnd {
            warnings.append("the decoder reported \(picker.loggedErrors) error\(picker.loggedErrors == 1 ? "" : "s") on the way to this frame; it may show artefacts")
        }
        if picker.readError != nil || picker.decodeErrors > 0 || !nearEnd {
            warnings.append("the file is damaged or cut short; this is the last frame that decodes")
        }
        if renderer.guessedColor {
            warnings.append("the stream has no colour tags; assumed \(track.storedHeight >= 720 ? "BT.709" : "BT.601") limited range")
        }
        let start = track.stream.pointee.start_time
        let origin = start == cffmpeg_nopts_value ? 0 : start
        return LastFrame(
            image: best.image, ptsSeconds: track.seconds(best.pts - origin), frameIndex: best.index, warnings: warnings)
    }
}
