import Foundation

/// What one provider documents about Luma Ray 2 generation, written from the seeds and
/// `shared/providers.md`: the accepted values and the documented default of every parameter, which model
/// id serves text-to-video and which image-to-video, how images may be delivered, and the output sizes
/// the provider really returns.
///
/// Validation, request resolution (``resolve(_:)``), the choice of QA expectations and the sandbox all
/// read it. Where a document is silent the profile says so (``Setting/documentedDefault`` is `nil`) and
/// ClipKit sends an explicit value instead of relying on the provider's unstated default.
public struct ProviderProfile: Sendable, Hashable {
    /// One parameter: what is accepted, what the documents say the default is, what ClipKit sends.
    public struct Setting<Value: Hashable & Sendable>: Sendable, Hashable {
        public var accepted: [Value]
        /// The provider's documented default, or `nil` when its documents name none.
        public var documentedDefault: Value?
        /// What ClipKit sends when the user names nothing: the documented default where there is one.
        public var sentByDefault: Value
        /// Where the facts come from.
        public var source: String

        public init(accepted: [Value], documentedDefault: Value?, sentByDefault: Value? = nil, source: String) {
            self.accepted = accepted
            self.documentedDefault = documentedDefault
            self.sentByDefault = sentByDefault ?? documentedDefault ?? accepted[0]
            self.source = source
        }
    }

    /// A model id and what it is documented to serve.
    public struct Model: Sendable, Hashable {
        public var id: String
        public var textToVideo: Bool
        public var imageToVideo: Bool
        public var note: String

        public init(_ id: String, textToVideo: Bool = true, imageToVideo: Bool = true, note: String = "") {
            self.id = id
            self.textToVideo = textToVideo
            self.imageToVideo = imageToVideo
            self.note = note
        }
    }

    /// How a local image can reach the provider.
    public struct ImageDelivery: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// An http(s) URL the provider fetches (it must be reachable from the provider's servers).
        public static let url = ImageDelivery(rawValue: 1)
        /// Inline, as a `data:image/...;base64,` URI in the create request.
        public static let dataURI = ImageDelivery(rawValue: 2)
        /// Through the provider's own upload endpoint, which returns a URL.
        public static let upload = ImageDelivery(rawValue: 4)
    }

    /// The provider's own continuation of a previous task.
    public struct NativeExtend: Sendable, Hashable {
        /// Whether the continuation may also take an end image.
        public var endImage: Bool
        /// Whether the continuation takes the loop option (KKIAI's extend body has no such field).
        public var loop: Bool
        /// Whether the continuation's own duration, resolution and aspect are sent (Luma) or inherited
        /// from the task it continues (KKIAI's extend body carries only prompt and images).
        public var inheritsShape: Bool
    }

    public var provider: ProviderKind
    /// Model ids, the default text-to-video one first.
    public var models: [Model]
    public var durations: Setting<Int>
    /// `nil`: the request has no resolution field; the provider chooses the size.
    public var resolutions: Setting<String>?
    /// `nil`: the request has no aspect-ratio field; the output follows the start image or is 16:9.
    public var aspectRatios: Setting<String>?
    /// Durations accepted when a start or end image is given (PiAPI: 5 s only), if narrower.
    public var durationsWithImages: [Int]?
    public var loop: Bool
    /// Whether the output takes the start image's shape, so the requested aspect must agree with it.
    public var followsStartImageShape: Bool
    /// Whether an end image needs a start image (Pixwith's `image_urls`: start, then end).
    public var endImageNeedsStartImage: Bool
    public var imageDelivery: ImageDelivery
    public var nativeExtend: NativeExtend?
    public var webhooks: ProviderCapabilities.WebhookSupport
    public var cancels: Bool
    /// Whether the provider lists past tasks with their requests (Luma `GET /generations`), so a submit
    /// whose answer was lost can be found again.
    public var listsTasks: Bool
    /// The prompt's length limits.
    public var promptLength: ClosedRange<Int>
    /// Whether a prompt is required even with a keyframe.
    public var promptRequiredWithImages: Bool
    /// The display sizes the provider is known or inferred to return, by resolution (`""` where the
    /// request has no resolution) and aspect ratio, e.g. `["720p": ["16:9": "1280x720"]]`.
    public var outputSizes: [String: [String: String]]
    /// The facts behind the sizes.
    public var outputSizesSource: String

    /// The profile of `provider`.
    public static func of(_ provider: ProviderKind) -> ProviderProfile {
        switch provider {
        case .piapi: .piapi
        case .kkiai: .kkiai
        case .pixwith: .pixwith
        case .luma: .luma
        }
    }

    /// The model used when the request names none: the image-to-video one when images are given.
    public func defaultModel(withImages: Bool) -> String {
        let role = models.first { withImages ? $0.imageToVideo : $0.textToVideo }
        return (role ?? models[0]).id
    }

    public func model(_ id: String) -> Model? { models.first { $0.id == id } }

    /// The size the provider returns for a resolution and aspect, if known.
    public func outputSize(resolution: String?, aspectRatio: String) -> String? {
        outputSizes[resolution?.lowercased() ?? ""]?[aspectRatio]
    }

    /// The older, flat view the clients' `capabilities` return.
    public var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            acceptsDataURI: imageDelivery.contains(.dataURI),
            uploadsImages: imageDelivery.contains(.upload),
            nativeExtend: nativeExtend != nil,
            webhooks: webhooks,
            cancels: cancels,
            durations: durations.accepted,
            resolutions: resolutions?.accepted ?? [],
            aspectRatios: aspectRatios?.accepted ?? ["16:9"],
            models: models.map(\.id))
    }
}

