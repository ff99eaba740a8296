import ClipMedia
import Foundation

/// A chain's joined output as the gallery shows it: its segments (read from the output's sidecar),
/// a WebVTT chapters track with one chapter per segment, and each seam as a before/after picture pair
/// with its score.
///
/// Every sidecar field is optional: a segment without `first_frame`/`frame_count` gets no chapter
/// times, a seam without pictures still shows its score.
public struct GalleryChain: Sendable, Codable, Hashable {
    /// A generator's cost as the provider states it (`{"amount": 2000000, "unit": "point"}`).
    public struct Cost: Sendable, Codable, Hashable {
        public var amount: Double
        public var unit: String

        public init(amount: Double, unit: String) {
            self.amount = amount
            self.unit = unit
        }
    }

    /// One segment of the chain.
    public struct Segment: Sendable, Codable, Hashable {
        /// 1-based, as in the sidecar.
        public var segment: Int
        public var prompt: String?
        public var provider: String?
        public var model: String?
        public var taskID: String?
        public var cost: Cost?
        public var firstFrame: Int?
        public var frameCount: Int?
        /// Where the segment's chapter starts and ends in the output, in seconds.
        public var startSeconds: Double?
        public var endSeconds: Double?
        /// The seam into this segment (nil for the first).
        public var seamPSNR: Double?
        public var seamSSIM: Double?
        public var verdict: String?

        enum CodingKeys: String, CodingKey {
            case segment, prompt, provider, model, cost, verdict
            case taskID = "task_id"
            case firstFrame = "first_frame"
            case frameCount = "frame_count"
            case startSeconds = "start_s"
            case endSeconds = "end_s"
            case seamPSNR = "seam_psnr"
            case seamSSIM = "seam_ssim"
        }
    }

    /// The cut between two segments: the last frame before it and the first after it.
    public struct Seam: Sendable, Codable, Hashable {
        /// The segment the seam leads into (2 for the first seam).
        public var segment: Int
        /// Index in the output of the first frame after the seam.
        public var frame: Int
        public var seconds: Double
        /// Picture files (relative to the entry's asset folder), when they could be made.
        public var before: String?
        public var after: String?
        public var psnr: Double?
        public var ssim: Double?
    }

    public var segments: [Segment]
    public var seams: [Seam]
    /// The WebVTT chapters track, relative to the entry's asset folder.
    public var chapters: String?

    enum CodingKeys: String, CodingKey {
        case segments, seams, chapters
    }

    /// The segments listed in the sidecar beside `clip`, or nil when it has none.
    /// - Throws: ``GalleryError`` when a sidecar exists but is not JSON.
    public static func segments(for clip: String) throws -> [Segment]? {
        guard let path = GallerySidecar.path(for: clip) else { return nil }
        // The sidecar's one reader (``ClipSidecar``), lenient about every field.
        let sidecar: ClipSidecar
        do {
            sidecar = try JSONDecoder().decode(ClipSidecar.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw GalleryError.unreadable(path, "sidecar is not valid JSON")
        }
        guard let list = sidecar.segments, !list.isEmpty else { return nil }
        return list.map { item in
            Segment(
                segment: item.segment, prompt: item.prompt, provider: item.provider, model: item.model,
                taskID: item.taskID, cost: item.cost.map { Cost(amount: $0.amount, unit: $0.unit) },
                firstFrame: item.firstFrame, frameCount: item.frameCount, seamPSNR: item.seamPSNR,
                seamSSIM: item.seamSSIM, verdict: item.verdict)
        }
    }

    /// Builds the card of the chain whose output is `clip` (probed as `info`): chapters track and seam
    /// pictures are written into `directory`. Nil when the sidecar lists no segments.
    public static func make(clip: String, info: MediaInfo, directory: String, pictureWidth: Int = 240) throws -> GalleryChain? {
        guard var segments = try segments(for: clip) else { return nil }
        let fps = info.video?.fps ?? 0
        let total = info.video?.durationSeconds ?? info.durationSeconds ?? 0
        for i in segments.indices where fps > 0 {
            guard let first = segments[i].firstFrame else { continue }
            segments[i].startSeconds = Double(first) / fps
            if let count = segments[i].frameCount {
                segments[i].endSeconds = Double(first + count) / fps
            } else if i + 1 < segments.count, let next = segments[i + 1].firstFrame {
                segments[i].endSeconds = Double(next) / fps
            } else {
                segments[i].endSeconds = total
            }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var chain = GalleryChain(segments: segments, seams: [], chapters: nil)
        if segments.contains(where: { $0.startSeconds != nil }) {
            try Data(chain.chaptersVTT().utf8).write(to: URL(fileURLWithPath: directory + "/chapters.vtt"), options: .atomic)
            chain.chapters = "chapters.vtt"
        }
        chain.seams = try seams(clip: clip, segments: segments, fps: fps, directory: directory, width: pictureWidth)
        return chain
    }

    /// One pair of pictures per seam: the frame before (first frame - 1) and the frame after.
    private static func seams(clip: String, segments: [Segment], fps: Double, directory: String, width: Int) throws -> [Seam] {
        var seams: [Seam] = []
        for segment in segments.dropFirst() {
            guard let first = segment.firstFrame, first > 0 else { continue }
            seams.append(
                Seam(
                    segment: segment.segment, frame: first, seconds: fps > 0 ? Double(first) / fps : 0,
                    psnr: segment.seamPSNR, ssim: segment.seamSSIM))
        }
        guard fps > 0, !seams.isEmpty else { return seams }
        // The middle of each frame's display interval picks exactly that frame.
        let times = seams.flatMap { [(Double($0.frame - 1) + 0.5) / fps, (Double($0.frame) + 0.5) / fps] }
        let frames = try ThumbnailExtractor.frames(path: clip, times: .at(times), width: width)
        let byTime = Dictionary(frames.map { ($0.requestedSeconds, $0) }, uniquingKeysWith: { a, _ in a })
        for i in seams.indices {
            for (side, time) in [("before", times[2 * i]), ("after", times[2 * i + 1])] {
                guard let frame = byTime[time] else { continue }
                let name = "seam-\(seams[i].segment)-\(side).jpg"
                try ImageCodec.encode(frame.image, as: .jpeg, quality: 80).write(to: URL(fileURLWithPath: directory + "/" + name), options: .atomic)
                if side == "before" { seams[i].before = name } else { seams[i].after = name }
            }
        }
        return seams
    }

    /// `WEBVTT` with one cue per segment: "Segment 2: PROMPT".
    public func chaptersVTT() -> String {
        var text = "WEBVTT\n"
        for segment in segments {
            guard let start = segment.startSeconds, let end = segment.endSeconds else { continue }
            var title = "Segment \(segment.segment)"
            if let prompt = segment.prompt, !prompt.isEmpty {
                title += ": " + prompt.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "-->", with: "->")
            }
            text += "\n\(segment.segment)\n\(SpriteSheet.cueTime(start)) --> \(SpriteSheet.cueTime(end))\n\(title)\n"
        }
        return text
    }

    /// Every file of the card, relative to the asset folder.
    public var files: [String] {
        (chapters.map { [$0] } ?? []) + seams.flatMap { [$0.before, $0.after].compactMap { $0 } }
    }
}
