/// What a provider can do and which request values it accepts.
public struct ProviderCapabilities: Hashable, Sendable {
    /// How a provider authenticates its callbacks.
    public enum WebhookSupport: String, Hashable, Sendable {
        /// A shared secret sent verbatim in a header (PiAPI `x-webhook-secret`).
        case sharedSecretHeader
        /// A callback URL but no signature (Luma `callback_url`, KKIAI `notify_hook`): put an
        /// unguessable token in the URL and re-fetch the task.
        case unsignedURL
        /// No callbacks (Pixwith): poll.
        case none
    }

    /// Whether start/end images may be sent inline as `data:` URIs.
    public var acceptsDataURI: Bool
    /// Whether ``VideoGenerationProvider/uploadImage(_:fileName:)`` is available.
    public var uploadsImages: Bool
    /// Whether ``GenerationRequest/extend`` (continue a previous task) is supported.
    public var nativeExtend: Bool
    /// How callbacks are authenticated.
    public var webhooks: WebhookSupport
    /// Whether the provider can cancel a task.
    public var cancels: Bool
    /// Accepted durations in seconds.
    public var durations: [Int]
    /// Accepted resolutions; empty means the provider chooses and the request must leave it `nil`.
    public var resolutions: [String]
    /// Accepted aspect ratios.
    public var aspectRatios: [String]
    /// Accepted model names; the first is the default.
    public var models: [String]

    public init(
        acceptsDataURI: Bool,
        uploadsImages: Bool,
        nativeExtend: Bool,
        webhooks: WebhookSupport,
        cancels: Bool,
        durations: [Int],
        resolutions: [String],
        aspectRatios: [String],
        models: [String]
    ) {
        self.acceptsDataURI = acceptsDataURI
        self.uploadsImages = uploadsImages
        self.nativeExtend = nativeExtend
        self.webhooks = webhooks
        self.cancels = cancels
        self.durations = durations
        self.resolutions = resolutions
        self.aspectRatios = aspectRatios
        self.models = models
    }

    /// The model used when the request names none.
    public var defaultModel: String { models.first ?? "" }
}
