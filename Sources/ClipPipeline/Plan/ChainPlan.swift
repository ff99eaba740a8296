import ClipMedia
import ClipProviders
import Foundation

/// What a `generate` or `extend` run was asked to do, as the user said it. Stored in the journal so a run
/// can be resumed; ``ChainPlanner`` turns it into a ``ResolvedChain`` (every request explicit) before
/// anything is paid for.
public struct ChainPlan: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case generate, extend
    }

    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Segment k+1 starts from segment k's exact last frame (PNG), on any provider.
        case lastFrame = "last-frame"
        /// The provider continues the previous generation itself (Luma, KKIAI).
        case native
    }

    public var kind: Kind
    public var provider: ProviderKind
    /// One prompt per segment; the last one repeats when there are fewer prompts than segments.
    public var prompts: [String]
    public var segments: Int
    /// `nil`: what the provider profile sends by default.
    public var duration: Int?
    /// `nil`: the start image's shape where the provider follows it, else the profile's default.
    public var aspectRatio: String?
    /// `nil`: the provider's documented default (or ClipKit's explicit choice where none is documented).
    public var resolution: String?
    public var loop: Bool
    public var model: String?
    /// Lets the provider rewrite or translate the prompt (KKIAI `expand_prompt`, Pixwith `prompt_optimization`).
    public var enhancePrompt: Bool
    /// A local start image for the first segment (an absolute path), or a URL.
    public var startImage: String?
    /// A local end image for the last segment (an absolute path), or a URL.
    public var endImage: String?
    public var output: String
    public var maxRetries: Int
    public var mode: Mode
    public var seam: SeamMode
    public var colorMatch: ColorMatchMode
    /// A preset named by the user: its request values fill what the flags leave unset.
    public var preset: String?

    public init(
        kind: Kind, provider: ProviderKind, prompts: [String], segments: Int, duration: Int? = nil,
        aspectRatio: String? = nil, resolution: String? = nil, loop: Bool = false, model: String? = nil,
        enhancePrompt: Bool = false, startImage: String? = nil, endImage: String? = nil, output: String,
        maxRetries: Int = 2, mode: Mode = .lastFrame, seam: SeamMode = .drop, colorMatch: ColorMatchMode = .none,
        preset: String? = nil
    ) {
        self.kind = kind
        self.provider = provider
        self.prompts = prompts
        self.segments = segments
        self.duration = duration
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.loop = loop
        self.model = model
        self.enhancePrompt = enhancePrompt
        self.startImage = startImage
        self.endImage = endImage
        self.output = output
        self.maxRetries = maxRetries
        self.mode = mode
        self.seam = seam
        self.colorMatch = colorMatch
        self.preset = preset
    }

    public func prompt(for segment: Int) -> String { prompts[min(segment, prompts.count - 1)] }

    /// The differences between what this plan and `other` would pay for, one phrase each
    /// ("--segments 3 vs 4"); empty when both send the same requests. Retries, seam and colour handling
    /// change no request.
    public func paidDifferences(from other: ChainPlan) -> [String] {
        var differences: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T, _ b: T, _ show: (T) -> String) {
            if a != b { differences.append("\(name) \(show(a)) (now \(show(b)))") }
        }
        func text(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "unset" }
        compare("kind", kind.rawValue, other.kind.rawValue) { $0 }
        compare("--provider", provider.rawValue, other.provider.rawValue) { $0 }
        compare("prompts", prompts, other.prompts) { $0.map { "\"\($0)\"" }.joined(separator: ", ") }
        compare("--segments", segments, other.segments) { "\($0)" }
        compare("--duration", duration, other.duration) { $0.map { "\($0)" } ?? "unset" }
        compare("--aspect", aspectRatio, other.aspectRatio, text)
        compare("--resolution", resolution, other.resolution, text)
        compare("--loop", loop, other.loop) { "\($0)" }
        compare("--model", model, other.model, text)
        compare("--enhance-prompt", enhancePrompt, other.enhancePrompt) { "\($0)" }
        compare("--start-image", startImage, other.startImage, text)
        compare("--end-image", endImage, other.endImage, text)
        compare("--mode", mode.rawValue, other.mode.rawValue) { $0 }
        compare("--preset", preset, other.preset, text)
        return differences
    }

    private enum CodingKeys: String, CodingKey {
        case kind, provider, prompts, segments, duration, resolution, loop, model, output, mode, seam, preset
        case aspectRatio = "aspect_ratio"
        case enhancePrompt = "enhance_prompt"
        case startImage = "start_image"
        case endImage = "end_image"
        case maxRetries = "max_retries"
        case colorMatch = "color_match"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        provider = try c.decode(ProviderKind.self, forKey: .provider)
        prompts = try c.decode([String].self, forKey: .prompts)
        segments = try c.decode(Int.self, forKey: .segments)
        duration = try c.decodeIfPresent(Int.self, forKey: .duration)
        aspectRatio = try c.decodeIfPresent(String.self, forKey: .aspectRatio)
        resolution = try c.decodeIfPresent(String.self, forKey: .resolution)
        loop = try c.decodeIfPresent(Bool.self, forKey: .loop) ?? false
        model = try c.decodeIfPresent(String.self, forKey: .model)
        enhancePrompt = try c.decodeIfPresent(Bool.self, forKey: .enhancePrompt) ?? false
        startImage = try c.decodeIfPresent(String.self, forKey: .startImage)
        endImage = try c.decodeIfPresent(String.self, forKey: .endImage)
        output = try c.decode(String.self, forKey: .output)
        maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? 2
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .lastFrame
        let seamText = try c.decodeIfPresent(String.self, forKey: .seam) ?? "drop"
        guard let seam = SeamMode(parsing: seamText) else {
            throw DecodingError.dataCorruptedError(forKey: .seam, in: c, debugDescription: "unknown seam mode \(seamText)")
        }
        self.seam = seam
        colorMatch = try c.decodeIfPresent(ColorMatchMode.self, forKey: .colorMatch) ?? .none
        preset = try c.decodeIfPresent(String.self, forKey: .preset)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(provider, forKey: .provider)
        try c.encode(prompts, forKey: .prompts)
        try c.encode(segments, forKey: .segments)
        try c.encodeIfPresent(duration, forKey: .duration)
        try c.encodeIfPresent(aspectRatio, forKey: .aspectRatio)
        try c.encodeIfPresent(resolution, forKey: .resolution)
        try c.encode(loop, forKey: .loop)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(enhancePrompt, forKey: .enhancePrompt)
        try c.encodeIfPresent(startImage, forKey: .startImage)
        try c.encodeIfPresent(endImage, forKey: .endImage)
        try c.encode(output, forKey: .output)
        try c.encode(maxRetries, forKey: .maxRetries)
        try c.encode(mode, forKey: .mode)
        try c.encode(seam.description, forKey: .seam)
        try c.encode(colorMatch, forKey: .colorMatch)
        try c.encodeIfPresent(preset, forKey: .preset)
    }
}
