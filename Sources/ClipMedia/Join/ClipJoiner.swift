import CFFmpeg
import Foundation

/// Joins clips into one MP4, re-encoding only the frames that must change.
///
/// - `keep` stream-copies every packet when the clips share codec parameters (codec, size, pixel
///   format, parameter sets); otherwise the clips that differ are re-encoded (and scaled with
///   ``JoinOptions/scale``) and spliced in.
/// - `drop` removes the first frame of each continuation. That frame is the clip's IDR, so the
///   continuation's first GOP is re-encoded from its second frame; from its next IDR on (if any), its
///   packets are copied. The re-encoded GOPs carry their own SPS/PPS under ids the copied stream does
///   not use, and both encoders' sets go in the track's one `avcC`, so the output stays one valid
///   `avc1` track (see ``AVCConfiguration``).
/// - `crossfade` re-encodes everything, blending across each seam.
///
/// The first clip's frame rate, size, pixel aspect, rotation and colour tags define the output. Audio is
/// carried (``JoinAudioTrack``): each clip's sound is cut at the same seams as its pictures (`drop` drops
/// the dropped frame's duration of sound too, `crossfade` crossfades it) and the track is as long as the
/// video; its packets are stream-copied when every clip's audio has the same parameters (``AudioStreamCopy``),
/// else it is one AAC stream re-encoded from the decoded sound, with silence for a clip without audio. The file is written under a
/// temporary name and renamed when complete.
public enum ClipJoiner {
    /// Joins `inputs` in order into `output`.
    /// - Throws: ``JoinError`` when the clips cannot be joined (naming the clip and what differs),
    ///   ``MediaError`` when a clip cannot be read or the output cannot be written.
    /// - Parameter colors: the clips' colour measurements when the caller has them already (see
    ///   ``ColorMeasurements``); measurements of other clips are not used.
    @discardableResult
    public static func join(
        inputs: [String], output: String, options: JoinOptions = JoinOptions(), colors: ColorMeasurements? = nil
    ) throws -> JoinResult {
        try JoinSession(inputs: inputs, output: output, options: options, colors: colors?.of(inputs)).run()
    }

    /// Joins `inputs` with a seam mode, scaling clips of another size when `scale` is set.
    @discardableResult
    public static func join(inputs: [String], output: String, seam: SeamMode, scale: Bool = false) throws -> JoinResult {
        try join(inputs: inputs, output: output, options: JoinOptions(seam: seam, scale: scale))
    }
}

/// One join: opened inputs, the plan, the encoders, the output.
final class JoinSession {
    let paths: [String]
    let output: String
    let options: JoinOptions
    private var inputs: [JoinInput] = []
    private var first: JoinInput { inputs[0] }
    private var frameRate = AVRational(num: 0, den: 1)
    private var transfers: [ColorCorrection?] = []
    private var segments: [JoinResult.Segment] = []
    /// The inputs' colour measurements, when given (else measured for ``ColorMatchMode/first``).
    private let colors: ColorMeasurements?

    init(inputs: [String], output: String, options: JoinOptions, colors: ColorMeasurements? = nil) {
        self.paths = inputs
        self.output = output
        self.options = options
        self.colors = colors
    }

    func run() throws -> JoinResult {
        guard !paths.isEmpty else { throw JoinError.noInputs() }
        let outputURL = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath()
        for path in paths where URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath() == outputURL {
            throw JoinError.outputIsInput(path)
        }
        if options.crf < 0 || options.crf > 51 { throw JoinError.invalidOption("crf must be 0-51, not \(options.crf)") }
        FFmpegLogging.configureOnce()
        inputs = try paths.map { try JoinInput(path: $0) }
        try validate()
        let overlap = try crossfadeOverlap()
        transfers = try colorTransfers()

        let writer = JoinedStreamWriter(frameRate: frameRate)
        let parameters = try fill(writer, overlap: overlap)
        let audio = try audioTrack(overlap: overlap)
        do {
            try writer.write(to: output, parameters: parameters, rotation: first.track.rotation, audio: audio)
        } catch {
            if let error = error as? FFmpegError {
                throw MediaError(.ffmpeg, path: output, "cannot write the joined clip", underlying: error)
            }
            throw error
        }
        let frameCount = segments.reduce(0) { $0 + $1.frameCount }
        return JoinResult(
            output: output, frameCount: frameCount, frameRate: Ratio(Int(frameRate.num), Int(frameRate.den)),
            durationSeconds: Double(frameCount) / av_q2d(frameRate), seam: options.seam.description,
            colorMatch: options.colorMatch, width: first.width, height: first.height, segments: segments,
            seamFrames: segments.dropFirst().map(\.firstFrame), audio: audio?.summary ?? "none (no clip has audio)")
    }

