import ClipMedia

/// A human-edited JSON file describing one provider/model/output shape: the request parameters that
/// produce it and the QA expectations and tolerances that go with them.
///
/// One file covers every aspect ratio of a provider, resolution and duration; ``expectations(aspectRatio:)``
/// narrows it to the shape that was asked for (or accepts any of the provider's shapes when unknown).
public struct Preset: Sendable, Codable, Hashable {
    public var name: String
    public var description: String?
    /// The parameters a generation request sends for this shape (nil for `default`).
    public var request: PresetRequest?
    /// Aspect ratios the provider offers, e.g. `["16:9", "9:16", "1:1"]`.
    public var aspectRatios: [String]
    /// The size the provider delivers for each aspect ratio, when known ("16:9": "1360x752").
    public var sizes: [String: String]
    /// Where the numbers come from, for the person editing the file.
    public var notes: String?
    public var expect: ClipExpectations

    public init(
        name: String, description: String? = nil, request: PresetRequest? = nil, aspectRatios: [String] = [],
        sizes: [String: String] = [:], notes: String? = nil, expect: ClipExpectations = .none
    ) {
        self.name = name
        self.description = description
        self.request = request
        self.aspectRatios = aspectRatios
        self.sizes = sizes
        self.notes = notes
        self.expect = expect
    }

    enum CodingKeys: String, CodingKey {
        case name, description, request, sizes, notes, expect
        case aspectRatios = "aspect_ratios"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        request = try c.decodeIfPresent(PresetRequest.self, forKey: .request)
        aspectRatios = try c.decodeIfPresent([String].self, forKey: .aspectRatios) ?? []
        sizes = try c.decodeIfPresent([String: String].self, forKey: .sizes) ?? [:]
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
        expect = try c.decodeIfPresent(ClipExpectations.self, forKey: .expect) ?? .none
        for ratio in aspectRatios + Array(sizes.keys) where Ratio(parsing: ratio) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .aspectRatios, in: c, debugDescription: "'\(ratio)' is not an aspect ratio such as 16:9")
        }
    }

    /// The expectations for a clip requested at `aspectRatio` ("16:9"), or for any of the preset's
    /// shapes when nil. The aspect check is filled in from the shape; the resolution check shows the
    /// provider's usual size for it.
    public func expectations(aspectRatio: String?) -> ClipExpectations {
        var expectations = expect
        if var aspect = expectations.aspect, aspect.anyOf.isEmpty {
            let names = aspectRatio.map { [$0] } ?? (aspectRatios.isEmpty ? Array(sizes.keys).sorted() : aspectRatios)
            aspect.anyOf = names.compactMap(Ratio.init(parsing:))
            expectations.aspect = aspect.anyOf.isEmpty ? nil : aspect
        }
        if let aspectRatio, var resolution = expectations.resolution, resolution.typical == nil,
            let size = sizes[aspectRatio]
        {
            resolution.typical = size
            expectations.resolution = resolution
        }
        return expectations
    }
}

/// The request parameters a preset stands for, in the sidecar's vocabulary.
public struct PresetRequest: Sendable, Codable, Hashable {
    public var provider: String
    public var model: String?
    /// Further model ids the preset stands for, where a provider uses one id for text and another for
    /// images (Pixwith 2-4 and 3-4).
    public var alsoModels: [String]?
    public var durationSeconds: Double?
    public var aspectRatio: String?
    public var resolution: String?
    public var loop: Bool?

    public init(
        provider: String, model: String? = nil, durationSeconds: Double? = nil, aspectRatio: String? = nil,
        resolution: String? = nil, loop: Bool? = nil
    ) {
        self.provider = provider
        self.model = model
        self.durationSeconds = durationSeconds
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.loop = loop
    }

    enum CodingKeys: String, CodingKey {
        case provider, model, resolution, loop
        case alsoModels = "also_models"
        case durationSeconds = "duration_s"
        case aspectRatio = "aspect_ratio"
    }

    /// Whether the preset stands for requests to this model id (exactly; no model matches no model).
    public func covers(model id: String?) -> Bool {
        guard let id = id?.lowercased() else { return model == nil }
        return ([model].compactMap { $0 } + (alsoModels ?? [])).contains { $0.lowercased() == id }
    }
}
