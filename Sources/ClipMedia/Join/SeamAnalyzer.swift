import CFFmpeg

/// Measures a chain's seams and colour drift, decoding no more than that needs.
///
/// For each seam: luma PSNR and SSIM between the continuation's first frame and the frame it
/// started from. For each segment: Y, U, V mean and std and their drift from the first segment.
/// Frames nothing refers to are skipped (`AVDISCARD_NONREF`) except those at seams, so the colour
/// statistics come from the reference frames (I, P and reference B); that is plenty for averages.
public struct SeamAnalyzer: Sendable {
    /// Statistics read every `step`-th row and column.
    public var step: Int
    /// Decode every frame for the statistics instead of reference frames only.
    public var everyFrame: Bool

    public init(step: Int = 2, everyFrame: Bool = false) {
        self.step = max(1, step)
        self.everyFrame = everyFrame
    }

    /// Seams between separate clips: clip `k`'s first frame against clip `k - 1`'s last frame.
    ///
    /// With `colorMatch` ``ColorMatchMode/first``, each seam and each segment's drift are also measured as
    /// the join leaves them: every continuation corrected towards the first clip's statistics, measured
    /// as ``ClipJoiner`` measures them (``SeamScore/correctedPSNR``, ``SegmentColor/correctedDrift``), from
    /// `colors` when they are these clips' (the join's own measurements), else measured here.
    public func analyze(clips: [String], colorMatch: ColorMatchMode = .none, colors: ColorMeasurements? = nil) throws -> SeamReport {
        var inputs: [JoinInput] = []
        var scans: [Scan] = []
        for path in clips {
            let input = try JoinInput(path: path)
            let last = input.frameCount - 1
            inputs.append(input)
            scans.append(try scan(input, wanted: [0, last], segments: [0..<input.frameCount]))
        }
        // The join's correction of each continuation, from the same measurement the join makes.
        var measurements: [ColorSampler.Measurement] = []
        var corrections: [ColorCorrection?] = inputs.map { _ in nil }
        if colorMatch == .first, inputs.count > 1 {
            let colors = try colors?.of(clips) ?? ColorMeasurements(
                paths: clips, clips: inputs.map { try ColorSampler.measure($0) }, fullRange: inputs.map(ColorSampler.isFullRange))
            measurements = colors.clips
            corrections = colors.corrections
        }
        var seams: [SeamScore] = []
        for k in scans.indices.dropFirst() {
            guard let before = scans[k - 1].lumas[scans[k - 1].frameCount - 1], let after = scans[k].lumas[0] else {
                throw MediaError(.noDecodableFrame, path: clips[k], "cannot decode the frames at seam \(k)")
            }
            var score = try score(seam: k - 1, frame: nil, before: before, after: after, path: clips[k])
            if colorMatch == .first {
                let lastBefore = scans[k - 1].frameCount - 1
                let correctedBefore = before.corrected(by: corrections[k - 1]?.transfer(at: lastBefore, of: lastBefore + 1))
                let correctedAfter = after.corrected(by: corrections[k]?.transfer(at: 0, of: scans[k].frameCount))
                score.correctedPSNR = correctedAfter.psnr(to: correctedBefore)
                score.correctedSSIM = correctedAfter.ssim(to: correctedBefore)
            }
            seams.append(score)
        }
        let statistics = scans.map { $0.statistics[0] }
        let segments = zip(clips, scans).enumerated().map { k, pair in
            var color = SegmentColor(
                segment: k, path: pair.0, firstFrame: nil, frameCount: pair.1.frameCount, statistics: statistics[k],
                drift: ColorDrift(from: statistics[0], to: statistics[k]))
            // Measured as the join measures (reference frames), against the reference the corrections reach.
            if colorMatch == .first, let reference = measurements.first?.whole, let corrected = measurements[k].corrected(by: corrections[k]) {
                color.correctedStatistics = corrected
                color.correctedDrift = ColorDrift(from: reference, to: corrected)
            }
            return color
        }
        return SeamReport(seams: seams, segments: segments)
    }

