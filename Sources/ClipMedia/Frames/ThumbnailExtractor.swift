import CFFmpeg
import Foundation

/// Which moments of a clip to take thumbnails of.
public enum ThumbnailTimes: Sendable, Hashable {
    /// `n` evenly spaced: the middle of each of `n` equal parts of the clip.
    case count(Int)
    /// At these times, in seconds from the start.
    case at([Double])
    /// Every `interval` seconds, starting at 0.
    case every(Double)

    /// The times in seconds for a clip of `duration` seconds.
    public func seconds(duration: Double) -> [Double] {
        switch self {
        case .count(let n):
            guard n > 0 else { return [] }
            return (0..<n).map { duration * (Double($0) + 0.5) / Double(n) }
        case .at(let times):
            return times
        case .every(let interval):
            guard interval > 0, duration > 0 else { return [0] }
            return stride(from: 0, to: duration, by: interval).map { $0 }
        }
    }
}

/// One thumbnail picture and where in the clip it comes from.
public struct ThumbnailFrame: Sendable {
    /// The time that was asked for, in seconds.
    public var requestedSeconds: Double
    /// The presentation time of the frame shown at that moment.
    public var ptsSeconds: Double
    public var frameIndex: Int?
    public var image: RGBImage
}

/// A thumbnail written to disk.
public struct Thumbnail: Sendable, Codable, Hashable {
    public var path: String
    public var requestedSeconds: Double
    public var ptsSeconds: Double
    public var frameIndex: Int?
    public var width: Int
    public var height: Int

    enum CodingKeys: String, CodingKey {
        case path, width, height
        case requestedSeconds = "requested_s"
        case ptsSeconds = "pts_s"
        case frameIndex = "frame_index"
    }
}

/// Extracts thumbnails in one decoding pass: each GOP is read once, and only the GOPs (and within
/// them only the reference frames) that lead to a requested frame are decoded.
public enum ThumbnailExtractor {
    /// Decodes the frames shown at `times` and hands them over in time order.
    /// - Parameters:
    ///   - width: scale to this width, keeping the display aspect ratio.
    ///   - fast: take the keyframe at or before each time instead of the exact frame (decodes keyframes only;
    ///     a clip with one keyframe then gives its first frame for every time).
    ///   - progress: called with (frames found, frames asked for) as the decoding pass finds each one.
    public static func frames(
        path: String, times: ThumbnailTimes, width: Int? = nil, fast: Bool = false,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [ThumbnailFrame] {
        let demuxer = try Demuxer(path: path)
        let track = try VideoTrack(demuxer: demuxer)
        let duration = clipDuration(demuxer: demuxer, track: track)
        let seconds = times.seconds(duration: duration)
        guard !seconds.isEmpty else { throw MediaError(.invalidArgument, path: path, "no thumbnail times") }
        if let bad = seconds.first(where: { $0 < 0 || !$0.isFinite }) {
            throw MediaError(.invalidArgument, path: path, "thumbnail time \(bad) is not a time in the clip")
        }
        let start = track.stream.pointee.start_time == cffmpeg_nopts_value ? 0 : track.stream.pointee.start_time
        let ticks = seconds.map { start &+ track.timestamp($0) }
        let picker = try FramePicker(demuxer: demuxer, track: track, mode: fast ? .keyframesOnly : .exact)
        let renderer = FrameRenderer(track: track, width: width, fast: false)
        var results = [ThumbnailFrame?](repeating: nil, count: seconds.count)
        var done = 0
        try picker.pick(times: ticks, includeLast: false) { picked, frame in
            let image = try renderer.render(frame)
            for request in picked.requests where request < seconds.count {
                results[request] = ThumbnailFrame(
                    requestedSeconds: seconds[request], ptsSeconds: track.seconds(picked.pts - start),
                    frameIndex: picked.displayIndex, image: image)
                done += 1
            }
            progress?(done, seconds.count)
        }
        let found = results.compactMap { $0 }
        guard !found.isEmpty else { throw MediaError(.noDecodableFrame, path: path, "no frame could be decoded") }
        return found
    }

    /// Writes thumbnails into `directory` as `thumb-0001.jpg`, ... (created if needed); `progress` as for
    /// ``frames(path:times:width:fast:progress:)``.
    public static func write(
        path: String, to directory: String, times: ThumbnailTimes, width: Int? = nil,
        format: ImageFormat = .jpeg, quality: Int = 85, fast: Bool = false,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [Thumbnail] {
        let pictures = try frames(path: path, times: times, width: width, fast: fast, progress: progress)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MediaError(.ioFailure, path: directory, "cannot create the output directory")
        }
        var encoder: ImageEncoder?
        var written: [Thumbnail] = []
        for (number, picture) in pictures.enumerated() {
            if encoder == nil {
                encoder = try ImageEncoder(
                    format: format, width: Int32(picture.image.width), height: Int32(picture.image.height),
                    quality: quality)
            }
            let name = String(format: "thumb-%04d.%@", number + 1, format.fileExtension)
            let output = (directory as NSString).appendingPathComponent(name)
            try AtomicFile.write(try encoder!.encode(picture.image), to: output)
            written.append(
                Thumbnail(
                    path: output, requestedSeconds: picture.requestedSeconds, ptsSeconds: picture.ptsSeconds,
                    frameIndex: picture.frameIndex, width: picture.image.width, height: picture.image.height))
            if encoder?.isExhausted == true { encoder = nil }
        }
        return written
    }

    /// The video's presented duration in seconds, from the stream or the container header.
    static func clipDuration(demuxer: Demuxer, track: VideoTrack) -> Double {
        if track.stream.pointee.duration > 0 { return track.seconds(track.stream.pointee.duration) }
        let container = demuxer.context.pointee.duration
        return container > 0 ? Double(container) / Double(AV_TIME_BASE) : 0
    }
}
