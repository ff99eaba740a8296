/// Moves a picture's per-channel mean and standard deviation onto a reference's (Reinhard-style
/// statistics transfer, in YUV on decoded frames), through one 256-entry table per plane.
struct ColorTransfer {
    private let tables: [[UInt8]]

    /// - Parameters:
    ///   - source: the statistics of the clip being corrected.
    ///   - target: the statistics to reach (the first clip's).
    ///   - fullRange: full-range (0–255) frames; otherwise values stay in 16–235 (Y) and 16–240 (U, V).
    init(from source: ColorStatistics, to target: ColorStatistics, fullRange: Bool) {
        tables = (0..<3).map { plane in
            let s = source.channels[plane]
            let t = target.channels[plane]
            // A flat source channel has no contrast to stretch: move its mean only.
            let gain = s.standardDeviation > 0.5 ? min(4, max(0.25, t.standardDeviation / s.standardDeviation)) : 1
            let low = fullRange ? 0.0 : 16.0
            let high = fullRange ? 255.0 : (plane == 0 ? 235.0 : 240.0)
            return (0..<256).map { value in
                let mapped = (Double(value) - s.mean) * gain + t.mean
                return UInt8(min(high, max(low, mapped)).rounded())
            }
        }
    }

    private init(tables: [[UInt8]]) { self.tables = tables }

    /// The correction `fraction` of the way from `start` to `end` (0: `start`, 1: `end`), table by table.
    init(interpolating start: ColorTransfer, _ end: ColorTransfer, fraction: Double) {
        let t = min(1, max(0, fraction))
        tables = (0..<3).map { plane in
            (0..<256).map { value in
                UInt8((Double(start.tables[plane][value]) * (1 - t) + Double(end.tables[plane][value]) * t).rounded())
            }
        }
    }

    /// The corrected value of one 8-bit sample of plane 0 (Y), 1 (U) or 2 (V).
    func map(_ value: UInt8, plane: Int) -> UInt8 { tables[plane][Int(value)] }

    /// Rewrites the planes of an 8-bit 4:2:0 frame in place (make it writable first).
    func apply(to frame: Frame) {
        frame.forEachPlane420 { index, base, stride, width, height in
            tables[index].withUnsafeBufferPointer { table in
                for y in 0..<height {
                    let row = base + y * stride
                    for x in 0..<width { row[x] = table[Int(row[x])] }
                }
            }
        }
    }
}
