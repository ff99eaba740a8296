/// `--color-match first`: how one continuation is corrected towards the first clip, ramped across the clip.
///
/// A generator drifts through each clip, not between clips: a continuation starts from the (anchored)
/// frame it was given and darkens as it goes. One correction from the clip's mean over-corrects its start
/// and under-corrects its end, which leaves a step at every seam. So the first frame is moved from the
/// statistics of the clip's opening frames, the last from those of its closing frames, and the frames
/// between by the tables in between. Each seam's two sides then reach the same statistics: the first
/// clip's closing ones after clip 1 (the first clip is never touched), the first clip's overall ones
/// after every later clip.
struct ColorCorrection {
    let start: ColorTransfer
    let end: ColorTransfer

    /// The correction of display frame `index` of a clip of `frameCount` frames.
    func transfer(at index: Int, of frameCount: Int) -> ColorTransfer {
        ColorTransfer(interpolating: start, end, fraction: frameCount > 1 ? Double(index) / Double(frameCount - 1) : 1)
    }

    /// The corrections of every clip (nil for the first): clip `k` ramps from its opening statistics onto
    /// what the corrected clip `k - 1` ends with, to its closing statistics onto the first clip's overall ones.
    static func ramps(_ measurements: [ColorSampler.Measurement], fullRange: [Bool]) -> [ColorCorrection?] {
        guard let reference = measurements.first else { return [] }
        return measurements.indices.map { k in
            guard k > 0 else { return nil }
            let previousEnd = k == 1 ? reference.closing : reference.whole
            return ColorCorrection(
                start: ColorTransfer(from: measurements[k].opening, to: previousEnd, fullRange: fullRange[k]),
                end: ColorTransfer(from: measurements[k].closing, to: reference.whole, fullRange: fullRange[k]))
        }
    }
}
