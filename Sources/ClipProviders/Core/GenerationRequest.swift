import Foundation

/// One video-generation request, independent of the provider that serves it.
///
/// Each client validates it against what its provider accepts (``VideoGenerationProvider/validate(_:)``)
/// and translates it into the provider's wire format.
///
/// `Codable` omits ``webhookSecret``, so a request can be written into a sidecar or a journal as is.
public struct GenerationRequest: Hashable, Sendable {
    /// The text prompt.
    public var prompt: String
    /// The first frame, if any.
    public var startImage: ImageSource?
    /// The last frame, if any.
    public var endImage: ImageSource?
    /// Length of the clip in seconds (5 everywhere; 9 on Luma and Pixwith, 10 on PiAPI).
    public var duration: Int
    /// Aspect ratio, `"16:9"`, `"9:16"`, `"1:1"`, ...
    public var aspectRatio: String
    /// Output resolution, `"540p"`, `"720p"`, ...; `nil` leaves it to the provider.
    public var resolution: String?
    /// Whether the clip should loop seamlessly.
    public var loop: Bool
    /// Provider-specific model name; `nil` picks the provider's Ray 2 model.
    public var model: String?
    /// Lets the provider rewrite (KKIAI `expand_prompt`) or translate (Pixwith `prompt_optimization`)
    /// the prompt.
    public var enhancePrompt: Bool
    /// Continue a previous task natively instead of starting from an image.
    public var extend: ExtendSource?
    /// Where the provider should send its callback, if it sends one.
    public var webhookURL: URL?
    /// The shared secret PiAPI echoes in `x-webhook-secret`. Never encoded.
    public var webhookSecret: String?

    public init(
        prompt: String,
        startImage: ImageSource? = nil,
        endImage: ImageSource? = nil,
        duration: Int = 5,
        aspectRatio: String = "16:9",
        resolution: String? = nil,
        loop: Bool = false,
        model: String? = nil,
        enhancePrompt: Bool = false,
        extend: ExtendSource? = nil,
        webhookURL: URL? = nil,
        webhookSecret: String? = nil
    ) {
        self.prompt = prompt
        self.startImage = startImage
        self.endImage = endImage
        self.duration = duration
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.loop = loop
        self.model = model
        self.enhancePrompt = enhancePrompt
        self.extend = extend
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
    }
}

extension GenerationRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case prompt, startImage, endImage, duration, aspectRatio, resolution, loop, model, enhancePrompt, extend
        case webhookURL
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            prompt: try c.decode(String.self, forKey: .prompt),
            startImage: try c.decodeIfPresent(ImageSource.self, forKey: .startImage),
            endImage: try c.decodeIfPresent(ImageSource.self, forKey: .endImage),
            duration: try c.decodeIfPresent(Int.self, forKey: .duration) ?? 5,
            aspectRatio: try c.decodeIfPresent(String.self, forKey: .aspectRatio) ?? "16:9",
            resolution: try c.decodeIfPresent(String.self, forKey: .resolution),
            loop: try c.decodeIfPresent(Bool.self, forKey: .loop) ?? false,
            model: try c.decodeIfPresent(String.self, forKey: .model),
            enhancePrompt: try c.decodeIfPresent(Bool.self, forKey: .enhancePrompt) ?? false,
            extend: try c.decodeIfPresent(ExtendSource.self, forKey: .extend),
            webhookURL: try c.decodeIfPresent(URL.self, forKey: .webhookURL),
            webhookSecret: nil
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prompt, forKey: .prompt)
        try c.encodeIfPresent(startImage, forKey: .startImage)
        try c.encodeIfPresent(endImage, forKey: .endImage)
        try c.encode(duration, forKey: .duration)
        try c.encode(aspectRatio, forKey: .aspectRatio)
        try c.encodeIfPresent(resolution, forKey: .resolution)
        try c.encode(loop, forKey: .loop)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(enhancePrompt, forKey: .enhancePrompt)
        try c.encodeIfPresent(extend, forKey: .extend)
        try c.encodeIfPresent(webhookURL, forKey: .webhookURL)
        // webhookSecret is deliberately never encoded.
    }
}

extension GenerationRequest: CustomStringConvertible {
    /// A one-line summary that never shows the webhook secret.
    public var description: String {
        var parts = ["prompt: \"\(prompt)\"", "duration: \(duration)s", "aspect: \(aspectRatio)"]
        if let resolution { parts.append("resolution: \(resolution)") }
        if let model { parts.append("model: \(model)") }
        if loop { parts.append("loop") }
        if let startImage { parts.append("start: \(startImage)") }
        if let endImage { parts.append("end: \(endImage)") }
        if let extend { parts.append("extend: \(extend.taskID)") }
        if let webhookURL {
            // The query may hold a per-task callback token: show only where callbacks go.
            parts.append("webhook: \(webhookURL.scheme ?? "")://\(webhookURL.host ?? "")\(webhookURL.path)")
        }
        if webhookSecret != nil { parts.append("webhook secret: <redacted>") }
        return "GenerationRequest(" + parts.joined(separator: ", ") + ")"
    }
}
