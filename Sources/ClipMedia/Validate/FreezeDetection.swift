import Foundation

/// Thresholds for frozen stretches, with the meaning of ffmpeg's `freezedetect` options.
///
/// Each picture is compared with the first picture of the current stretch: it is frozen when the mean
/// absolute difference of all its planes, as a share of the sample range, is at most ``noise``.
/// A stretch counts once it lasts ``minimumDuration`` seconds; the check fails when the stretches add
/// up to ``failTotal`` seconds, and warns below that.
public struct FreezeDetection: Sendable, Codable, Hashable {
    /// `n`: the largest mean difference that still counts as the same picture (0.001 = -60 dB).
    public var noise: Double
    /// `d`: the shortest stretch reported, in seconds.
    public var minimumDuration: Double
    /// Total frozen seconds from which the check fails.
    public var failTotal: Double

    public init(noise: Double = 0.001, minimumDuration: Double = 0.5, failTotal: Double = 1.0) {
        self.noise = noise
        self.minimumDuration = minimumDuration
        self.failTotal = failTotal
    }

    /// Reads a noise level as ffmpeg does: a ratio ("0.001") or decibels ("-60dB").
    public static func noise(parsing text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasSuffix("db"), let decibels = Double(trimmed.dropLast(2)) {
            return pow(10, decibels / 20)
        }
        return Double(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    enum CodingKeys: String, CodingKey {
        case noise
        case minimumDuration = "min_duration_s"
        case failTotal = "fail_total_s"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let defaults = FreezeDetection()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? c.decodeIfPresent(String.self, forKey: .noise) {
            guard let value = FreezeDetection.noise(parsing: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .noise, in: c, debugDescription: "'\(text)' is not a noise level such as 0.001 or -60dB")
            }
            noise = value
        } else {
            noise = try c.decodeIfPresent(Double.self, forKey: .noise) ?? defaults.noise
        }
        minimumDuration = try c.decodeIfPresent(Double.self, forKey: .minimumDuration) ?? defaults.minimumDuration
        failTotal = try c.decodeIfPresent(Double.self, forKey: .failTotal) ?? defaults.failTotal
    }
}

/// Follows `freezedetect`'s state machine over the frames of one pass.
///
/// The reference is the last picture that was not frozen. A stretch runs from the reference to the
/// first picture that differs from it, and counts when that span reaches the minimum; at the end of
/// the stream it counts when the last frozen picture is far enough from the reference, and ends where
/// the last picture stops being shown.
struct FreezeDetector {
    let thresholds: FreezeDetection
    private var referenceTime: Double?
    private var lastFrozenTime: Double?
    private(set) var segments: [TimeSegment] = []

    init(_ thresholds: FreezeDetection) {
        self.thresholds = thresholds
    }

    /// Whether the next picture must be compared with the reference (there is one).
    var hasReference: Bool { referenceTime != nil }

    /// Adds a picture; `difference` is its mean absolute difference from the reference (nil for the first).
    /// - Returns: true when this picture becomes the new reference (it was not frozen).
    mutating func add(time: Double, difference: Double?) -> Bool {
        guard let reference = referenceTime, let difference else {
            referenceTime = time
            return true
        }
        if difference <= thresholds.noise {
            lastFrozenTime = time
            return false
        }
        // A picture shown for the minimum or longer is a freeze too (a gap in variable-rate video).
        if qualifies(time - reference) {
            segments.append(TimeSegment(start: reference, end: time))
        }
        referenceTime = time
        lastFrozenTime = nil
        return true
    }

    mutating func finish(endTime: Double) {
        if let reference = referenceTime, let last = lastFrozenTime, qualifies(last - reference) {
            segments.append(TimeSegment(start: reference, end: endTime))
        }
        lastFrozenTime = nil
    }

    /// `freezedetect` compares whole microseconds.
    private func qualifies(_ span: Double) -> Bool {
        (span * 1_000_000).rounded() >= (thresholds.minimumDuration * 1_000_000).rounded()
    }
}