    /// The output's audio, placed where each clip's pictures went (nil when no clip has audio).
    /// Stream copy when every clip's audio has the same parameters and the seams are cuts, else AAC.
    private func audioTrack(overlap: Int) throws -> JoinAudioTrack? {
        guard inputs.contains(where: { $0.audioStream != nil }) else { return nil }
        let placements = inputs.indices.map { k in
            let skip = k > 0 && options.seam == .drop ? 1 : 0
            return JoinAudioTrack.Placement(
                outputFrame: segments[k].firstFrame, skippedFrames: skip, frameCount: inputs[k].frameCount - skip,
                fadeInFrames: k > 0 ? overlap : 0, fadeOutFrames: k < inputs.count - 1 ? overlap : 0)
        }
        let totalFrames = segments.reduce(0) { $0 + $1.frameCount }
        if overlap == 0,
            let copied = try AudioStreamCopy.track(inputs: inputs, placements: placements, totalFrames: totalFrames, frameRate: frameRate)
        {
            return copied
        }
        let decoded = try paths.map { try DecodedAudio.read(path: $0) }
        guard decoded.contains(where: { $0 != nil }) else { return nil }
        return try JoinAudioTrack(
            audio: decoded, placements: placements, totalFrames: segments.reduce(0) { $0 + $1.frameCount },
            frameRate: frameRate, path: output)
    }

    // MARK: Checks

    private func validate() throws {
        frameRate = first.frameRate
        for input in inputs.dropFirst() {
            if av_cmp_q(input.frameRate, frameRate) != 0 && abs(input.fps - first.fps) > first.fps * 1e-4 {
                throw JoinError.frameRateMismatch(input.path, Self.format(input.fps), expected: Self.format(first.fps))
            }
            if input.track.rotation != first.track.rotation {
                throw JoinError.rotationMismatch(input.path, input.track.rotation, expected: first.track.rotation)
            }
            if !options.scale && (input.width != first.width || input.height != first.height) {
                throw JoinError.sizeMismatch(input.path, "\(input.width)x\(input.height)", expected: "\(first.width)x\(first.height)")
            }
        }
    }

    private static func format(_ fps: Double) -> String {
        fps == fps.rounded() ? String(Int(fps)) : String(format: "%.3f", fps)
    }

    /// Frames each crossfade overlaps, checked against every clip's length.
    private func crossfadeOverlap() throws -> Int {
        guard case .crossfade(let seconds) = options.seam else { return 0 }
        let overlap = Int((seconds * av_q2d(frameRate)).rounded())
        guard overlap >= 1 else { throw JoinError.crossfadeTooShort(seconds) }
        for (k, input) in inputs.enumerated() {
            let inner = k > 0 && k < inputs.count - 1
            let needed = inputs.count == 1 ? 1 : (inner ? 2 * overlap + 1 : overlap + 1)
            if input.frameCount < needed { throw JoinError.crossfadeTooLong(input.path, frames: input.frameCount, overlap: overlap) }
        }
        return overlap
    }

    /// For `--color-match first`: the correction of each continuation towards the first clip (``ColorCorrection``).
    private func colorTransfers() throws -> [ColorCorrection?] {
        guard options.colorMatch == .first, inputs.count > 1 else { return inputs.map { _ in nil } }
        if let colors { return colors.corrections }
        return ColorCorrection.ramps(try inputs.map { try ColorSampler.measure($0) }, fullRange: inputs.map(ColorSampler.isFullRange))
    }

    // MARK: Plans

