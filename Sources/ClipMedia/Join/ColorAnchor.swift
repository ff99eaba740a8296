/// Anchors a chain's colours to its first segment at the source: the frame handed to the next
/// generation is corrected towards the first segment's colour statistics, so the generator starts from
/// the anchored colours instead of compounding the drift of every link.
///
/// The correction is the one the join applies to the end of a continuation (``ColorMatchMode/first``):
/// each Y, U, V channel's mean and standard deviation moved from those of the clip's closing frames (where
/// the handed-over frame comes from) to the anchor's.
public enum ColorAnchor {
    /// A clip's colour statistics (its reference frames, every second row and column): the anchor.
    public static func statistics(ofClipAt path: String) throws -> ColorStatistics {
        try ColorSampler.measure(try JoinInput(path: path)).whole
    }

    /// The statistics of a clip's closing frames, which its last frame shares (``ColorSampler/window(frameCount:)``).
    public static func closingStatistics(ofClipAt path: String) throws -> ColorStatistics {
        try ColorSampler.measure(try JoinInput(path: path)).closing
    }

    /// `image` (a frame of the clip measured as `clip`) corrected as if that clip's statistics were
    /// `anchor`'s. Works in limited-range BT.601 YUV, the space the statistics are measured in.
    public static func correct(_ image: RGBImage, clip: ColorStatistics, anchor: ColorStatistics) -> RGBImage {
        let transfer = ColorTransfer(from: clip, to: anchor, fullRange: false)
        var pixels = image.pixels
        pixels.withUnsafeMutableBufferPointer { buffer in
            var i = 0
            while i + 2 < buffer.count {
                let r = Double(buffer[i]), g = Double(buffer[i + 1]), b = Double(buffer[i + 2])
                let y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
                let u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
                let v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
                let y2 = Double(transfer.map(clamp(y), plane: 0)) - 16
                let u2 = Double(transfer.map(clamp(u), plane: 1)) - 128
                let v2 = Double(transfer.map(clamp(v), plane: 2)) - 128
                buffer[i] = clamp(1.164 * y2 + 1.596 * v2)
                buffer[i + 1] = clamp(1.164 * y2 - 0.392 * u2 - 0.813 * v2)
                buffer[i + 2] = clamp(1.164 * y2 + 2.017 * u2)
                i += 3
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    private static func clamp(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
}
