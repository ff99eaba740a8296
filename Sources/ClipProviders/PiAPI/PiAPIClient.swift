import Foundation
import Logging
import NIOHTTP1

/// Client for PiAPI's unified task API (`x-api-key`; `POST /api/v1/task`, `GET /api/v1/task/{id}`,
/// `DELETE /api/v1/task/{id}`) and its ephemeral upload service.
public struct PiAPIClient: VideoGenerationProvider {
    public let kind = ProviderKind.piapi
    private let http: ProviderHTTPClient
    private let uploadBaseURL: URL

    /// Largest upload PiAPI accepts (10 MB).
    public static let maximumUploadBytes = 10_000_000

    public init(configuration: ProviderConfiguration, options: ProviderClientOptions = ProviderClientOptions()) {
        self.http = ProviderHTTPClient(configuration: configuration, options: options)
        self.uploadBaseURL = configuration.uploadBaseURL ?? URL(string: ProviderConfiguration.piapiUploadBaseURL)!
    }

    public var capabilities: ProviderCapabilities { ProviderProfile.piapi.capabilities }

    public func validate(_ request: GenerationRequest) throws {
        try ProviderProfile.piapi.validate(request)
    }

    public func createBody(for request: GenerationRequest) throws -> Data {
        let request = try ProviderProfile.piapi.resolve(request)
        // Dialect A (the seed's) has no prompt-enhancement field (`expand_prompt` exists only in Dialect B's
        // `input`), so `enhancePrompt` cannot be honoured here and is not sent: the capability model should say so.
        let body = PiAPIWire.CreateBody(
            input: PiAPIWire.Input(
                model: request.model ?? capabilities.defaultModel,
                prompt: request.prompt,
                duration: request.duration,
                aspectRatio: request.aspectRatio,
                startImage: request.startImage?.wireValue,
                endImage: request.endImage?.wireValue,
                loop: request.loop
            ),
            config: request.webhookURL.map {
                PiAPIWire.Config(
                    webhookConfig: PiAPIWire.WebhookConfig(
                        endpoint: $0.absoluteString, secret: request.webhookSecret ?? ""))
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(body)
    }

    public func submit(_ request: GenerationRequest) async throws -> String {
        let body = try createBody(for: request)
        let response = try await http.send(
            .POST, try http.url("/api/v1/task"), headers: try headers(), body: body, kind: .create,
            operation: "create task")
        let id = try http.readCreatedTaskID(response) { try decodeTask(response, what: "create answer").task.taskID }
        http.logger?.info("PiAPI task created", metadata: ["taskID": "\(id)"])
        return id
    }

    public func fetch(taskID: String) async throws -> TaskSnapshot {
        let response = try await http.send(
            .GET, try http.url("/api/v1/task/\(ProviderHTTPClient.pathSegment(taskID))"), headers: try headers(),
            kind: .read,
            operation: "get task")
        let (task, json) = try decodeTask(response, what: "task answer")
        return Self.snapshot(task: task, raw: SnapshotRedaction.redact(json, apiKey: http.apiKey))
            .redactingText(http.redact)
    }

    public func cancel(taskID: String) async throws {
        let response = try await http.send(
            .DELETE, try http.url("/api/v1/task/\(ProviderHTTPClient.pathSegment(taskID))"), headers: try headers(),
            kind: .read,
            operation: "cancel task")
        try http.checkStatus(response)
        if let json = try? JSONValue.parse(response.body) {
            try checkEnvelope(json)
        }
    }

    /// Uploads to PiAPI's ephemeral storage (deleted after 24 h; Creator plan or higher).
    public func uploadImage(_ data: Data, fileName: String) async throws -> URL {
        let ext = (fileName as NSString).pathExtension.lowercased()
        guard ["png", "jpg", "jpeg", "webp"].contains(ext) else {
            throw ProviderError.invalidRequest(
                field: "upload file name", value: "\"\(fileName)\"", accepted: ".png, .jpg, .jpeg or .webp",
                provider: kind)
        }
        guard fileName.count <= 128 else {
            throw ProviderError.invalidRequest(
                field: "upload file name", value: "of \(fileName.count) characters", accepted: "at most 128 characters",
                provider: kind)
        }
        guard data.count <= Self.maximumUploadBytes else {
            throw ProviderError.invalidRequest(
                field: "upload size", value: "\(data.count) bytes", accepted: "at most 10 MB", provider: kind)
        }
        let body = try JSONEncoder().encode(
            PiAPIWire.UploadBody(fileName: fileName, fileData: data.base64EncodedString()))
        let response = try await http.send(
            .POST, try http.url("/api/ephemeral_resource", base: uploadBaseURL), headers: try headers(), body: body,
            kind: .read, operation: "upload image")
        try http.checkStatus(response)
        let json = try http.parseJSON(response.body, what: "upload answer")
        try checkEnvelope(json)
        // The docs put the URL in data.url; PiAPI's own CLI reads a top-level url. Accept both.
        guard let url = json.httpURL(at: "data.url") ?? json.httpURL(at: "url") else {
            throw ProviderError.decoding("upload answer", detail: "no data.url", provider: kind)
        }
        return url
    }

    // MARK: Parsing

    private func headers() throws -> HTTPHeaders {
        ["x-api-key": try http.requireKey().value]
    }

    /// Reads a create or get-task answer: HTTP status, then the envelope's `code`, and only then `data`, so an
    /// answer such as `{"code": 10002, "message": "insufficient credits", "data": {}}` is the provider's
    /// refusal (``ProviderError/Kind/apiError``), not an unreadable answer (which, for a create, would mean
    /// "outcome unknown").
    private func decodeTask(
        _ response: ProviderHTTPResponse, what: String
    ) throws -> (task: PiAPIWire.TaskData, json: JSONValue) {
        try http.checkStatus(response)
        let json = try http.parseJSON(response.body, what: what)
        try checkEnvelope(json)
        guard let data = json["data"], data != .null else {
            throw ProviderError.decoding(what, detail: "missing data", provider: kind)
        }
        let task = try http.decode(PiAPIWire.TaskData.self, from: data.encoded(), what: "\(what) data")
        guard !task.taskID.isEmpty else {
            throw ProviderError.decoding(what, detail: "missing data.task_id", provider: kind)
        }
        return (task, json)
    }

    /// Throws the envelope's error when its `code` is present and not 200. The message is the envelope's
    /// `message`, else the task's `data.error.message`/`raw_message`, with the key redacted.
    private func checkEnvelope(_ json: JSONValue) throws {
        guard let code = json.string(at: "code"), code != "200" else { return }
        let message = [json.string(at: "message"), json.string(at: "data.error.message"),
            json.string(at: "data.error.raw_message")]
            .compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { !$0.isEmpty && $0.lowercased() != "success" }
        throw ProviderError.apiError(
            code: http.redact(code), message: http.redact(message ?? "no message"), provider: kind)
    }

    /// Builds a snapshot from a task object (poll answer or webhook `data`).
    static func snapshot(task: PiAPIWire.TaskData, raw: Data) -> TaskSnapshot {
        let reason = task.error?.reason
        let state = TaskState.piapi(task.status ?? "", failureReason: reason)
        let output = task.output ?? .null
        let urls = videoURLs(in: output)
        let dimensionsSource = output.value(at: "video_raw") ?? output.value(at: "video")
        var progress = output.number(at: "progress")
        if let p = progress, p > 1 { progress = p / 100 }
        // `meta.usage.consume` is what the task was charged, in `meta.usage.type` units ("point" in the docs,
        // "llm" in the seed answer).
        let cost = task.meta?.number(at: "usage.consume").map {
            TaskCost(amount: $0, unit: task.meta?.string(at: "usage.type").flatMap { $0.isEmpty ? nil : $0 } ?? "point")
        }
        return TaskSnapshot(
            taskID: task.taskID,
            state: state,
            videoURL: urls.preferred,
            watermarkedVideoURL: urls.watermarked,
            thumbnailURL: output.httpURL(at: "thumbnail.url") ?? output.httpURL(at: "thumbnail_url"),
            lastFrameURL: output.httpURL(at: "last_frame.url") ?? output.httpURL(at: "last_frame_url"),
            width: dimensionsSource?.number(at: "width").map { Int($0) },
            height: dimensionsSource?.number(at: "height").map { Int($0) },
            progress: progress,
            cost: cost,
            raw: raw
        )
    }

    /// The un-watermarked video first: `output.video_raw.url`, `output.video.url`, `output.video_url`,
    /// `output.generation.video.url` (legacy), then any `.mp4` URL anywhere in `output` (not a watermarked one
    /// if another exists), as PiAPI's own CLI does because "output schema varies per model".
    static func videoURLs(in output: JSONValue) -> (preferred: URL?, watermarked: URL?) {
        let raw = output.httpURL(at: "video_raw.url")
        let video = output.httpURL(at: "video.url")
        if let raw {
            return (raw, video != raw ? video : nil)
        }
        if let video {
            return (video, nil)
        }
        for path in ["video_url", "generation.video.url", "generation.video_raw.url", "video"] {
            if let url = output.httpURL(at: path) { return (url, nil) }
        }
        let mp4s = output.allHTTPURLs().filter { $0.path.lowercased().hasSuffix(".mp4") }
        let clean = mp4s.first { !$0.absoluteString.lowercased().contains("watermark") }
        return (clean ?? mp4s.first, nil)
    }
}
