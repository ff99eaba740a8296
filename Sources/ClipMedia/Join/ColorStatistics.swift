import Foundation

/// Mean and standard deviation of one channel, in 8-bit code values.
public struct ChannelStatistics: Sendable, Codable, Hashable {
    public var mean: Double
    public var standardDeviation: Double

    public init(mean: Double, standardDeviation: Double) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }
}

/// Colour statistics of a stretch of video on its Y, U and V planes (8-bit code values).
///
/// The std of Y is the contrast; U and V means away from 128 are a tint; their std is the saturation.
public struct ColorStatistics: Sendable, Codable, Hashable {
    public var y: ChannelStatistics
    public var u: ChannelStatistics
    public var v: ChannelStatistics
    /// Frames that contributed.
    public var frames: Int

    public init(y: ChannelStatistics, u: ChannelStatistics, v: ChannelStatistics, frames: Int) {
        self.y = y
        self.u = u
        self.v = v
        self.frames = frames
    }

    var channels: [ChannelStatistics] { [y, u, v] }
}

/// Counts pixel values of 8-bit 4:2:0 frames, every `step`-th row and column, into one histogram per
/// plane, from which come ``ColorStatistics``: of the frames as they are, or as a per-value correction
/// (``ColorTransfer``) would leave them, without decoding them again.
struct ColorStatisticsAccumulator {
    let step: Int
    private var histograms = [[UInt64]](repeating: [UInt64](repeating: 0, count: 256), count: 3)
    private(set) var frames = 0

    init(step: Int = 2) { self.step = max(1, step) }

    mutating func add(_ frame: Frame) {
        frames += 1
        let step = self.step
        frame.forEachPlane420 { index, base, stride, width, height in
            histograms[index].withUnsafeMutableBufferPointer { counts in
                var y = 0
                while y < height {
                    let row = base + y * stride
                    var x = 0
                    while x < width {
                        counts[Int(row[x])] &+= 1
                        x += step
                    }
                    y += step
                }
            }
        }
    }

    var statistics: ColorStatistics? { statistics(correctedBy: nil) }

    /// Adds another accumulator's counts (same `step`).
    mutating func merge(_ other: ColorStatisticsAccumulator) {
        frames += other.frames
        for plane in 0..<3 {
            for value in 0..<256 { histograms[plane][value] &+= other.histograms[plane][value] }
        }
    }

    /// Per plane: the count, sum and sum of squares of the samples with `transfer` applied, to combine
    /// frames corrected by different transfers (``ColorCorrection``'s ramp).
    func moments(correctedBy transfer: ColorTransfer?) -> [(n: Double, sum: Double, squares: Double)] {
        (0..<3).map { plane in
            var n = 0.0, sum = 0.0, squares = 0.0
            for value in 0..<256 where histograms[plane][value] > 0 {
                let count = Double(histograms[plane][value])
                let v = Double(transfer.map { $0.map(UInt8(value), plane: plane) } ?? UInt8(value))
                n += count
                sum += count * v
                squares += count * v * v
            }
            return (n, sum, squares)
        }
    }

    /// Statistics from summed ``moments(correctedBy:)``.
    static func statistics(moments: [(n: Double, sum: Double, squares: Double)], frames: Int) -> ColorStatistics? {
        guard frames > 0, moments.count == 3 else { return nil }
        let channels = moments.map { m -> ChannelStatistics in
            let mean = m.sum / max(1, m.n)
            return ChannelStatistics(mean: mean, standardDeviation: max(0, m.squares / max(1, m.n) - mean * mean).squareRoot())
        }
        return ColorStatistics(y: channels[0], u: channels[1], v: channels[2], frames: frames)
    }

    /// The statistics of the frames with `transfer` applied to every sample (nil: as they are).
    func statistics(correctedBy transfer: ColorTransfer?) -> ColorStatistics? {
        Self.statistics(moments: moments(correctedBy: transfer), frames: frames)
    }
}
