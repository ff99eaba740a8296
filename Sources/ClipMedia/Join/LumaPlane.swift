/// A copy of a frame's luma (Y) plane, 8-bit, and the distances between two of them.
public struct LumaPlane: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public let samples: [UInt8]

    public init(width: Int, height: Int, samples: [UInt8]) {
        precondition(width > 0 && height > 0 && samples.count == width * height, "luma size mismatch")
        self.width = width
        self.height = height
        self.samples = samples
    }

    init(_ frame: Frame) {
        let w = Int(frame.width)
        let h = Int(frame.height)
        var samples = [UInt8](repeating: 0, count: w * h)
        if let plane = frame.plane(0) {
            samples.withUnsafeMutableBufferPointer { out in
                for y in 0..<h { (out.baseAddress! + y * w).update(from: plane.base + y * plane.stride, count: w) }
            }
        }
        self.init(width: w, height: h, samples: samples)
    }

    /// The plane with `transfer`'s luma correction applied to every sample.
    func corrected(by transfer: ColorTransfer?) -> LumaPlane {
        guard let transfer else { return self }
        return LumaPlane(width: width, height: height, samples: samples.map { transfer.map($0, plane: 0) })
    }

    public var mean: Double {
        Double(samples.reduce(0) { $0 + UInt64($1) }) / Double(samples.count)
    }

    /// Peak signal-to-noise ratio in dB against `other`; 100 for identical planes.
    public func psnr(to other: LumaPlane) -> Double {
        precondition(other.width == width && other.height == height, "PSNR needs planes of one size")
        var sum: UInt64 = 0
        samples.withUnsafeBufferPointer { a in
            other.samples.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    let d = Int(a[i]) - Int(b[i])
                    sum += UInt64(d * d)
                }
            }
        }
        guard sum > 0 else { return 100 }
        let mse = Double(sum) / Double(samples.count)
        return min(100, 10 * log10(255 * 255 / mse))
    }

    /// Mean structural similarity against `other`, over 8x8 windows every 4 samples (1 = identical).
    public func ssim(to other: LumaPlane) -> Double {
        precondition(other.width == width && other.height == height, "SSIM needs planes of one size")
        let c1 = (0.01 * 255) * (0.01 * 255)
        let c2 = (0.03 * 255) * (0.03 * 255)
        let window = min(8, width, height)
        var total = 0.0
        var windows = 0
        samples.withUnsafeBufferPointer { a in
            other.samples.withUnsafeBufferPointer { b in
                var y = 0
                while y + window <= height {
                    var x = 0
                    while x + window <= width {
                        var sa = 0
                        var sb = 0
                        var saa = 0
                        var sbb = 0
                        var sab = 0
                        for wy in 0..<window {
                            let row = (y + wy) * width + x
                            for wx in 0..<window {
                                let va = Int(a[row + wx])
                                let vb = Int(b[row + wx])
                                sa += va
                                sb += vb
                                saa += va * va
                                sbb += vb * vb
                                sab += va * vb
                            }
                        }
                        let n = Double(window * window)
                        let ma = Double(sa) / n
                        let mb = Double(sb) / n
                        let va = Double(saa) / n - ma * ma
                        let vb = Double(sbb) / n - mb * mb
                        let cov = Double(sab) / n - ma * mb
                        total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
                        windows += 1
                        x += 4
                    }
                    y += 4
                }
            }
        }
        return windows == 0 ? 1 : total / Double(windows)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
