/// What ``MediaProbe`` learns about a file: container, video and audio, as plain values.
///
/// Encoded as JSON with the snake_case keys `clipkit probe --json` documents.
public struct MediaInfo: Sendable, Codable, Hashable {
    public var path: String
    public var sizeBytes: Int64
    /// Short container name: "mp4", "mov", "webm", "matroska", ...
    public var container: String
    /// The container's duration in seconds.
    public var durationSeconds: Double?
    /// Overall bit rate in bits per second.
    public var bitRate: Int64?
    /// For MP4/MOV: whether `moov` precedes `mdat` (playback can start before the download ends).
    public var faststart: Bool?
    /// For MP4/MOV: whether the file is fragmented (`moof` boxes).
    public var fragmented: Bool?
    public var video: VideoStreamInfo?
    public var audio: AudioStreamInfo?

    enum CodingKeys: String, CodingKey {
        case path, container, faststart, fragmented, video, audio
        case sizeBytes = "size_bytes"
        case durationSeconds = "duration_s"
        case bitRate = "bit_rate"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(self.container, forKey: .container)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(bitRate, forKey: .bitRate)
        try container.encode(faststart, forKey: .faststart)
        try container.encode(fragmented, forKey: .fragmented)
        try container.encode(video, forKey: .video)
        try container.encode(audio, forKey: .audio)
    }
}

public struct VideoStreamInfo: Sendable, Codable, Hashable {
    public var codec: String
    public var profile: String?
    /// Stored (coded) picture size.
    public var width: Int
    public var height: Int
    /// Size as displayed: non-square pixels resampled to square, then the rotation applied.
    public var displayWidth: Int
    public var displayHeight: Int
    /// Pixel shape, reduced, e.g. "1:1" or "4:3".
    public var sampleAspectRatio: String
    /// Display shape, reduced exactly, e.g. "16:9" or "85:47" (1360x752).
    public var displayAspectRatio: String
    /// The common ratio nearest the display shape ("16:9", "4:3", "1:1", "9:16", "21:9", ...).
    public var nearestAspectRatio: String
    /// Clockwise degrees a player turns the stored picture (0, 90, 180 or 270), from the display matrix.
    public var rotation: Int
    /// Frame rate as a ratio, e.g. "24/1" or "30000/1001".
    public var frameRate: String
    public var fps: Double
    /// Exact number of frames presented (from the MP4 sample table, else counted from packets).
    public var frameCount: Int
    /// Presented span of the video stream in seconds.
    public var durationSeconds: Double?
    public var pixelFormat: String?
    public var bitDepth: Int?
    public var colorRange: String?
    public var colorSpace: String?
    public var colorPrimaries: String?
    public var colorTransfer: String?
    public var keyframeCount: Int
    /// The longest run of frames from one keyframe to the next (or to the end).
    public var maxKeyframeInterval: Int
    /// Whether frames are reordered (B-frames): decode order differs from display order.
    public var hasBFrames: Bool
    /// Values that cannot be right (a damaged header): frame rate, size, display shape, duration.
    /// Absent when there are none.
    public var implausible: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case codec, profile, width, height, rotation, fps
        case displayWidth = "display_width"
        case displayHeight = "display_height"
        case sampleAspectRatio = "sample_aspect_ratio"
        case displayAspectRatio = "display_aspect_ratio"
        case nearestAspectRatio = "nearest_aspect_ratio"
        case frameRate = "frame_rate"
        case frameCount = "frame_count"
        case durationSeconds = "duration_s"
        case pixelFormat = "pix_fmt"
        case bitDepth = "bit_depth"
        case colorRange = "color_range"
        case colorSpace = "color_space"
        case colorPrimaries = "color_primaries"
        case colorTransfer = "color_transfer"
        case keyframeCount = "keyframe_count"
        case maxKeyframeInterval = "max_keyframe_interval"
        case hasBFrames = "has_b_frames"
        case implausible
    }

    /// Display width over display height.
    public var displayAspect: Double { Double(displayWidth) / Double(max(1, displayHeight)) }
}

public struct AudioStreamInfo: Sendable, Codable, Hashable {
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    public var durationSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case codec, channels
        case sampleRate = "sample_rate"
        case durationSeconds = "duration_s"
    }
}

/// The aspect ratios generators are asked for, used to name a measured shape.
public enum CommonAspectRatio {
    public static let all: [(name: String, value: Double)] = [
        ("16:9", 16.0 / 9), ("9:16", 9.0 / 16), ("1:1", 1), ("4:3", 4.0 / 3), ("3:4", 3.0 / 4),
        ("21:9", 21.0 / 9), ("9:21", 9.0 / 21), ("3:2", 1.5), ("2:3", 2.0 / 3),
    ]

    /// The common ratio closest to `value` (compared on a log scale, so 16:9 and 9:16 are symmetric).
    public static func nearest(to value: Double) -> String {
        all.min { abs(log($0.value / value)) < abs(log($1.value / value)) }!.name
    }
}

#if canImport(Glibc)
    import Glibc
#endif
