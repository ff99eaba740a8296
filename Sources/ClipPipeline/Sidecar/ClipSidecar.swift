import ClipMedia
import ClipProviders
import Foundation

/// The `NAME.clip.json` sidecar beside a clip: what was asked, of whom, what came back, what it was checked
/// against and its QA report. One type writes it (`generate`, `extend`) and reads it (`check`, `gallery`);
/// every field is optional when read, so a hand-written or older sidecar still loads.
public struct ClipSidecar: Sendable, Codable, Hashable {
    /// The request, in the sidecar's vocabulary.
    public struct Request: Sendable, Codable, Hashable {
        public var provider: String?
        public var model: String?
        public var prompt: String?
        public var durationSeconds: Double?
        public var aspectRatio: String?
        public var resolution: String?
        public var loop: Bool?
        public var enhancePrompt: Bool?
        public var startImage: String?
        public var endImage: String?

        public init(
            provider: String? = nil, model: String? = nil, prompt: String? = nil, durationSeconds: Double? = nil,
            aspectRatio: String? = nil, resolution: String? = nil, loop: Bool? = nil, enhancePrompt: Bool? = nil,
            startImage: String? = nil, endImage: String? = nil
        ) {
            self.provider = provider
            self.model = model
            self.prompt = prompt
            self.durationSeconds = durationSeconds
            self.aspectRatio = aspectRatio
            self.resolution = resolution
            self.loop = loop
            self.enhancePrompt = enhancePrompt
            self.startImage = startImage
            self.endImage = endImage
        }

        /// The sidecar's view of a resolved request.
        public init(_ request: GenerationRequest, provider: ProviderKind) {
            self.init(
                provider: provider.rawValue, model: request.model, prompt: request.prompt,
                durationSeconds: Double(request.duration), aspectRatio: request.aspectRatio, resolution: request.resolution,
                loop: request.loop, enhancePrompt: request.enhancePrompt,
                startImage: request.startImage.map(FrameHost.describe), endImage: request.endImage.map(FrameHost.describe))
        }

        enum CodingKeys: String, CodingKey {
            case provider, model, prompt, resolution, loop
            case durationSeconds = "duration_s"
            case aspectRatio = "aspect_ratio"
            case enhancePrompt = "enhance_prompt"
            case startImage = "start_image"
            case endImage = "end_image"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            provider = try? c.decodeIfPresent(String.self, forKey: .provider)
            model = try? c.decodeIfPresent(String.self, forKey: .model)
            prompt = try? c.decodeIfPresent(String.self, forKey: .prompt)
            if let number = try? c.decodeIfPresent(Double.self, forKey: .durationSeconds) {
                durationSeconds = number
            } else if let text = try? c.decodeIfPresent(String.self, forKey: .durationSeconds) {
                durationSeconds = Double(text.trimmingCharacters(in: CharacterSet(charactersIn: "sS ")))
            }
            aspectRatio = try? c.decodeIfPresent(String.self, forKey: .aspectRatio)
            resolution = try? c.decodeIfPresent(String.self, forKey: .resolution)
            loop = try? c.decodeIfPresent(Bool.self, forKey: .loop)
            enhancePrompt = try? c.decodeIfPresent(Bool.self, forKey: .enhancePrompt)
            startImage = try? c.decodeIfPresent(String.self, forKey: .startImage)
            endImage = try? c.decodeIfPresent(String.self, forKey: .endImage)
        }
    }

    /// One segment of a chain's output.
    public struct Segment: Sendable, Codable, Hashable {
        public var segment: Int
        public var prompt: String?
        public var provider: String?
        public var model: String?
        public var taskID: String?
        public var cost: TaskCost?
        /// Where the segment begins in the output, and how many frames of it the output holds.
        public var firstFrame: Int?
        public var frameCount: Int?
        public var seamPSNR: Double?
        public var seamSSIM: Double?
        /// The seam after `--color-match first`'s correction of both sides.
        public var seamPSNRCorrected: Double?
        public var seamSSIMCorrected: Double?
        /// Colour drift from segment 1 as generated, and in the joined output.
        public var driftBefore: SegmentDrift?
        public var driftAfter: SegmentDrift?
        public var verdict: String?