    private func fill(_ writer: JoinedStreamWriter, overlap: Int) throws -> JoinedStreamWriter.Parameters {
        let allCopyable = inputs.allSatisfy { $0.streamCopyMismatch(with: first) == nil }
        let transforms = transfers.contains { $0 != nil }
        switch options.seam {
        case .crossfade:
            return try reencodeAll(into: writer, overlap: overlap)
        case .keep where allCopyable && !transforms:
            for input in inputs { copy(input, from: 0, into: writer) }
            return .copy(first, extradata: nil)
        case .keep, .drop:
            if let splice = try spliceAll(into: writer) { return splice }
            return try reencodeAll(into: writer, overlap: 0)
        }
    }

    /// Copies packets `start...` of `input` after the `reencoded` frames just written for it; display
    /// indices shift down by `start` (a clean cut, so packets `start...` show frames `start...`).
    private func copy(_ input: JoinInput, from start: Int, into writer: JoinedStreamWriter, reencoded: Int = 0) {
        let base = writer.count - reencoded
        for i in start..<input.frameCount {
            writer.add(input.packets[i], display: base + reencoded + input.displayIndex[i] - start)
        }
        segments.append(
            .init(
                path: input.path, firstFrame: base, frameCount: reencoded + input.frameCount - start,
                copiedFrames: input.frameCount - start, reencodedFrames: reencoded))
    }

    /// Copies what can be copied and re-encodes the rest next to it; nil when the first clip's stream
    /// cannot host a splice (not H.264 in `avcC`, not 8-bit 4:2:0, hidden samples, no free parameter-set id).
    private func spliceAll(into writer: JoinedStreamWriter) throws -> JoinedStreamWriter.Parameters? {
        guard first.codecID == AV_CODEC_ID_H264, !first.hasDiscardedSamples,
            var configuration = AVCConfiguration(avcC: first.extradata), configuration.isEightBit420
        else { return nil }
        let used = configuration.sequenceParameterSetIDs.union(configuration.pictureParameterSetIDs)
        guard let id = (1...31).first(where: { !used.contains($0) }) else { return nil }
        var encoderSets: (sps: [[UInt8]], pps: [[UInt8]])?

        for (k, input) in inputs.enumerated() {
            let skip = k > 0 && options.seam == .drop ? 1 : 0
            let copyable = input.streamCopyMismatch(with: first) == nil && transfers[k] == nil
            if copyable && skip == 0 {
                copy(input, from: 0, into: writer)
                continue
            }
            // The frames before the first clean cut (or all of them) are re-encoded.
            let cut = copyable ? input.cleanCutPoints().first : nil
            let start = writer.count
            let encoder = try makeEncoder(parameterSetID: id)
            let sets = try Self.parameterSets(of: encoder, expectedID: id)
            if let encoderSets {
                guard encoderSets.sps == sets.sps && encoderSets.pps == sets.pps else {
                    throw MediaError(.ffmpeg, path: output, "internal error: the re-encoder's parameter sets changed between clips")
                }
            } else {
                encoderSets = sets
                configuration.append(sequenceParameterSets: sets.sps, pictureParameterSets: sets.pps)
            }
            let lengthSize = configuration.lengthSize
            let encoded = try encode(input, packets: cut, skipping: skip, transfer: transfers[k], encoder: encoder) { packet in
                let units = NALUnit.isAnnexB(packet.bytes) ? NALUnit.splitAnnexB(packet.bytes) : NALUnit.splitLengthPrefixed(packet.bytes, lengthSize: 4) ?? []
                let converted = try packet.replacingData(with: NALUnit.lengthPrefixed(units, lengthSize: lengthSize))
                writer.add(converted, display: start + Int(packet.pts))
            }
            if let cut {
                copy(input, from: cut, into: writer, reencoded: encoded)
            } else {
                segments.append(.init(path: input.path, firstFrame: start, frameCount: encoded, copiedFrames: 0, reencodedFrames: encoded))
            }
        }
        return .copy(first, extradata: encoderSets == nil ? nil : configuration.serialized)
    }