// MARK: - The four providers

extension ProviderProfile {
    /// The Dream Machine web app's sizes, as PiAPI and KKIAI return them at their standard quality:
    /// 1152x864 for 4:3 [C], 1360x752 for 16:9 and 1024x1024 for 1:1 [C3]; the other shapes are the same
    /// ~1 MP grid, inferred [I].
    static let webAppSizes: [String: String] = [
        "16:9": "1360x752", "9:16": "752x1360", "1:1": "1024x1024", "4:3": "1152x864", "3:4": "864x1152",
        "21:9": "1568x672", "9:21": "672x1568",
    ]

    /// Sizes of a resolution class for the standard shapes: the short side is the class's height.
    static func standardSizes(shortSide: Int) -> [String: String] {
        func size(_ w: Int, _ h: Int) -> String {
            // Long side rounded to a multiple of 16, as encoders of a latent grid do.
            let long = Int((Double(shortSide) * Double(max(w, h)) / Double(min(w, h)) / 16).rounded()) * 16
            return w >= h ? "\(long)x\(shortSide)" : "\(shortSide)x\(long)"
        }
        return [
            "16:9": size(16, 9), "9:16": size(9, 16), "1:1": "\(shortSide)x\(shortSide)", "4:3": size(4, 3),
            "3:4": size(3, 4), "21:9": size(21, 9), "9:21": size(9, 21),
        ]
    }

    /// PiAPI, dialect A (the seed): `input:{model, prompt, duration, aspect_ratio, start_image, end_image, loop}`.
    public static let piapi = ProviderProfile(
        provider: .piapi,
        models: [Model("ray-v2", note: "Ray 2"), Model("ray-v1", note: "Ray 1.6")],
        durations: Setting(
            accepted: [5, 10], documentedDefault: nil, sentByDefault: 5,
            source: "seed example sends 5; providers.md §2.1: 5 or 10 [C3]"),
        resolutions: nil,
        aspectRatios: Setting(
            accepted: ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9"], documentedDefault: nil, sentByDefault: "16:9",
            source: "seed example sends 16:9; community clients offer these six [C3]"),
        durationsWithImages: [5],
        loop: true,
        followsStartImageShape: false,
        endImageNeedsStartImage: false,
        // Images are URLs; the ephemeral upload (Creator plan or higher) returns one [C].
        imageDelivery: [.url, .upload],
        // `extend_video`'s payload is undocumented (placeholder examples) [U]: not offered.
        nativeExtend: nil,
        webhooks: .sharedSecretHeader,
        cancels: true,
        listsTasks: false,
        promptLength: 1...5000,
        promptRequiredWithImages: true,
        outputSizes: ["": webAppSizes],
        outputSizesSource: "the Dream Machine web app's sizes: 4:3 1152x864 [C], 16:9 1360x752 [C3], others inferred [I]")

