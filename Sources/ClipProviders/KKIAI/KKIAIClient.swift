import Foundation
import Logging
import NIOHTTP1

/// Client for KKIAI's Luma relay (`Authorization: Bearer`; `POST /luma/generations`,
/// `GET /luma/generations/{id}`, `POST /luma/generations/{id}/extend`).
public struct KKIAIClient: VideoGenerationProvider {
    public let kind = ProviderKind.kkiai
    private let http: ProviderHTTPClient

    public init(configuration: ProviderConfiguration, options: ProviderClientOptions = ProviderClientOptions()) {
        self.http = ProviderHTTPClient(configuration: configuration, options: options)
    }

    public var capabilities: ProviderCapabilities { ProviderProfile.kkiai.capabilities }

    public func validate(_ request: GenerationRequest) throws {
        try ProviderProfile.kkiai.validate(request)
    }

    public func createBody(for request: GenerationRequest) throws -> Data {
        let request = try ProviderProfile.kkiai.resolve(request)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        if request.extend != nil {
            return try encoder.encode(
                KKIAIWire.ExtendBody(
                    userPrompt: request.prompt,
                    expandPrompt: request.enhancePrompt,
                    imageURL: request.startImage?.wireValue,
                    imageEndURL: request.endImage?.wireValue,
                    notifyHook: request.webhookURL?.absoluteString
                ))
        }
        return try encoder.encode(
            KKIAIWire.CreateBody(
                userPrompt: request.prompt,
                expandPrompt: request.enhancePrompt,
                loop: request.loop,
                imageURL: request.startImage?.wireValue,
                imageEndURL: request.endImage?.wireValue,
                notifyHook: request.webhookURL?.absoluteString,
                resolution: request.resolution?.lowercased() ?? "720p",
                duration: "\(request.duration)s",
                modelName: request.model ?? capabilities.defaultModel,
                aspectRatio: request.aspectRatio
            ))
    }

    public func submit(_ request: GenerationRequest) async throws -> String {
        let body = try createBody(for: request)
        let path =
            request.extend.map { "/luma/generations/\(ProviderHTTPClient.pathSegment($0.taskID))/extend" }
            ?? "/luma/generations"
        let response = try await http.send(
            .POST, try http.url(path), headers: try headers(), body: body, kind: .create, operation: "create task")
        let id = try http.readCreatedTaskID(response) {
            let answer = try parse(response, what: "create answer")
            guard let id = answer.taskID else {
                let said = [answer.json.string(at: "code").map { "code \($0)" }, answer.message]
                    .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
                throw ProviderError.decoding(
                    "create answer", detail: http.redact("no id or data.task_id" + (said.isEmpty ? "" : " (\(said))")),
                    provider: kind)
            }
            return id
        }
        http.logger?.info("KKIAI task created", metadata: ["taskID": "\(id)"])
        return id
    }

    public func fetch(taskID: String) async throws -> TaskSnapshot {
        let response = try await http.send(
            .GET, try http.url("/luma/generations/\(ProviderHTTPClient.pathSegment(taskID))"), headers: try headers(),
            kind: .read, operation: "get task")
        let answer = try parse(response, what: "task answer")
        return Self.snapshot(
            answer, fallbackID: taskID, raw: SnapshotRedaction.redact(answer.json, apiKey: http.apiKey)
        ).redactingText(http.redact)
    }

    private func headers() throws -> HTTPHeaders {
        ["Authorization": "Bearer \(try http.requireKey().value)", "Accept": "application/json"]
    }

    private func parse(_ response: ProviderHTTPResponse, what: String) throws -> KKIAIWire.Answer {
        try http.checkStatus(response)
        let answer = KKIAIWire.Answer(json: try http.parseJSON(response.body, what: what))
        if let error = answer.envelopeError {
            throw ProviderError.apiError(
                code: http.redact(error.code), message: http.redact(error.message), provider: kind)
        }
        return answer
    }

    /// Builds a snapshot from any KKIAI answer family (also used for callbacks). The video is read from the
    /// documented paths first (`video_raw`, `artifact.video_raw`, `video`, `video.download_url`,
    /// `data.task_result.videos[0]`), then, for a succeeded task, from anywhere in the answer.
    static func snapshot(_ answer: KKIAIWire.Answer, fallbackID: String, raw: Data) -> TaskSnapshot {
        let g = answer.generation
        let state = TaskState.kkiai(answer.status ?? "", failureReason: answer.failureReason)
        let raw1 = g.httpURL(at: "video_raw.url") ?? g.httpURL(at: "artifact.video_raw.url")
        let marked = g.httpURL(at: "video.url") ?? g.httpURL(at: "artifact.video.url")
        let download = g.httpURL(at: "video.download_url") ?? answer.json.httpURL(at: "download_url")
        // The code/data family's result list (`data.task_result.videos[0].url`).
        let listed = answer.json.httpURL(at: "data.task_result.videos.0.url")
            ?? answer.json.httpURL(at: "task_result.videos.0.url")
        // Only a finished task is searched: an unfinished one may carry a partial (progress) video.
        let found = state == .succeeded ? KKIAIVideoSearch.find(in: answer.json) : nil
        let video = raw1 ?? marked ?? download ?? listed ?? found
        let sizeSource = g["video_raw"] ?? g.value(at: "artifact.video_raw") ?? g["video"]
        var progress = g.number(at: "progress") ?? answer.json.number(at: "progress")
        if let p = progress, p > 1 { progress = p / 100 }
        return TaskSnapshot(
            taskID: answer.taskID ?? fallbackID,
            state: state,
            videoURL: video,
            watermarkedVideoURL: raw1 != nil ? marked : nil,
            thumbnailURL: g.httpURL(at: "thumbnail.url") ?? g.httpURL(at: "artifact.thumbnail.url"),
            lastFrameURL: g.httpURL(at: "last_frame.url") ?? g.httpURL(at: "artifact.last_frame.url"),
            width: sizeSource?.number(at: "width").map { Int($0) },
            height: sizeSource?.number(at: "height").map { Int($0) },
            progress: progress,
            raw: raw
        )
    }
}
