import ClipMedia

/// How much each generation from a start image darkens and flattens the picture, as real image-to-video
/// generators do: the clip's first frame is the start image exactly, and by its last frame the mean luma,
/// the contrast (spread of luma) and the saturation (spread of chroma) have each moved by their fraction.
///
/// A chain of uncorrected continuations therefore compounds: with the default 2.5 % per generation the
/// 10th segment ends about 20 % darker, flatter and less saturated than the first began. All zeros disable it.
public struct GenerationDrift: Sendable, Hashable {
    /// Fraction the mean luma drops per generation (0.025 = 2.5 % darker).
    public var luma: Double
    /// Fraction the contrast (standard deviation of luma) drops per generation.
    public var contrast: Double
    /// Fraction the saturation (spread of the colour away from grey) drops per generation.
    public var saturation: Double

    public init(luma: Double, contrast: Double, saturation: Double) {
        self.luma = luma
        self.contrast = contrast
        self.saturation = saturation
    }

    /// The same fraction for luma, contrast and saturation.
    public static func uniform(_ amount: Double) -> GenerationDrift {
        GenerationDrift(luma: amount, contrast: amount, saturation: amount)
    }

    /// Small and on: 2.5 % per generation.
    public static let `default` = GenerationDrift.uniform(0.025)
    /// No drift.
    public static let none = GenerationDrift.uniform(0)

    public var isNone: Bool { luma == 0 && contrast == 0 && saturation == 0 }

    /// Whether every fraction is in 0..<1.
    var isValid: Bool { [luma, contrast, saturation].allSatisfy { $0 >= 0 && $0 < 1 && $0.isFinite } }

    /// Applies `progress` (0 at the clip's first frame, 1 at its last) of one generation's drift to `image`,
    /// pivoting contrast on `pivot`, the start image's mean luma.
    ///
    /// Per channel c with pixel luma Y: `c' = Y' + s·(c − Y)` with `Y' = l·pivot + k·(Y − pivot)`, where
    /// l = 1 − luma, k = 1 − contrast and s = 1 − saturation, each fraction scaled by `progress`. That is
    /// `c' = s·c + (k − s)·Y + pivot·(l − k)`, computed in 16.16 fixed point in one pass.
    func apply(to image: inout RGBImage, progress: Double, pivot: Double) {
        guard !isNone, progress > 0 else { return }
        let t = min(1, progress)
        let l = 1 - luma * t
        let k = 1 - contrast * t
        let s = 1 - saturation * t
        // c' = s·c + (k − s)·Y + pivot·(l − k)
        let p = Int((s * 65536).rounded())
        let q = Int(((k - s) * 65536).rounded())
        let r = Int((pivot * (l - k) * 65536).rounded()) + 32768
        image.pixels.withUnsafeMutableBufferPointer { buffer in
            var i = 0
            let count = buffer.count
            while i < count {
                let red = Int(buffer[i])
                let green = Int(buffer[i + 1])
                let blue = Int(buffer[i + 2])
                let lumaTerm = q * ((77 * red + 150 * green + 29 * blue) >> 8) + r
                buffer[i] = UInt8(clamping: (p * red + lumaTerm) >> 16)
                buffer[i + 1] = UInt8(clamping: (p * green + lumaTerm) >> 16)
                buffer[i + 2] = UInt8(clamping: (p * blue + lumaTerm) >> 16)
                i += 3
            }
        }
    }

    /// The mean luma (BT.601 weights, 0...255) of `image`, the pivot for ``apply(to:progress:pivot:)``.
    static func meanLuma(of image: RGBImage) -> Double {
        let mean = image.meanColor
        return 0.299 * mean.red + 0.587 * mean.green + 0.114 * mean.blue
    }
}