    /// KKIAI's relay of the web app's generation fields.
    public static let kkiai = ProviderProfile(
        provider: .kkiai,
        models: [Model("ray-v2", note: "Ray 2"), Model("ray-v1", note: "Ray 1.6")],
        durations: Setting(
            accepted: [5], documentedDefault: nil, sentByDefault: 5,
            source: "seed example sends \"5s\"; a sibling mirror: 5s only [C3]"),
        resolutions: Setting(
            accepted: ["720p", "1080p"], documentedDefault: "720p", source: "seed: \"720p or 1080p, default is 720p\""),
        aspectRatios: Setting(
            accepted: ["16:9", "9:16", "1:1", "4:3", "3:4"], documentedDefault: nil, sentByDefault: "16:9",
            source: "the web app's shapes; with a start image the output follows the image"),
        durationsWithImages: nil,
        loop: true,
        followsStartImageShape: true,
        endImageNeedsStartImage: false,
        // "image_url: URL or Base64" [C]; no upload endpoint [U].
        imageDelivery: [.url, .dataURI],
        nativeExtend: NativeExtend(endImage: true, loop: false, inheritsShape: true),
        webhooks: .unsignedURL,
        cancels: false,
        listsTasks: false,
        promptLength: 1...5000,
        promptRequiredWithImages: true,
        outputSizes: ["720p": webAppSizes],
        outputSizesSource: "720p: the web app's sizes (4:3 1152x864 [C], 16:9 1360x752 [C3], others [I]); 1080p: [U]")

    /// Pixwith's `model_id` 2-4 (the parameter table) and 3-4 (the image-to-video example).
    public static let pixwith = ProviderProfile(
        provider: .pixwith,
        models: [
            Model("2-4", textToVideo: true, imageToVideo: false, note: "the parameter table and the text-to-video example"),
            Model("3-4", textToVideo: false, imageToVideo: true, note: "the image-to-video example"),
        ],
        durations: Setting(accepted: [5, 9], documentedDefault: nil, sentByDefault: 5, source: "seed: 5 or 9, required"),
        resolutions: Setting(
            accepted: ["540p", "720p"], documentedDefault: nil, sentByDefault: "720p",
            source: "seed: 540p or 720p, required, no default"),
        aspectRatios: Setting(
            accepted: ["16:9", "9:16", "1:1", "4:3", "3:4", "9:21", "21:9"], documentedDefault: nil,
            sentByDefault: "16:9", source: "seed: seven values, required"),
        durationsWithImages: nil,
        loop: true,
        followsStartImageShape: false,
        endImageNeedsStartImage: true,
        // image_urls are URLs; the MCP presigned upload has no documented REST path [U].
        imageDelivery: [.url],
        nativeExtend: nil,
        webhooks: .none,
        cancels: false,
        listsTasks: false,
        promptLength: 1...5000,
        promptRequiredWithImages: true,
        outputSizes: ["540p": standardSizes(shortSide: 540), "720p": standardSizes(shortSide: 720)],
        outputSizesSource: "no size is documented; Ray 2's standard sizes assumed [I]")

    /// Luma's own API.
    public static let luma = ProviderProfile(
        provider: .luma,
        models: [
            Model("ray-2", note: "Ray 2"), Model("ray-flash-2", note: "Ray 2 Flash"),
            Model("ray-1-6", note: "Ray 1.6: no duration or resolution"),
        ],
        durations: Setting(
            accepted: [5, 9], documentedDefault: nil, sentByDefault: 5, source: "SDK: \"5s\" | \"9s\""),
        resolutions: Setting(
            accepted: ["540p", "720p", "1080p", "4k"], documentedDefault: nil, sentByDefault: "720p",
            source: "SDK enum; 1080p and 4k at generation time are [U]"),
        aspectRatios: Setting(
            accepted: ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "9:21"], documentedDefault: nil,
            sentByDefault: "16:9", source: "SDK enum"),
        durationsWithImages: nil,
        loop: true,
        followsStartImageShape: false,
        endImageNeedsStartImage: false,
        // "upload and use your own cdn image urls, currently this is the only way" [C].
        imageDelivery: [.url],
        nativeExtend: NativeExtend(endImage: true, loop: false, inheritsShape: false),
        webhooks: .unsignedURL,
        cancels: false,
        listsTasks: true,
        promptLength: 3...5000,
        promptRequiredWithImages: false,
        outputSizes: [
            "540p": standardSizes(shortSide: 540), "720p": standardSizes(shortSide: 720),
            "1080p": standardSizes(shortSide: 1080),
        ],
        outputSizesSource: "720p 16:9 1280x720 and portrait 720x1280 [C3]; other shapes inferred [I]")
}

extension ProviderKind {
    /// What this provider documents (``ProviderProfile``).
    public var profile: ProviderProfile { .of(self) }
}