    /// Seams inside one joined file, given the index of the first frame after each seam.
    public func analyze(joined path: String, seamFrames: [Int]) throws -> SeamReport {
        let input = try JoinInput(path: path)
        let n = input.frameCount
        let bounds = seamFrames.sorted()
        guard bounds.allSatisfy({ $0 > 0 && $0 < n }), Set(bounds).count == bounds.count else {
            throw MediaError(.invalidArgument, path: path, "seam frames must be distinct and within 1..<\(n)")
        }
        let edges = [0] + bounds + [n]
        let ranges = (0..<edges.count - 1).map { edges[$0]..<edges[$0 + 1] }
        let wanted = Set(bounds.flatMap { [$0 - 1, $0] })
        let result = try scan(input, wanted: wanted, segments: ranges)
        var seams: [SeamScore] = []
        for (k, frame) in bounds.enumerated() {
            guard let before = result.lumas[frame - 1], let after = result.lumas[frame] else {
                throw MediaError(.noDecodableFrame, path: path, "cannot decode frames \(frame - 1) and \(frame)")
            }
            seams.append(try score(seam: k, frame: frame, before: before, after: after, path: path))
        }
        let segments = ranges.enumerated().map { k, range in
            SegmentColor(
                segment: k, path: nil, firstFrame: range.lowerBound, frameCount: range.count,
                statistics: result.statistics[k], drift: ColorDrift(from: result.statistics[0], to: result.statistics[k]))
        }
        return SeamReport(seams: seams, segments: segments)
    }

    private func score(seam: Int, frame: Int?, before: LumaPlane, after: LumaPlane, path: String) throws -> SeamScore {
        guard before.width == after.width, before.height == after.height else {
            throw MediaError(
                .invalidArgument, path: path,
                "seam \(seam) joins frames of different sizes (\(before.width)x\(before.height) and \(after.width)x\(after.height))")
        }
        return SeamScore(
            seam: seam, frame: frame, psnr: after.psnr(to: before), ssim: after.ssim(to: before),
            lumaMeanDelta: after.mean - before.mean)
    }

    private struct Scan {
        var frameCount: Int
        var lumas: [Int: LumaPlane]
        var statistics: [ColorStatistics]
    }

    /// One decoding pass: keeps the luma of the `wanted` frames, sums colour statistics per segment.
    private func scan(_ input: JoinInput, wanted: Set<Int>, segments: [Range<Int>]) throws -> Scan {
        let decoder = try Decoder(stream: input.track.stream)
        let conformer = PictureConformer(width: Int32(input.width), height: Int32(input.height))
        var displayByPTS: [Int64: Int] = [:]
        for (i, packet) in input.packets.enumerated() { displayByPTS[packet.pts] = input.displayIndex[i] }
        var accumulators = segments.map { _ in ColorStatisticsAccumulator(step: step) }
        var lumas: [Int: LumaPlane] = [:]
        let take: (Frame) throws -> Void = { frame in
            guard let index = displayByPTS[frame.bestEffortTimestamp] else { return }
            let picture = try conformer.conform(frame)
            if wanted.contains(index) { lumas[index] = LumaPlane(picture) }
            if let segment = segments.firstIndex(where: { $0.contains(index) }) { accumulators[segment].add(picture) }
        }
        for (i, packet) in input.packets.enumerated() {
            if !everyFrame { decoder.skipFrame = wanted.contains(input.displayIndex[i]) ? AVDISCARD_DEFAULT : AVDISCARD_NONREF }
            try decoder.decode(packet, into: take)
        }
        try decoder.flush(into: take)
        let statistics = try accumulators.enumerated().map { k, accumulator in
            guard let statistics = accumulator.statistics else {
                throw MediaError(.noDecodableFrame, path: input.path, "no frame of segment \(k) could be decoded")
            }
            return statistics
        }
        return Scan(frameCount: input.frameCount, lumas: lumas, statistics: statistics)
    }
}
