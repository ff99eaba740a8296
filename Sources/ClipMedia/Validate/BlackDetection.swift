/// Thresholds for black stretches, with the meaning of ffmpeg's `blackdetect` options.
///
/// A picture is black when at least ``pictureThreshold`` of its luma samples are at or below
/// ``pixelThreshold`` of the luma range (16–235 for limited range, 0–255 for full range). A stretch
/// counts once it lasts ``minimumDuration`` seconds; the check fails when the stretches add up to
/// ``failTotal`` seconds, and warns below that.
public struct BlackDetection: Sendable, Codable, Hashable {
    /// `pix_th`: the darkest share of the luma range that counts as black (ffmpeg's default 0.10).
    public var pixelThreshold: Double
    /// `pic_th`: the share of black pixels that makes a black picture (ffmpeg's default 0.98).
    public var pictureThreshold: Double
    /// `d`: the shortest stretch reported, in seconds.
    public var minimumDuration: Double
    /// Total black seconds from which the check fails.
    public var failTotal: Double

    public init(
        pixelThreshold: Double = 0.10, pictureThreshold: Double = 0.98, minimumDuration: Double = 0.5,
        failTotal: Double = 1.0
    ) {
        self.pixelThreshold = pixelThreshold
        self.pictureThreshold = pictureThreshold
        self.minimumDuration = minimumDuration
        self.failTotal = failTotal
    }

    enum CodingKeys: String, CodingKey {
        case pixelThreshold = "pix_th"
        case pictureThreshold = "pic_th"
        case minimumDuration = "min_duration_s"
        case failTotal = "fail_total_s"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let defaults = BlackDetection()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pixelThreshold = try c.decodeIfPresent(Double.self, forKey: .pixelThreshold) ?? defaults.pixelThreshold
        pictureThreshold = try c.decodeIfPresent(Double.self, forKey: .pictureThreshold) ?? defaults.pictureThreshold
        minimumDuration = try c.decodeIfPresent(Double.self, forKey: .minimumDuration) ?? defaults.minimumDuration
        failTotal = try c.decodeIfPresent(Double.self, forKey: .failTotal) ?? defaults.failTotal
    }
}

/// Follows `blackdetect`'s state machine over the frames of one pass.
///
/// A stretch starts at the first black picture and ends at the first picture that is not black; at
/// the end of the stream it ends where the last picture stops being shown.
struct BlackDetector {
    let thresholds: BlackDetection
    private var start: Double?
    private(set) var segments: [TimeSegment] = []

    init(_ thresholds: BlackDetection) {
        self.thresholds = thresholds
    }

    /// The luma value at or below which a sample is black, as `blackdetect` computes it.
    static func pixelLimit(threshold: Double, fullRange: Bool, bitDepth: Int) -> Int {
        let factor = Double(1 << (bitDepth - 8))
        return fullRange
            ? Int(threshold * Double((1 << bitDepth) - 1))
            : Int(16 * factor + threshold * (235 - 16) * factor)
    }

    mutating func add(time: Double, blackRatio: Double) {
        if blackRatio >= thresholds.pictureThreshold {
            if start == nil { start = time }
        } else if let begun = start {
            close(begun, time)
            start = nil
        }
    }

    mutating func finish(endTime: Double) {
        if let begun = start { close(begun, endTime) }
        start = nil
    }

    private mutating func close(_ begun: Double, _ end: Double) {
        if end - begun >= thresholds.minimumDuration - 1e-9 { segments.append(TimeSegment(start: begun, end: end)) }
    }
}
