import ClipMedia
import ClipProviders
import Foundation

/// A batch line of kind `extend` or `generate`: the options of `clipkit extend` / `clipkit generate` as keys.
/// `{"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["..."], "segments": 3, "duration": 5,
/// "aspect": "16:9", "resolution": "720p", "output": "c1.mp4"}`; optional `prompt`, `loop`, `model`,
/// `enhance_prompt`, `preset`, `start_image`, `end_image`, `max_retries`, `mode`, `seam`, `color_match`,
/// `frame_hosting`, `base_url`, `upload_base_url`. API keys never go in a batch file (environment or config
/// file). `batch run` and the fleet's workers read lines through this one type.
public struct ChainJob: Sendable, Hashable {
    public var id: String
    public var kind: ChainPlan.Kind
    public var provider: ProviderKind
    public var prompts: [String]
    public var segments: Int
    public var duration: Int?
    public var aspect: String?
    public var resolution: String?
    public var loop: Bool
    public var model: String?
    public var enhancePrompt: Bool
    public var preset: String?
    public var startImage: String?
    public var endImage: String?
    /// Absolute once ``init(spec:directory:)`` has resolved it.
    public var output: String
    public var maxRetries: Int
    public var mode: ChainPlan.Mode
    public var seam: SeamMode
    public var colorMatch: ColorMatchMode
    /// The provider's base URL for this job (else the environment or the config file).
    public var baseURL: String?
    public var uploadBaseURL: String?
    /// How the next segment's start frame reaches the provider (the fleet hosts inline or by upload).
    public var frameHosting: FrameHosting

    /// Every key a chain line may carry.
    public static let keys: Set<String> = [
        "id", "kind", "provider", "prompts", "prompt", "segments", "duration", "aspect", "resolution", "loop", "model",
        "enhance_prompt", "preset", "start_image", "end_image", "output", "max_retries", "mode", "seam", "color_match",
        "frame_hosting", "base_url", "upload_base_url",
    ]

    /// A fleet worker's reading: relative paths are taken from `store`, the folder every worker shares (with a
    /// bucket store, the worker's local copy of it, ``ArtefactStore/localRoot``).
    public init(spec: String, store: String) throws {
        try self.init(spec: spec, directory: store)
    }

