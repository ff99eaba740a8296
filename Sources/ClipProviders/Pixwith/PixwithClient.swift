import Foundation
import Logging
import NIOHTTP1

/// Client for Pixwith (`Api-Key`; `POST /api/task/create`, `POST /api/task/get`, integer statuses).
/// Pixwith sends no callbacks and has no REST upload or cancel: it is polled.
public struct PixwithClient: VideoGenerationProvider {
    public let kind = ProviderKind.pixwith
    private let http: ProviderHTTPClient

    public init(configuration: ProviderConfiguration, options: ProviderClientOptions = ProviderClientOptions()) {
        self.http = ProviderHTTPClient(configuration: configuration, options: options)
    }

    /// The resolution sent when the request leaves it unset (the field is required).
    public static let defaultResolution = "720p"

    public var capabilities: ProviderCapabilities { ProviderProfile.pixwith.capabilities }

    public func validate(_ request: GenerationRequest) throws {
        try ProviderProfile.pixwith.validate(request)
    }

    public func createBody(for request: GenerationRequest) throws -> Data {
        let request = try ProviderProfile.pixwith.resolve(request)
        let images = [request.startImage, request.endImage].compactMap { $0?.wireValue }
        let body = PixwithWire.CreateBody(
            prompt: request.prompt,
            imageURLs: images.isEmpty ? nil : images,
            // `resolve` already picked "2-4" for text and "3-4" with images (the seed's image-to-video example):
            // a text-to-video model may ignore the start image, which would silently break a chain.
            modelID: request.model ?? ProviderProfile.pixwith.defaultModel(withImages: !images.isEmpty),
            options: PixwithWire.Options(
                // `--enhance-prompt`: Pixwith translates the prompt into English.
                promptOptimization: request.enhancePrompt,
                aspectRatio: request.aspectRatio,
                resolution: request.resolution?.lowercased() ?? Self.defaultResolution,
                duration: request.duration,
                loop: request.loop
            )
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(body)
    }

    public func submit(_ request: GenerationRequest) async throws -> String {
        let body = try createBody(for: request)
        let response = try await http.send(
            .POST, try http.url("/api/task/create"), headers: try headers(), body: body, kind: .create,
            operation: "create task")
        let id = try http.readCreatedTaskID(response) {
            guard let id = try unwrap(response, what: "create answer").data.string(at: "task_id"), !id.isEmpty else {
                throw ProviderError.decoding("create answer", detail: "missing data.task_id", provider: kind)
            }
            return id
        }
        http.logger?.info("Pixwith task created", metadata: ["taskID": "\(id)"])
        return id
    }

    public func fetch(taskID: String) async throws -> TaskSnapshot {
        let body = try JSONEncoder().encode(PixwithWire.GetBody(taskID: taskID))
        let response = try await http.send(
            .POST, try http.url("/api/task/get"), headers: try headers(), body: body, kind: .read,
            operation: "get task")
        let (data, message) = try unwrap(response, what: "task answer")
        let json = try http.parseJSON(response.body, what: "task answer")
        return Self.snapshot(
            data: data, fallbackID: taskID, raw: SnapshotRedaction.redact(json, apiKey: http.apiKey),
            envelopeMessage: message
        ).redactingText(http.redact)
    }

    private func headers() throws -> HTTPHeaders {
        ["Api-Key": try http.requireKey().value]
    }

    /// Checks HTTP status and envelope code (1 success, 0 failure, 2 authentication), and returns `data`
    /// with the envelope's `message`.
    private func unwrap(_ response: ProviderHTTPResponse, what: String) throws -> (data: JSONValue, message: String?) {
        try http.checkStatus(response)
        let envelope = try http.decode(PixwithWire.Envelope.self, from: response.body, what: what)
        switch envelope.code {
        case 1?:
            guard let data = envelope.data, case .object = data else {
                throw ProviderError.decoding(what, detail: "missing data", provider: kind)
            }
            return (data, envelope.message)
        case 2?:
            throw ProviderError.authentication(http.redact(envelope.message ?? "invalid API key"), provider: kind)
        case let code?:
            throw ProviderError.apiError(
                code: String(code), message: http.redact(envelope.message ?? ""), provider: kind)
        case nil:
            throw ProviderError.decoding(what, detail: "missing code", provider: kind)
        }
    }

    /// Builds a snapshot from the poll answer's `data`. A failed task's reason is `data.error` (or a like
    /// field), else the envelope's `message` unless that only says "success".
    static func snapshot(
        data: JSONValue, fallbackID: String, raw: Data, envelopeMessage: String? = nil
    ) -> TaskSnapshot {
        let status = data.number(at: "status").map { Int($0) } ?? -1
        let envelopeReason = envelopeMessage.flatMap {
            ["", "success", "ok"].contains($0.trimmingCharacters(in: .whitespaces).lowercased()) ? nil : $0
        }
        let reason = [
            data.string(at: "error"), data.string(at: "error.message"), data.string(at: "message"),
            data.string(at: "fail_reason"), data.string(at: "error_message"),
        ].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? envelopeReason
        return TaskSnapshot(
            taskID: data.string(at: "task_id") ?? fallbackID,
            state: TaskState.pixwith(status, failureReason: reason),
            videoURL: data.httpURL(at: "result_urls.0"),
            raw: raw
        )
    }
}
