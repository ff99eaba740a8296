/// How well one seam joins: the continuation's first frame against the frame it started from.
public struct SeamScore: Sendable, Codable, Hashable {
    /// 0 for the seam between the first and second segment.
    public var seam: Int
    /// In a joined file, the index of the first frame after the seam.
    public var frame: Int?
    /// Luma PSNR in dB (100 = identical). Above ~35 dB the continuation starts from the previous frame.
    public var psnr: Double
    /// Luma SSIM, 1 = identical.
    public var ssim: Double
    /// Mean luma after the seam minus before it.
    public var lumaMeanDelta: Double
    /// With `--color-match first`: PSNR and SSIM of the same two frames after the join's correction of each
    /// side (nil without a correction).
    public var correctedPSNR: Double?
    public var correctedSSIM: Double?

    public init(
        seam: Int, frame: Int?, psnr: Double, ssim: Double, lumaMeanDelta: Double, correctedPSNR: Double? = nil,
        correctedSSIM: Double? = nil
    ) {
        self.seam = seam
        self.frame = frame
        self.psnr = psnr
        self.ssim = ssim
        self.lumaMeanDelta = lumaMeanDelta
        self.correctedPSNR = correctedPSNR
        self.correctedSSIM = correctedSSIM
    }
}

/// How far a segment's colours have moved from the first segment's.
public struct ColorDrift: Sendable, Codable, Hashable {
    /// Differences of the Y, U and V means (this segment minus the first).
    public var yMean: Double
    public var uMean: Double
    public var vMean: Double
    /// Std of Y over the first segment's (1 = same contrast; above 1 = contrast creep).
    public var contrast: Double
    /// Chroma spread over the first segment's (below 1 = colour fading).
    public var saturation: Double

    public init(from reference: ColorStatistics, to statistics: ColorStatistics) {
        yMean = statistics.y.mean - reference.y.mean
        uMean = statistics.u.mean - reference.u.mean
        vMean = statistics.v.mean - reference.v.mean
        contrast = reference.y.standardDeviation > 0 ? statistics.y.standardDeviation / reference.y.standardDeviation : 1
        let chroma = { (s: ColorStatistics) in (s.u.standardDeviation * s.u.standardDeviation + s.v.standardDeviation * s.v.standardDeviation).squareRoot() }
        saturation = chroma(reference) > 0 ? chroma(statistics) / chroma(reference) : 1
    }
}

/// One segment's colour statistics and their drift from the first segment's.
public struct SegmentColor: Sendable, Codable, Hashable {
    public var segment: Int
    /// The clip, when segments are separate files.
    public var path: String?
    /// In a joined file, the segment's first frame index.
    public var firstFrame: Int?
    public var frameCount: Int
    public var statistics: ColorStatistics
    public var drift: ColorDrift
    /// With `--color-match first`: the statistics after the join's correction, and their drift from the
    /// first segment's (nil without a correction).
    public var correctedStatistics: ColorStatistics? = nil
    public var correctedDrift: ColorDrift? = nil
}

/// Seam scores and colour drift of a chain (see ``SeamAnalyzer``).
public struct SeamReport: Sendable, Codable, Hashable {
    public var seams: [SeamScore]
    public var segments: [SegmentColor]
}