    /// Decodes and encodes every frame of every clip with one encoder (crossfades, or when the first
    /// clip's stream cannot host a splice).
    private func reencodeAll(into writer: JoinedStreamWriter, overlap: Int) throws -> JoinedStreamWriter.Parameters {
        let encoder = try makeEncoder(parameterSetID: nil)
        let conformer = PictureConformer(width: Int32(first.width), height: Int32(first.height))
        var held: [Frame] = []
        var next = 0
        for (k, input) in inputs.enumerated() {
            let skip = k > 0 && options.seam == .drop ? 1 : 0
            let isLast = k == inputs.count - 1
            let firstFrame = next
            var kept: [Frame] = []
            try input.decodeFrames { index, frame in
                guard index >= skip else { return }
                var picture = try conformer.conform(frame)
                if let correction = transfers[k] {
                    try picture.makeWritable()
                    correction.transfer(at: index, of: input.frameCount).apply(to: picture)
                }
                if overlap > 0 && k > 0 && index < held.count {
                    picture = try FrameBlender.blend(held[index], picture, amount: Double(index + 1) / Double(overlap + 1))
                }
                if overlap > 0 && !isLast && index >= input.frameCount - overlap {
                    kept.append(picture)
                    return
                }
                picture.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
                picture.pts = Int64(next)
                next += 1
                try encoder.encode(picture) { writer.add(try $0.reference(), display: Int($0.pts)) }
            }
            held = kept
            segments.append(
                .init(path: input.path, firstFrame: firstFrame, frameCount: next - firstFrame, copiedFrames: 0, reencodedFrames: next - firstFrame))
        }
        try encoder.encode(nil) { writer.add(try $0.reference(), display: Int($0.pts)) }
        return .encoder(encoder)
    }

    /// Encodes frames `skip...` of `input` (decoding packets `0..<packets`, or all) as one run with
    /// `encoder`, timestamps counting from 0. Returns the number of frames encoded.
    private func encode(
        _ input: JoinInput, packets: Int?, skipping skip: Int, transfer: ColorCorrection?, encoder: JoinEncoder,
        into body: (Packet) throws -> Void
    ) throws -> Int {
        let conformer = PictureConformer(width: Int32(first.width), height: Int32(first.height))
        var count = 0
        try input.decodeFrames(upTo: packets) { index, frame in
            guard index >= skip else { return }
            let picture = try conformer.conform(frame)
            if let transfer {
                try picture.makeWritable()
                transfer.transfer(at: index, of: input.frameCount).apply(to: picture)
            }
            picture.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
            picture.pts = Int64(count)
            count += 1
            try encoder.encode(picture, into: body)
        }
        try encoder.encode(nil, into: body)
        return count
    }

    private func makeEncoder(parameterSetID: Int?) throws -> JoinEncoder {
        let p = first.parameters.pointee
        var sar = first.track.stream.pointee.sample_aspect_ratio
        if sar.num <= 0 || sar.den <= 0 { sar = p.sample_aspect_ratio }
        return try JoinEncoder(
            .init(
                width: p.width, height: p.height, frameRate: frameRate, sampleAspectRatio: sar,
                colorRange: ColorSampler.isFullRange(first) ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG,
                colorSpace: p.color_space, colorPrimaries: p.color_primaries, colorTransfer: p.color_trc,
                preset: options.preset, crf: options.crf, parameterSetID: parameterSetID, globalHeader: true))
    }

    /// The SPS/PPS an encoder put in its extradata, checked to carry the id asked for.
    private static func parameterSets(of encoder: JoinEncoder, expectedID id: Int) throws -> (sps: [[UInt8]], pps: [[UInt8]]) {
        let units = encoder.extradata.withUnsafeBufferPointer { NALUnit.splitAnnexB($0) }
        let sps = units.filter { NALUnit.type($0) == NALUnit.sequenceParameterSet }.map { Array($0) }
        let pps = units.filter { NALUnit.type($0) == NALUnit.pictureParameterSet }.map { Array($0) }
        let spsIDs = sps.compactMap(NALUnit.sequenceParameterSetID)
        let ppsIDs = pps.compactMap(NALUnit.pictureParameterSetIDs)
        guard !sps.isEmpty, !pps.isEmpty, spsIDs.allSatisfy({ $0 == id }), ppsIDs.allSatisfy({ $0.pps == id && $0.sps == id }) else {
            throw MediaError(.unsupported, "libx264 did not use parameter-set id \(id); cannot splice re-encoded frames")
        }
        return (sps, pps)
    }
}

@available(*, unavailable)
extension JoinSession: Sendable {}
