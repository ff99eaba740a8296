import CFFmpeg

/// Measures a clip's colour statistics cheaply: only the frames others refer to are decoded
/// (`AVDISCARD_NONREF`), and every second row and column is read.
enum ColorSampler {
    /// A clip's colours overall, over its opening and its closing frames, and frame by frame.
    struct Measurement {
        var whole: ColorStatistics
        var opening: ColorStatistics
        var closing: ColorStatistics
        var frameCount: Int
        /// Each measured frame's counts, by display index: the corrected clip is measured from them.
        var frames: [(index: Int, counts: ColorStatisticsAccumulator)]

        /// The clip's statistics with `correction` applied frame by frame, as the join applies it.
        func corrected(by correction: ColorCorrection?) -> ColorStatistics? {
            guard let correction else { return whole }
            var sums = [(n: Double, sum: Double, squares: Double)](repeating: (0, 0, 0), count: 3)
            for frame in frames {
                for (plane, m) in frame.counts.moments(correctedBy: correction.transfer(at: frame.index, of: frameCount)).enumerated() {
                    sums[plane].n += m.n
                    sums[plane].sum += m.sum
                    sums[plane].squares += m.squares
                }
            }
            return ColorStatisticsAccumulator.statistics(moments: sums, frames: frames.count)
        }
    }

    /// Frames at each end of a clip that make its opening and closing statistics: an eighth of the clip,
    /// at least 6 (15 of a 5 s clip at 24 fps; about half of them are reference frames).
    static func window(frameCount: Int) -> Int { max(6, frameCount / 8) }

    static func measure(_ input: JoinInput, step: Int = 2) throws -> Measurement {
        let decoder = try Decoder(stream: input.track.stream)
        decoder.skipFrame = AVDISCARD_NONREF
        let conformer = PictureConformer(width: Int32(input.width), height: Int32(input.height))
        var displayByPTS: [Int64: Int] = [:]
        for (i, packet) in input.packets.enumerated() { displayByPTS[packet.pts] = input.displayIndex[i] }
        var frames: [(index: Int, counts: ColorStatisticsAccumulator)] = []
        let add: (Frame) throws -> Void = { frame in
            guard let index = displayByPTS[frame.bestEffortTimestamp] else { return }
            var counts = ColorStatisticsAccumulator(step: step)
            counts.add(try conformer.conform(frame))
            frames.append((index, counts))
        }
        for packet in input.packets { try decoder.decode(packet, into: add) }
        try decoder.flush(into: add)

        let window = Self.window(frameCount: input.frameCount)
        var whole = ColorStatisticsAccumulator(step: step)
        var opening = ColorStatisticsAccumulator(step: step)
        var closing = ColorStatisticsAccumulator(step: step)
        for frame in frames {
            whole.merge(frame.counts)
            if frame.index < window { opening.merge(frame.counts) }
            if frame.index >= input.frameCount - window { closing.merge(frame.counts) }
        }
        guard let all = whole.statistics else {
            throw MediaError(.noDecodableFrame, path: input.path, "no frame could be decoded to measure its colours")
        }
        // A clip too damaged to have reference frames at an end is corrected evenly.
        return Measurement(
            whole: all, opening: opening.statistics ?? all, closing: closing.statistics ?? all,
            frameCount: input.frameCount, frames: frames)
    }

    static func isFullRange(_ input: JoinInput) -> Bool {
        let p = input.parameters.pointee
        return p.color_range == AVCOL_RANGE_JPEG || input.pixelFormat == AV_PIX_FMT_YUVJ420P
    }
}
