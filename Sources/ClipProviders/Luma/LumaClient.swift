import Foundation
import Logging
import NIOHTTP1

/// Client for Luma's Dream Machine API (`Authorization: Bearer`; `POST /dream-machine/v1/generations`,
/// `GET /dream-machine/v1/generations/{id}`; errors as `{"detail": ...}`).
///
/// Luma takes images only as URLs it can fetch (no data URIs, no upload endpoint) and extends natively
/// with `keyframes.frame0 = {type: "generation", id}`.
public struct LumaClient: VideoGenerationProvider {
    public let kind = ProviderKind.luma
    let http: ProviderHTTPClient

    public init(configuration: ProviderConfiguration, options: ProviderClientOptions = ProviderClientOptions()) {
        self.http = ProviderHTTPClient(configuration: configuration, options: options)
    }

    /// The generations path under the base URL.
    static let generationsPath = "/dream-machine/v1/generations"

    public var capabilities: ProviderCapabilities { ProviderProfile.luma.capabilities }

    public func validate(_ request: GenerationRequest) throws {
        try ProviderProfile.luma.validate(request)
    }

    public func createBody(for request: GenerationRequest) throws -> Data {
        let request = try ProviderProfile.luma.resolve(request)
        let model = request.model ?? capabilities.defaultModel
        let frame0: LumaWire.Keyframe? =
            if let extend = request.extend { .generation(extend.taskID) } else {
                request.startImage.map { .image($0.wireValue) }
            }
        let frame1 = request.endImage.map { LumaWire.Keyframe.image($0.wireValue) }
        let prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        let supportsOptions = model != "ray-1-6"
        let body = LumaWire.CreateBody(
            model: model,
            prompt: prompt.isEmpty ? nil : request.prompt,
            aspectRatio: request.aspectRatio,
            duration: supportsOptions ? "\(request.duration)s" : nil,
            resolution: supportsOptions ? request.resolution?.lowercased() : nil,
            loop: request.loop,
            keyframes: frame0 == nil && frame1 == nil ? nil : LumaWire.Keyframes(frame0: frame0, frame1: frame1),
            callbackURL: request.webhookURL?.absoluteString
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(body)
    }

    public func submit(_ request: GenerationRequest) async throws -> String {
        let body = try createBody(for: request)
        let response = try await http.send(
            .POST, try http.url(Self.generationsPath), headers: try headers(), body: body, kind: .create,
            operation: "create generation")
        try http.checkStatus(response)
        let id = try http.readCreatedTaskID(response) {
            try http.decode(LumaWire.Generation.self, from: response.body, what: "create answer").id
        }
        http.logger?.info("Luma generation created", metadata: ["taskID": "\(id)"])
        return id
    }

    public func fetch(taskID: String) async throws -> TaskSnapshot {
        let response = try await http.send(
            .GET, try http.url("\(Self.generationsPath)/\(ProviderHTTPClient.pathSegment(taskID))"),
            headers: try headers(), kind: .read, operation: "get generation")
        try http.checkStatus(response)
        let generation = try http.decode(LumaWire.Generation.self, from: response.body, what: "generation")
        let json = try http.parseJSON(response.body, what: "generation")
        return Self.snapshot(generation, raw: SnapshotRedaction.redact(json, apiKey: http.apiKey))
            .redactingText(http.redact)
    }

    func headers() throws -> HTTPHeaders {
        ["Authorization": "Bearer \(try http.requireKey().value)"]
    }

    /// Builds a snapshot from a Generation object (poll answer or callback body). No cost: Luma documents no
    /// per-generation charge field (only `GET /credits`, the account balance).
    static func snapshot(_ generation: LumaWire.Generation, raw: Data) -> TaskSnapshot {
        func url(_ s: String?) -> URL? {
            guard let s, !s.isEmpty, let url = URL(string: s), RequestValidation.isHTTP(url) else { return nil }
            return url
        }
        return TaskSnapshot(
            taskID: generation.id,
            state: TaskState.luma(generation.state ?? "", failureReason: generation.failureReason),
            videoURL: url(generation.assets?.video),
            thumbnailURL: url(generation.assets?.image) ?? url(generation.assets?.thumbnail),
            raw: raw
        )
    }
}
