import CFFmpeg

/// How good a picture is as a poster, measured on its luma alone: brightness, spread and sharpness.
///
/// Measured on a decoded frame's luma plane (every second pixel of every second row, no RGB
/// conversion), or on an ``RGBImage`` for tests and callers that already hold pictures.
public struct FrameQuality: Sendable, Hashable {
    /// Mean luma, 0 (black) ... 255 (white), in full range whatever the stream's range.
    public var meanLuma: Double
    /// Brightness spread: the 95th minus the 5th percentile of luma, 0 ... 255.
    public var spread: Double
    /// Mean absolute Laplacian of luma: edges and texture; a blurred picture scores low.
    public var sharpness: Double
    /// A 16-bin luma histogram, normalised to sum 1, for comparing pictures with each other.
    public var histogram: [Double]

    /// The picture is (nearly) black: dark on average and with hardly any spread.
    public var isBlack: Bool { meanLuma < 24 && spread < 24 || meanLuma < 12 }
    /// The picture is one flat tone (a fade, a blank card).
    public var isFlat: Bool { spread < 10 }

    /// A score that is higher for a bright, varied, sharp picture; 0 for a black one.
    public var score: Double {
        if isBlack { return 0 }
        // Penalise pictures that are very dark or blown out, keep the middle flat.
        let exposure = max(0.15, 1 - pow(abs(meanLuma - 128) / 128, 3))
        // Sharpness relative to contrast: a blurred picture has spread but few edges.
        let edges = min(1, sharpness / 12)
        return (0.25 + spread / 255) * (0.15 + edges) * exposure
    }

    /// Measures an RGB picture (BT.709 luma weights).
    public init(image: RGBImage) {
        var luma = [UInt8](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { rgb in
            for i in 0..<luma.count {
                let y = 0.2126 * Double(rgb[3 * i]) + 0.7152 * Double(rgb[3 * i + 1]) + 0.0722 * Double(rgb[3 * i + 2])
                luma[i] = UInt8(min(255, y.rounded()))
            }
        }
        self = luma.withUnsafeBufferPointer {
            FrameQuality(plane: $0.baseAddress!, width: image.width, height: image.height, stride: image.width, step: 1)
        }
    }

    /// Measures a decoded frame's luma plane (8-bit or deeper, limited or full range).
    init?(frame: Frame) {
        guard let plane = frame.plane(0), let descriptor = av_pix_fmt_desc_get(frame.pixelFormat) else { return nil }
        let flags = Int32(descriptor.pointee.flags)
        // Packed RGB or paletted frames have no luma plane to read.
        guard flags & Int32(AV_PIX_FMT_FLAG_RGB) == 0, flags & Int32(AV_PIX_FMT_FLAG_PAL) == 0,
            descriptor.pointee.nb_components >= 1
        else { return nil }
        let depth = Int(descriptor.pointee.comp.0.depth)
        let width = Int(frame.width)
        let height = Int(frame.height)
        let step = width >= 640 ? 2 : 1
        let fullRange = ColorInterpretation(frame: frame).fullRange
        if depth <= 8 {
            self.init(plane: plane.base, width: width, height: height, stride: plane.stride, step: step)
        } else {
            // Deeper samples: keep the top 8 bits.
            var luma = [UInt8](repeating: 0, count: width * height)
            let shift = depth - 8
            for y in Swift.stride(from: 0, to: height, by: step) {
                let row = UnsafeRawPointer(plane.base + y * plane.stride).assumingMemoryBound(to: UInt16.self)
                for x in Swift.stride(from: 0, to: width, by: step) {
                    luma[y * width + x] = UInt8(min(255, Int(row[x]) >> shift))
                }
            }
            self = luma.withUnsafeBufferPointer {
                FrameQuality(plane: $0.baseAddress!, width: width, height: height, stride: width, step: step)
            }
        }
        if !fullRange { normaliseLimitedRange() }
    }

    /// Reads every `step`-th sample of every `step`-th row.
    init(plane: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int, step: Int) {
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        var laplacian = 0
        var laplacianCount = 0
        let rowStep = stride * step
        for y in Swift.stride(from: 0, to: height, by: step) {
            let row = plane + y * stride
            let hasNeighbours = y >= step && y + step < height
            for x in Swift.stride(from: 0, to: width, by: step) {
                let value = Int(row[x])
                counts[value] += 1
                total += 1
                if hasNeighbours && x >= step && x + step < width {
                    let sum = Int(row[x - step]) + Int(row[x + step]) + Int(row[x - rowStep]) + Int(row[x + rowStep])
                    laplacian += abs(4 * value - sum)
                    laplacianCount += 1
                }
            }
        }
        var mean = 0.0
        var histogram = [Double](repeating: 0, count: 16)
        var low: Int?
        var high = 255
        var seen = 0
        for value in 0..<256 where counts[value] > 0 {
            mean += Double(value * counts[value])
            histogram[value >> 4] += Double(counts[value])
            seen += counts[value]
            if low == nil && Double(seen) >= 0.05 * Double(total) { low = value }
            if Double(seen) >= 0.95 * Double(total) {
                high = value
                break
            }
        }
        // Finish the mean and histogram past the 95th percentile.
        if high < 255 {
            for value in (high + 1)..<256 where counts[value] > 0 {
                mean += Double(value * counts[value])
                histogram[value >> 4] += Double(counts[value])
            }
        }
        let n = Double(max(1, total))
        meanLuma = mean / n
        spread = Double(high - (low ?? high))
        sharpness = laplacianCount > 0 ? Double(laplacian) / Double(laplacianCount) / Double(step) : 0
        self.histogram = histogram.map { $0 / n }
    }

    /// Stretches limited-range (16–235) measurements to full range.
    private mutating func normaliseLimitedRange() {
        let gain = 255.0 / 219.0
        meanLuma = max(0, min(255, (meanLuma - 16) * gain))
        spread *= gain
        sharpness *= gain
    }

    /// How far two pictures' luma distributions are apart (half the L1 distance: 0 same ... 1 disjoint).
    public func histogramDistance(to other: [Double]) -> Double {
        zip(histogram, other).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
