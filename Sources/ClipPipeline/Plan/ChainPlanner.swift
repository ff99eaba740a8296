import ClipMedia
import ClipProviders
import Foundation

/// Turns a ``ChainPlan`` into a ``ResolvedChain``: every segment's request resolved against the provider's
/// ``ProviderProfile`` and validated, continuations given their start (a last frame or a native extend),
/// the end image on the last segment, and the QA expectations of each request chosen. Nothing here
/// touches the network: a refusal costs nothing.
public struct ChainPlanner: Sendable {
    public var profile: ProviderProfile
    public var library: PresetLibrary
    /// How local images reach the provider (already resolved from `auto`).
    public var hosting: FrameHosting
    /// Whether each request will carry a webhook URL (and PiAPI a secret).
    public var webhooks: Bool
    /// Reads a local image's size (to check or take its shape where the provider follows it).
    public var imageSize: @Sendable (String) throws -> (width: Int, height: Int)

    public init(
        profile: ProviderProfile, library: PresetLibrary, hosting: FrameHosting, webhooks: Bool = false,
        imageSize: @escaping @Sendable (String) throws -> (width: Int, height: Int) = ChainPlanner.readImageSize
    ) {
        self.profile = profile
        self.library = library
        self.hosting = hosting
        self.webhooks = webhooks
        self.imageSize = imageSize
    }

    /// - Throws: ``PipelineError`` naming the segment, what is wrong and what to change.
    public func resolve(_ plan: ChainPlan) throws -> ResolvedChain {
        var plan = plan
        guard plan.segments >= 1 else { throw PipelineError("a run needs at least one segment") }
        guard !plan.prompts.isEmpty else { throw PipelineError("a run needs at least one prompt") }
        var preset: Preset?
        if let name = plan.preset {
            do { preset = try library.load(name) } catch { throw PipelineError("--preset: \(error)") }
            if let request = preset?.request {
                guard request.provider.lowercased() == plan.provider.rawValue else {
                    throw PipelineError(
                        "--preset \(name) is for \(request.provider), not \(plan.provider.rawValue): pick a \(plan.provider.rawValue) preset or leave it out")
                }
                plan.duration = plan.duration ?? request.durationSeconds.map { Int($0.rounded()) }
                plan.resolution = plan.resolution ?? request.resolution
                plan.model = plan.model ?? request.model
            }
        }
        if plan.mode == .native && plan.segments > 1 && profile.nativeExtend == nil {
            throw PipelineError(
                "--mode native: \(profile.provider.displayName) has no documented native extend; use --mode last-frame (the default)")
        }
        for (flag, image) in [("--start-image", plan.startImage), ("--end-image", plan.endImage)] {
            guard let image, !Self.isURL(image) else { continue }
            guard FileManager.default.fileExists(atPath: image) else { throw PipelineError("\(flag) \(image): no such file") }
            _ = try imageSizeOrFail(image, flag: flag)
        }
        if plan.aspectRatio == nil, profile.followsStartImageShape, let start = plan.startImage, !Self.isURL(start) {
            // The output takes the start image's shape: ask for that shape, and check against it.
            let size = try imageSizeOrFail(start, flag: "--start-image")
            plan.aspectRatio = Self.nearestAspect(width: size.width, height: size.height, among: profile.aspectRatios?.accepted ?? [])
        }

        var segments: [SegmentPlan] = []
        for index in 0..<plan.segments {
            let isLast = index == plan.segments - 1
            var start: SegmentStart = .none
            var request = GenerationRequest(
                prompt: plan.prompt(for: index),
                duration: plan.duration ?? profile.durations.sentByDefault,
                aspectRatio: plan.aspectRatio ?? profile.aspectRatios?.sentByDefault ?? "16:9",
                resolution: plan.resolution, loop: plan.loop, model: plan.model, enhancePrompt: plan.enhancePrompt)
            if index == 0 {
                if let image = plan.startImage {
                    start = .image(image)
                    request.startImage = placeholder(for: image)
                }
            } else if plan.mode == .native {
                start = .nativeExtend
                request.extend = ExtendSource(taskID: "segment-\(index)-task")
            } else {
                start = .previousLastFrame
                request.startImage = placeholder(for: nil)
            }
            if isLast, let image = plan.endImage { request.endImage = placeholder(for: image) }
            if webhooks {
                request.webhookURL = URL(string: "https://clipkit.invalid/hooks/\(profile.provider.rawValue)/token")
                if profile.webhooks == .sharedSecretHeader { request.webhookSecret = "secret" }
            }
            let resolved: GenerationRequest
            do {
                resolved = try profile.resolve(request)
            } catch let error as ProviderError {
                throw PipelineError(Self.refusal(error, segment: index, of: plan.segments, start: start))
            }
            if index == 0, profile.followsStartImageShape, let image = plan.startImage, !Self.isURL(image) {
                let size = try imageSizeOrFail(image, flag: "--start-image")
                let shape = Self.nearestAspect(width: size.width, height: size.height, among: [resolved.aspectRatio])
                if shape != resolved.aspectRatio
                    || !Self.matches(width: size.width, height: size.height, aspect: resolved.aspectRatio)
                {
                    throw PipelineError(
                        "--start-image is \(size.width)x\(size.height), not \(resolved.aspectRatio): \(profile.provider.displayName) follows the start image's shape; pass --aspect matching the image or crop it")
                }
            }
            var chosen = try expectations(for: resolved, preset: preset)
            if start == .nativeExtend, let nativeExtend = profile.nativeExtend, nativeExtend.inheritsShape,
                let first = segments.first
            {
                chosen = ExpectationChoice(
                    expectations: first.expectations.expectations,
                    source: first.expectations.source + " (a native extend inherits the first segment's shape)")
            }
            segments.append(SegmentPlan(index: index, start: start, request: resolved, expectations: chosen))
        }
        return ResolvedChain(plan: plan, segments: segments, hosting: hosting)
    }