        public init(segment: Int) { self.segment = segment }

        enum CodingKeys: String, CodingKey {
            case segment, prompt, provider, model, cost, verdict
            case seamPSNRCorrected = "seam_psnr_corrected"
            case seamSSIMCorrected = "seam_ssim_corrected"
            case driftBefore = "drift_before"
            case driftAfter = "drift_after"
            case taskID = "task_id"
            case firstFrame = "first_frame"
            case frameCount = "frame_count"
            case seamPSNR = "seam_psnr"
            case seamSSIM = "seam_ssim"
        }
    }

    public var request: Request?
    public var preset: String?
    public var provider: String?
    public var taskID: String?
    /// The QA expectations the clip was checked against.
    public var expectations: ClipExpectations?
    /// Where they came from: a preset, or derived from the request.
    public var expectationSource: String?
    public var timings: [String: Double]?
    public var providerURLs: [String: String]?
    public var cost: TaskCost?
    public var probe: MediaInfo?
    public var qa: ValidationReport?
    /// For a joined chain: where each continuation begins in the output.
    public var seamFrames: [Int]?
    /// For a joined chain: its segments.
    public var segments: [Segment]?

    public init(request: Request? = nil, preset: String? = nil) {
        self.request = request
        self.preset = preset
    }

    enum CodingKeys: String, CodingKey {
        case request, preset, provider, expectations, timings, cost, probe, qa, segments
        case taskID = "task_id"
        case expectationSource = "expectation_source"
        case providerURLs = "provider_urls"
        case seamFrames = "seam_frames"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        request = try? c.decodeIfPresent(Request.self, forKey: .request)
        preset = try? c.decodeIfPresent(String.self, forKey: .preset)
        provider = try? c.decodeIfPresent(String.self, forKey: .provider)
        taskID = try? c.decodeIfPresent(String.self, forKey: .taskID)
        expectations = try? c.decodeIfPresent(ClipExpectations.self, forKey: .expectations)
        expectationSource = try? c.decodeIfPresent(String.self, forKey: .expectationSource)
        timings = try? c.decodeIfPresent([String: Double].self, forKey: .timings)
        providerURLs = try? c.decodeIfPresent([String: String].self, forKey: .providerURLs)
        cost = try? c.decodeIfPresent(TaskCost.self, forKey: .cost)
        probe = try? c.decodeIfPresent(MediaInfo.self, forKey: .probe)
        qa = try? c.decodeIfPresent(ValidationReport.self, forKey: .qa)
        seamFrames = try? c.decodeIfPresent([Int].self, forKey: .seamFrames)
        segments = try? c.decodeIfPresent([Segment].self, forKey: .segments)
    }

    /// `clips/a.mp4` -> `clips/a.clip.json`.
    public static func path(for clipPath: String) -> String {
        let url = URL(fileURLWithPath: clipPath)
        return url.deletingPathExtension().appendingPathExtension("clip.json").path
    }

    /// The sidecar beside `clipPath`, or nil when there is none.
    /// - Throws: ``SidecarError`` when the file exists but is not a JSON object.
    public static func load(for clipPath: String) throws -> ClipSidecar? {
        let path = path(for: clipPath)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(ClipSidecar.self, from: data)
        } catch {
            throw SidecarError(path: path, reason: error is DecodingError ? "not a JSON object" : error.localizedDescription)
        }
    }

    /// Writes the sidecar beside `clip`, atomically.
    public func write(beside clip: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let path = URL(fileURLWithPath: Self.path(for: clip))
        let temporary = path.deletingLastPathComponent().appendingPathComponent(".\(path.lastPathComponent).part")
        try data.write(to: temporary)
        guard rename(temporary.path, path.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw PipelineError("\(path.path): cannot write the sidecar")
        }
    }
}

/// A sidecar that exists but cannot be read.
public struct SidecarError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
