import ClipMedia

/// How far one segment's colours sit from segment 1's, as a chain's report states it (`extend --json`,
/// the output's sidecar): `drift_before` for the segment as generated, `drift_after` for it in the joined
/// output (after `--color-match first`'s correction; the same as before without it).
public struct SegmentDrift: Sendable, Codable, Hashable {
    /// Mean luma (Y, 8-bit levels) minus segment 1's: negative = darker.
    public var lumaOffset: Double
    /// Luma standard deviation over segment 1's: below 1 = flatter.
    public var contrastRatio: Double
    /// Chroma spread over segment 1's: below 1 = more washed out.
    public var saturationRatio: Double

    public init(lumaOffset: Double, contrastRatio: Double, saturationRatio: Double) {
        self.lumaOffset = lumaOffset
        self.contrastRatio = contrastRatio
        self.saturationRatio = saturationRatio
    }

    public init(_ drift: ColorDrift) {
        self.init(lumaOffset: drift.yMean, contrastRatio: drift.contrast, saturationRatio: drift.saturation)
    }

    enum CodingKeys: String, CodingKey {
        case lumaOffset = "luma_offset"
        case contrastRatio = "contrast_ratio"
        case saturationRatio = "saturation_ratio"
    }
}
