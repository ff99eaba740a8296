import CFFmpeg

/// Measures a clip's colour statistics cheaply: only the frames others refer to are decoded
/// (`AVDISCARD_NONREF`), and every second row and column is read.
enum ColorSampler {
    static func measure(_ input: JoinInput, step: Int = 2) throws -> ColorStatistics {
        let decoder = try Decoder(stream: input.track.stream)
        decoder.skipFrame = AVDISCARD_NONREF
        let conformer = PictureConformer(width: Int32(input.width), height: Int32(input.height))
        var accumulator = ColorStatisticsAccumulator(step: step)
        let add: (Frame) throws -> Void = { frame in accumulator.add(try conformer.conform(frame)) }
        for packet in input.packets { try decoder.decode(packet, into: add) }
        try decoder.flush(into: add)
        guard let statistics = accumulator.statistics else {
            throw MediaError(.noDecodableFrame, path: input.path, "no frame could be decoded to measure its colours")
        }
        return statistics
    }

    static func isFullRange(_ input: JoinInput) -> Bool {
        let p = input.parameters.pointee
        return p.color_range == AVCOL_RANGE_JPEG || input.pixelFormat == AV_PIX_FMT_YUVJ420P
    }
}