    /// Decodes a chain job from its batch line (a JSON object), refusing unknown keys and values of the
    /// wrong type; relative paths (output, images) are taken from `directory`. A job without an `output`
    /// writes `ID.mp4` in `directory`.
    /// - Throws: ``PipelineError`` naming the key.
    public init(spec: String, directory: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(spec.utf8))) as? [String: Any] else {
            throw PipelineError("not a JSON object")
        }
        if object["api_key"] != nil || object["apiKey"] != nil {
            throw PipelineError("an API key does not belong in a batch file: set the provider's *_API_KEY variable or use --config")
        }
        let unknown = Set(object.keys).subtracting(Self.keys)
        if let first = unknown.sorted().first {
            throw PipelineError("unknown key \"\(first)\" (a chain job takes \(Self.keys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String, !text.isEmpty else { throw PipelineError("\"\(key)\" must be a non-empty string") }
            return text
        }
        func bool(_ key: String) throws -> Bool {
            guard let value = object[key] else { return false }
            guard let flag = value as? Bool else { throw PipelineError("\"\(key)\" must be true or false") }
            return flag
        }
        func whole(_ key: String) throws -> Int? {
            guard let value = object[key] else { return nil }
            guard let number = value as? NSNumber, !(value is Bool), number.doubleValue == number.doubleValue.rounded(),
                abs(number.doubleValue) < 1e9
            else { throw PipelineError("\"\(key)\" must be a whole number") }
            return number.intValue
        }
        func path(_ key: String) throws -> String? {
            guard let text = try string(key) else { return nil }
            if ChainPlanner.isURL(text) || text.hasPrefix("/") { return text }
            return URL(fileURLWithPath: directory).appendingPathComponent(text).standardizedFileURL.path
        }

        id = try string("id") ?? { throw PipelineError("\"id\" must be a non-empty string") }()
        guard let kindText = try string("kind"), let kind = ChainPlan.Kind(rawValue: kindText) else {
            throw PipelineError("\"kind\" must be extend or generate")
        }
        self.kind = kind
        let providerText = try string("provider") ?? { throw PipelineError("a \(kind.rawValue) job needs \"provider\"") }()
        guard let provider = ProviderKind(rawValue: providerText) else {
            throw PipelineError("\"provider\" must be one of \(ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(providerText)')")
        }
        self.provider = provider
        var prompts: [String] = []
        if let list = object["prompts"] {
            guard let items = list as? [Any], !items.isEmpty, items.allSatisfy({ ($0 as? String).map { !$0.isEmpty } ?? false }) else {
                throw PipelineError("\"prompts\" must be a list of non-empty strings")
            }
            prompts = items.compactMap { $0 as? String }
        }
        if let one = try string("prompt") { prompts.append(one) }
        guard !prompts.isEmpty else { throw PipelineError("a \(kind.rawValue) job needs \"prompts\" (a list) or \"prompt\"") }
        self.prompts = prompts
        let segments = try whole("segments") ?? (kind == .generate ? 1 : prompts.count)
        if kind == .generate, segments != 1 { throw PipelineError("a generate job makes one clip: leave \"segments\" out or set it to 1") }
        guard (1...100).contains(segments) else { throw PipelineError("\"segments\" must be 1-100") }
        self.segments = segments
        duration = try whole("duration")
        if let duration, duration <= 0 { throw PipelineError("\"duration\" must be a positive number of seconds") }
        aspect = try string("aspect")
        resolution = try string("resolution")
        loop = try bool("loop")
        model = try string("model")
        enhancePrompt = try bool("enhance_prompt")
        preset = try string("preset")
        startImage = try path("start_image")
        endImage = try path("end_image")
        output = try path("output") ?? URL(fileURLWithPath: directory).appendingPathComponent("\(id).mp4").standardizedFileURL.path
        if ChainPlanner.isURL(output) { throw PipelineError("\"output\" must be a file path, not a URL") }
        maxRetries = try whole("max_retries") ?? (kind == .generate ? 0 : 2)
        guard (0...10).contains(maxRetries) else { throw PipelineError("\"max_retries\" must be 0-10") }
        if let text = try string("mode") {
            guard let mode = ChainPlan.Mode(rawValue: text) else {
                throw PipelineError("\"mode\" must be \(ChainPlan.Mode.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            self.mode = mode
        } else {
            mode = .lastFrame
        }
        if let text = try string("seam") {
            guard let seam = SeamMode(parsing: text) else { throw PipelineError("\"seam\" must be drop, keep or crossfade=SECONDS") }
            self.seam = seam
        } else {
            seam = .drop
        }
        if let text = try string("color_match") {
            guard let match = ColorMatchMode(rawValue: text) else {
                throw PipelineError("\"color_match\" must be \(ColorMatchMode.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            colorMatch = match
        } else {
            colorMatch = .none
        }
        baseURL = try string("base_url")
        uploadBaseURL = try string("upload_base_url")
        if let text = try string("frame_hosting") {
            guard let hosting = FrameHosting(rawValue: text) else {
                throw PipelineError("\"frame_hosting\" must be \(FrameHosting.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            frameHosting = hosting
        } else {
            frameHosting = .auto
        }
    }

    /// The plan `clipkit extend` / `clipkit generate` would build from the same options.
    public var plan: ChainPlan {
        ChainPlan(
            kind: kind, provider: provider, prompts: prompts, segments: segments, duration: duration, aspectRatio: aspect,
            resolution: resolution, loop: loop, model: model, enhancePrompt: enhancePrompt, startImage: startImage,
            endImage: endImage, output: output, maxRetries: maxRetries, mode: mode, seam: seam, colorMatch: colorMatch,
            preset: preset)
    }
}
