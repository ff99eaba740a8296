import ArgumentParser
import ClipMedia
import ClipPipeline
import Foundation

struct Join: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join clips into one MP4, re-encoding only what must change.",
        discussion: """
            --seam keep copies every frame (stream copy when the clips share codec parameters); drop (the \
            default, for last-frame chains) removes each continuation's first frame, which repeats the \
            previous clip's last; crossfade=SECONDS blends across each seam. Prints the output's frame \
            count and duration, then each seam's luma PSNR/SSIM and each segment's colour drift from the first. \
            Audio is carried, cut at the same seams: stream-copied when every clip's audio has the same codec, rate, channels and configuration, else re-encoded as one AAC track (clips without audio give silence).
            """)

    @Argument(help: "The clips, in order.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output MP4 path.")
    var output: String

    @Option(help: "drop, keep or crossfade=SECONDS.")
    var seam: SeamMode = .drop

    @Flag(help: "Scale clips of another size to the first clip's size instead of failing.")
    var scale = false

    @Option(name: .customLong("color-match"), help: "none or first: correct each continuation towards the first clip's colours.")
    var colorMatch: ColorMatchMode = .none

    @Option(help: "x264 preset for re-encoded frames.")
    var preset = "veryfast"

    @Option(help: "x264 CRF for re-encoded frames (0-51).")
    var crf = 18

    @Flag(help: "Also analyse the output: seam scores and each segment's colour drift (decodes the output).")
    var report = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input clip") }
        guard (0...51).contains(crf) else { throw ValidationError("--crf must be 0-51") }
    }

    func run() async throws {
        try await reportingErrors {
            try OutputLocation.check(file: output, inputs: inputs)
            let options = JoinOptions(seam: seam, scale: scale, colorMatch: colorMatch, preset: preset, crf: crf)
            let result = try ClipJoiner.join(inputs: inputs, output: output, options: options)
            let report =
                !self.report || result.seamFrames.isEmpty
                ? nil : try SeamAnalyzer().analyze(joined: result.output, seamFrames: result.seamFrames)
            if json {
                try Output.json(Result(result: result, report: report))
            } else {
                print(result: result, report: report)
            }
        }
    }

    private func print(result: JoinResult, report: SeamReport?) {
        Output.line(
            "\(result.output)  \(result.width)x\(result.height)  \(result.frameCount) frames  \(Human.seconds(result.durationSeconds))  "
                + "seam \(result.seam)  copied \(result.copiedFrames), re-encoded \(result.reencodedFrames)")
        for segment in result.segments {
            Output.line(
                "  segment \(segment.path): frames \(segment.firstFrame)..<\(segment.firstFrame + segment.frameCount) "
                    + "(copied \(segment.copiedFrames), re-encoded \(segment.reencodedFrames))")
        }
        guard let report else { return }
        for seam in report.seams {
            Output.line(
                String(
                    format: "  seam %d at frame %d: luma PSNR %.2f dB, SSIM %.4f, mean Y %+.2f",
                    seam.seam + 1, seam.frame ?? 0, seam.psnr, seam.ssim, seam.lumaMeanDelta))
        }
        for segment in report.segments {
            let s = segment.statistics
            let d = segment.drift
            Output.line(
                String(
                    format: "  colour %d: Y %.1f±%.1f U %.1f±%.1f V %.1f±%.1f  drift Y %+.2f U %+.2f V %+.2f contrast x%.3f saturation x%.3f",
                    segment.segment, s.y.mean, s.y.standardDeviation, s.u.mean, s.u.standardDeviation, s.v.mean,
                    s.v.standardDeviation, d.yMean, d.uMean, d.vMean, d.contrast, d.saturation))
        }
    }

    struct Result: Encodable {
        var result: JoinResult
        var report: SeamReport?

        enum CodingKeys: String, CodingKey {
            case output, width, height, seam, segments, seams, colour, audio
            case frameCount = "frame_count"
            case durationSeconds = "duration_s"
            case frameRate = "frame_rate"
            case colorMatch = "color_match"
            case seamFrames = "seam_frames"
            case copiedFrames = "copied_frames"
            case reencodedFrames = "reencoded_frames"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(result.output, forKey: .output)
            try c.encode(result.width, forKey: .width)
            try c.encode(result.height, forKey: .height)
            try c.encode(result.frameCount, forKey: .frameCount)
            try c.encode(result.durationSeconds, forKey: .durationSeconds)
            try c.encode(result.frameRate.description.replacingOccurrences(of: ":", with: "/"), forKey: .frameRate)
            try c.encode(result.seam, forKey: .seam)
            try c.encode(result.colorMatch.rawValue, forKey: .colorMatch)
            try c.encode(result.seamFrames, forKey: .seamFrames)
            try c.encode(result.copiedFrames, forKey: .copiedFrames)
            try c.encode(result.reencodedFrames, forKey: .reencodedFrames)
            try c.encode(result.audio, forKey: .audio)
            try c.encode(result.segments.map(Segment.init), forKey: .segments)
            try c.encode(report?.seams.map(Seam.init) ?? [], forKey: .seams)
            try c.encode(report?.segments.map(Colour.init) ?? [], forKey: .colour)
        }
    }

    struct Segment: Encodable {
        var path: String
        var first_frame: Int
        var frame_count: Int
        var copied_frames: Int
        var reencoded_frames: Int
        init(_ s: JoinResult.Segment) {
            path = s.path
            first_frame = s.firstFrame
            frame_count = s.frameCount
            copied_frames = s.copiedFrames
            reencoded_frames = s.reencodedFrames
        }
    }

    struct Seam: Encodable {
        var seam: Int
        var frame: Int?
        var psnr_y: Double
        var ssim_y: Double
        var luma_mean_delta: Double
        init(_ s: SeamScore) {
            seam = s.seam
            frame = s.frame
            psnr_y = s.psnr
            ssim_y = s.ssim
            luma_mean_delta = s.lumaMeanDelta
        }
    }

    struct Colour: Encodable {
        var segment: Int
        var first_frame: Int?
        var frame_count: Int
        var y_mean, y_std, u_mean, u_std, v_mean, v_std: Double
        var drift_y_mean, drift_u_mean, drift_v_mean, contrast_ratio, saturation_ratio: Double
        init(_ s: SegmentColor) {
            segment = s.segment
            first_frame = s.firstFrame
            frame_count = s.frameCount
            y_mean = s.statistics.y.mean
            y_std = s.statistics.y.standardDeviation
            u_mean = s.statistics.u.mean
            u_std = s.statistics.u.standardDeviation
            v_mean = s.statistics.v.mean
            v_std = s.statistics.v.standardDeviation
            drift_y_mean = s.drift.yMean
            drift_u_mean = s.drift.uMean
            drift_v_mean = s.drift.vMean
            contrast_ratio = s.drift.contrast
            saturation_ratio = s.drift.saturation
        }
    }
}

extension SeamMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension ColorMatchMode: ExpressibleByArgument {}
