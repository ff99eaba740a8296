import ClipMedia
import ClipProviders
import Foundation

/// A batch line of kind `extend` or `generate`, as a worker of the fleet reads it:
/// `{"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["..."], "segments": 3, "duration": 5,
/// "aspect": "16:9", "resolution": "720p", "output": "c1.mp4"}`, with the other options of those commands as
/// optional keys (`model`, `loop`, `enhance_prompt`, `start_image`, `end_image`, `max_retries`, `mode`, `seam`,
/// `color_match`, `preset`, `frame_hosting`) and where to reach the provider (`base_url`, `upload_base_url`;
/// the API key always comes from the worker's environment or configuration file, never from the line).
public struct ChainJob: Sendable, Hashable {
    public var id: String
    public var plan: ChainPlan
    public var baseURL: String?
    public var uploadBaseURL: String?
    public var frameHosting: FrameHosting

    private struct Line: Decodable {
        var id: String
        var kind: String
        var provider: String
        var prompts: [String]?
        var prompt: String?
        var segments: Int?
        var duration: Int?
        var aspect: String?
        var resolution: String?
        var model: String?
        var loop: Bool?
        var enhancePrompt: Bool?
        var startImage: String?
        var endImage: String?
        var output: String?
        var maxRetries: Int?
        var mode: String?
        var seam: String?
        var colorMatch: String?
        var preset: String?
        var frameHosting: String?
        var baseURL: String?
        var uploadBaseURL: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, provider, prompts, prompt, segments, duration, aspect, resolution, model, loop, output, mode
            case seam, preset
            case enhancePrompt = "enhance_prompt"
            case startImage = "start_image"
            case endImage = "end_image"
            case maxRetries = "max_retries"
            case colorMatch = "color_match"
            case frameHosting = "frame_hosting"
            case baseURL = "base_url"
            case uploadBaseURL = "upload_base_url"
        }
    }

    /// Reads the job from its batch line (JSON text). Relative paths (`output`, `start_image`, `end_image`)
    /// are taken from `store`, the folder every worker shares; an output defaults to `ID.mp4` there.
    /// - Throws: ``PipelineError`` naming the key that is wrong.
    public init(spec: String, store: String) throws {
        let line: Line
        do {
            line = try JSONDecoder().decode(Line.self, from: Data(spec.utf8))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw PipelineError("\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch {
            throw PipelineError("not a valid \(Self.self) line: \(error)")
        }
        guard let kind = ChainPlan.Kind(rawValue: line.kind) else { throw PipelineError("\"kind\" must be extend or generate") }
        guard let provider = ProviderKind(rawValue: line.provider) else {
            throw PipelineError(
                "\"provider\" \(line.provider) is not one the fleet can reach (piapi, kkiai, pixwith or luma; point \"base_url\" at a sandbox to test)")
        }
        let prompts = line.prompts ?? line.prompt.map { [$0] } ?? []
        func path(_ text: String) -> String {
            if ChainPlanner.isURL(text) || text.hasPrefix("/") { return text }
            return URL(fileURLWithPath: store).appendingPathComponent(text).standardizedFileURL.path
        }
        func parse<T>(_ key: String, _ text: String?, _ make: (String) -> T?, default value: T) throws -> T {
            guard let text else { return value }
            guard let parsed = make(text) else { throw PipelineError("\"\(key)\": \(text) is not a valid value") }
            return parsed
        }
        let segments = line.segments ?? (kind == .generate ? 1 : prompts.count)
        if kind == .generate, segments != 1 { throw PipelineError("a generate job makes one clip: leave \"segments\" out or use extend") }
        guard (0...10).contains(line.maxRetries ?? 2) else { throw PipelineError("\"max_retries\" must be 0-10") }
        id = line.id
        plan = ChainPlan(
            kind: kind, provider: provider, prompts: prompts, segments: segments, duration: line.duration,
            aspectRatio: line.aspect, resolution: line.resolution, loop: line.loop ?? false, model: line.model,
            enhancePrompt: line.enhancePrompt ?? false, startImage: line.startImage.map(path),
            endImage: line.endImage.map(path), output: path(line.output ?? "\(line.id).mp4"),
            maxRetries: line.maxRetries ?? 2,
            mode: try parse("mode", line.mode, ChainPlan.Mode.init(rawValue:), default: .lastFrame),
            seam: try parse("seam", line.seam, SeamMode.init(parsing:), default: .drop),
            colorMatch: try parse("color_match", line.colorMatch, ColorMatchMode.init(rawValue:), default: .none),
            preset: line.preset)
        baseURL = line.baseURL
        uploadBaseURL = line.uploadBaseURL
        frameHosting = try parse("frame_hosting", line.frameHosting, FrameHosting.init(rawValue:), default: .auto)
    }
}
