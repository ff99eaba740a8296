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

/// Sums pixel values of 8-bit 4:2:0 frames, every `step`-th row and column, into ``ColorStatistics``.
struct ColorStatisticsAccumulator {
    let step: Int
    private var sums = [Double](repeating: 0, count: 3)
    private var squares = [Double](repeating: 0, count: 3)
    private var counts = [Double](repeating: 0, count: 3)
    private(set) var frames = 0

    init(step: Int = 2) { self.step = max(1, step) }

    mutating func add(_ frame: Frame) {
        frames += 1
        frame.forEachPlane420 { index, base, stride, width, height in
            var sum: UInt64 = 0
            var square: UInt64 = 0
            var count: UInt64 = 0
            var y = 0
            while y < height {
                let row = base + y * stride
                var rowSum: UInt64 = 0
                var rowSquare: UInt64 = 0
                var x = 0
                while x < width {
                    let value = UInt64(row[x])
                    rowSum += value
                    rowSquare += value * value
                    x += step
                }
                sum += rowSum
                square += rowSquare
                count += UInt64((width + step - 1) / step)
                y += step
            }
            sums[index] += Double(sum)
            squares[index] += Double(square)
            counts[index] += Double(count)
        }
    }

    var statistics: ColorStatistics? {
        guard frames > 0 else { return nil }
        let channels = (0..<3).map { i -> ChannelStatistics in
            let n = max(1, counts[i])
            let mean = sums[i] / n
            return ChannelStatistics(mean: mean, standardDeviation: max(0, squares[i] / n - mean * mean).squareRoot())
        }
        return ColorStatistics(y: channels[0], u: channels[1], v: channels[2], frames: frames)
    }
}