    /// The QA expectations of one resolved request: the preset made for exactly this request (provider,
    /// model, resolution, duration, aspect), else derived from the request itself.
    public func expectations(for request: GenerationRequest, preset: Preset? = nil) throws -> ExpectationChoice {
        let provider = profile.provider.rawValue
        if let preset {
            guard let p = preset.request, Self.preset(p, aspects: preset.aspectRatios, matches: request, provider: provider) else {
                throw PipelineError(
                    "--preset \(preset.name) does not describe this request (\(Self.describe(request, provider: provider))): leave --preset out, or pick one made for it")
            }
            return ExpectationChoice(expectations: preset.expectations(aspectRatio: request.aspectRatio), source: "preset \(preset.name)")
        }
        let exact = library.all().filter { candidate in
            guard let p = candidate.request else { return false }
            return Self.preset(p, aspects: candidate.aspectRatios, matches: request, provider: provider)
        }
        if exact.count == 1, let only = exact.first {
            return ExpectationChoice(expectations: only.expectations(aspectRatio: request.aspectRatio), source: "preset \(only.name)")
        }
        var expectations = (try? library.load("default").expect) ?? .none
        expectations.duration = DurationExpectation(seconds: Double(request.duration) + ExpectationPlanner.generatorExtraFrame)
        if let ratio = Ratio(parsing: request.aspectRatio) { expectations.aspect = AspectExpectation([ratio]) }
        // No preset vouches for the size this shape comes in: the resolution is reported, not failed, so a
        // good clip of an undocumented size is never paid for twice.
        let typical = profile.outputSize(resolution: request.resolution, aspectRatio: request.aspectRatio)
        if let label = request.resolution, var resolution = ResolutionExpectation(parsing: label, severity: .warn) {
            resolution.typical = typical
            expectations.resolution = resolution
        } else if let typical, let size = ResolutionExpectation(parsing: typical), let w = size.width, let h = size.height {
            let short = min(w, h)
            expectations.resolution = ResolutionExpectation(
                label: "provider's choice", minShortSide: short * 85 / 100, maxShortSide: short * 3 / 2, typical: typical,
                severity: .warn)
        }
        expectations.fps = FrameRateExpectation(fps: 24, severity: .warn)
        var source = "derived from the request (\(Self.describe(request, provider: provider)))"
        if exact.count > 1 { source += "; presets \(exact.map(\.name).joined(separator: ", ")) all match, none chosen" }
        return ExpectationChoice(expectations: expectations, source: source)
    }

    // MARK: - Helpers

    private func placeholder(for image: String?) -> ImageSource {
        if let image, Self.isURL(image), let url = URL(string: image) { return .url(url) }
        switch hosting {
        case .dataURI: return .dataURI("data:image/png;base64,iVBORw0KGgo=")
        default: return .url(URL(string: "https://clipkit.invalid/frames/frame.png")!)
        }
    }

    private func imageSizeOrFail(_ path: String, flag: String) throws -> (width: Int, height: Int) {
        do { return try imageSize(path) } catch { throw PipelineError("\(flag) \(path): not a readable image (\(error))") }
    }

    @Sendable public static func readImageSize(_ path: String) throws -> (width: Int, height: Int) {
        let image = try ImageCodec.read(path: path)
        return (image.width, image.height)
    }

    public static func isURL(_ text: String) -> Bool { text.hasPrefix("http://") || text.hasPrefix("https://") }

    static func preset(_ p: PresetRequest, aspects: [String], matches request: GenerationRequest, provider: String) -> Bool {
        guard p.provider.lowercased() == provider else { return false }
        guard p.covers(model: request.model) else { return false }
        guard p.resolution?.lowercased() == request.resolution?.lowercased() else { return false }
        guard let seconds = p.durationSeconds, abs(seconds - Double(request.duration)) < 0.01 else { return false }
        let offered = aspects.isEmpty ? [p.aspectRatio].compactMap { $0 } : aspects
        return offered.contains(request.aspectRatio)
    }

    static func describe(_ request: GenerationRequest, provider: String) -> String {
        [provider, request.model, request.resolution ?? "provider's size", "\(request.duration) s", request.aspectRatio]
            .compactMap { $0 }.joined(separator: ", ")
    }

    static func matches(width: Int, height: Int, aspect: String) -> Bool {
        guard let ratio = Ratio(parsing: aspect), height > 0 else { return false }
        let actual = Double(width) / Double(height)
        return abs(actual / ratio.value - 1) <= 0.03
    }

    /// The accepted aspect closest to the image's, or "W:H" reduced when none is given.
    static func nearestAspect(width: Int, height: Int, among accepted: [String]) -> String {
        let actual = Double(width) / Double(max(height, 1))
        let best = accepted.compactMap { name in Ratio(parsing: name).map { (name, abs(log(actual / $0.value))) } }
            .min { $0.1 < $1.1 }
        return best?.0 ?? "\(width):\(height)"
    }

    static func refusal(_ error: ProviderError, segment: Int, of count: Int, start: SegmentStart) -> String {
        let which: String
        switch start {
        case .previousLastFrame: which = "segment \(segment + 1) of \(count) (starts from segment \(segment)'s last frame)"
        case .nativeExtend: which = "segment \(segment + 1) of \(count) (extends segment \(segment) natively)"
        default: which = "segment \(segment + 1) of \(count)"
        }
        return "\(which) would be refused, so nothing was submitted: \(error)"
    }
}
