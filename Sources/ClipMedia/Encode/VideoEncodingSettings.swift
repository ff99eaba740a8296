/// How ``ClipWriter`` encodes a clip. The defaults make an H.264 MP4 at 24 fps with `moov` first,
/// tagged BT.709 limited range, the way generators deliver clips.
public struct VideoEncodingSettings: Sendable, Hashable {
    public enum Codec: String, Sendable, Hashable, Codable, CaseIterable {
        case h264, hevc, vp9, mpeg4
    }

    /// Where the MP4 index goes.
    public enum Layout: String, Sendable, Hashable, Codable {
        /// `moov` before `mdat`: players and probes start at once.
        case fastStart
        /// `moov` after `mdat`, as a muxer writes when not asked to move it.
        case moovAtEnd
        /// Fragmented MP4 (`moof`/`mdat` pairs after an empty `moov`).
        case fragmented
    }

    public var width: Int
    public var height: Int
    /// Frames per second for ``ClipWriter/append(_:)`` without explicit timestamps.
    public var frameRate: Int
    /// Ticks per second of explicit timestamps (``ClipWriter/append(_:pts:)``); defaults to ``frameRate``.
    public var timeScale: Int
    public var codec: Codec
    /// Constant rate factor (lower is better quality); 18–23 is typical.
    public var crf: Int
    /// Encoder speed preset (x264/x265 names; VP9 maps it to `cpu-used`).
    public var preset: String
    /// B-frames between references; nil keeps the encoder's default (3 for x264).
    public var bFrames: Int?
    /// Frames between keyframes; nil keeps the encoder's default (250 for x264: one keyframe per AI clip).
    public var keyframeInterval: Int?
    /// 10-bit 4:2:0 instead of 8-bit.
    public var tenBit: Bool
    /// Non-square pixels, as (numerator, denominator); nil for square.
    public var sampleAspectRatio: Ratio?
    /// Clockwise degrees a player must turn the stored picture (written as a display matrix).
    public var rotation: Int
    public var layout: Layout
    /// Adds a stereo AAC sine tone as long as the video (MP4/MOV/MKV only).
    public var audio: Bool

    public init(width: Int, height: Int, frameRate: Int = 24) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.timeScale = frameRate
        self.codec = .h264
        self.crf = 20
        self.preset = "veryfast"
        self.bFrames = nil
        self.keyframeInterval = nil
        self.tenBit = false
        self.sampleAspectRatio = nil
        self.rotation = 0
        self.layout = .fastStart
        self.audio = false
    }
}

/// A ratio of two integers, such as a frame rate (24000/1001) or an aspect ratio (16:9).
public struct Ratio: Sendable, Hashable, Codable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var value: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    /// The same ratio in lowest terms.
    public var reduced: Ratio {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
        let divisor = gcd(numerator, denominator)
        return divisor == 0 ? self : Ratio(numerator / divisor, denominator / divisor)
    }

    public var description: String { "\(numerator):\(denominator)" }

    /// Parses "16:9", "16/9" or a decimal such as "1.7778".
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "/" || $0 == "x" })
        if parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), n > 0, d > 0 {
            self.init(n, d)
        } else if parts.count == 1, let value = Double(text), value > 0 {
            self.init(Int((value * 10000).rounded()), 10000)
            self = reduced
        } else {
            return nil
        }
    }
}
