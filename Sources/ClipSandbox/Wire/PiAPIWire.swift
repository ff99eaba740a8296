import Foundation
import HTTPTypes
import Hummingbird

/// PiAPI's unified task API (piapi.ai/docs/dream-machine/*, seed 000): `x-api-key`, the `{code, message,
/// data}` envelope, statuses pending → processing → completed|failed, Dialect A (`input.model`,
/// `start_image`, `end_image`) and Dialect B (`model_name`, `key_frames`) inputs, completed output in the
/// documented Dialect B shape, cancel while pending, and the ephemeral-resource upload.
enum PiAPIWire {
    static let aspectRatios = ["9:16", "3:4", "1:1", "4:3", "16:9", "21:9", "9:21"]
    static let models = ["ray-v1", "ray-v2"]
    /// The message of the `insufficient-credits` fault.
    static let insufficientCredits = "insufficient credits: your balance is too low to create this task"
    static let uploadExtensions = ["png", "jpg", "jpeg", "webp", "gif", "mp4", "mov", "mp3", "wav"]

    static func register(on router: Router<BasicRequestContext>, engine: SandboxEngine) {
        router.post("/api/v1/task") { request, _ in
            await engine.store.countCreateCall(.piapi)
            return await answer {
                try authorize(request, engine)
                if await engine.faults.consume(.rateLimitCreate) {
                    throw SandboxError.rateLimited(retryAfterSeconds: engine.configuration.retryAfterSeconds)
                }
                if await engine.faults.consume(.insufficientCredits) {
                    // HTTP 200 with the failure only in the envelope's code: a client must read `code` first.
                    return WireSupport.json(["code": 402, "data": [:], "message": .string(insufficientCredits)])
                }
                let task = try await makeTask(try await WireSupport.jsonObject(request), engine: engine)
                await engine.accept(task)
                return WireSupport.json(envelope(data(of: task, links: nil)))
            }
        }
        router.get("/api/v1/task/:id") { request, context in
            await answer {
                try authorize(request, engine)
                let task = try await find(context, engine)
                let links = if let clip = task.clip { await engine.links(for: clip) } else { ClipLinks?.none }
                return WireSupport.json(envelope(data(of: task, links: links)))
            }
        }
        router.delete("/api/v1/task/:id") { request, context in
            await answer {
                try authorize(request, engine)
                let task = try await find(context, engine)
                guard let (current, cancelled) = await engine.store.cancelIfQueued(task.id), cancelled else {
                    throw SandboxError.badRequest(
                        "task \(task.id) is \(status(of: task.state)); only a pending task can be cancelled")
                }
                return WireSupport.json(envelope(data(of: current, links: nil)))
            }
        }
        router.post("/api/ephemeral_resource") { request, _ in
            await answer {
                try authorize(request, engine)
                let body = try await WireSupport.jsonObject(request)
                let url = try await upload(body, engine: engine)
                return WireSupport.json(["code": 200, "data": ["url": .string(url)], "message": "success"])
            }
        }
    }

    // MARK: Requests

    private static func authorize(_ request: Request, _ engine: SandboxEngine) throws {
        guard WireSupport.keyMatches(WireSupport.header(request, "x-api-key"), engine.configuration.apiKey) else {
            throw SandboxError.unauthorized("Invalid API key: send your PiAPI key in the x-api-key header")
        }
    }

    private static func find(_ context: BasicRequestContext, _ engine: SandboxEngine) async throws -> SandboxTask {
        let id = context.parameters.get("id") ?? ""
        guard let task = await engine.store.task(id, provider: .piapi) else {
            throw SandboxError.notFound("task \(id) not found")
        }
        return task
    }

    /// Validates a create body as PiAPI documents it and turns it into a task.
    static func makeTask(_ body: JSONValue, engine: SandboxEngine) async throws -> SandboxTask {
        let model = try WireSupport.string(body, "model", required: true)!
        guard model == "luma" else {
            throw SandboxError.badRequest("model must be 'luma' for Dream Machine tasks; got '\(model)'")
        }
        let taskType = try WireSupport.oneOf(
            try WireSupport.string(body, "task_type", required: true)!, ["video_generation", "extend_video"],
            field: "task_type")
        guard let input = body["input"], input.objectValue != nil else {
            throw SandboxError.badRequest("input must be an object")
        }

        let prompt = try WireSupport.string(input, "prompt", path: "input.prompt") ?? ""
        let loop = try WireSupport.bool(input, "loop", path: "input.loop") ?? false
        let aspectRatio = try WireSupport.oneOf(
            try WireSupport.string(input, "aspect_ratio", path: "input.aspect_ratio") ?? "16:9", aspectRatios,
            field: "input.aspect_ratio")
        var duration = 5
        if let value = input["duration"], !value.isNull {
            guard let seconds = value.intValue, seconds == 5 || seconds == 10 else {
                throw SandboxError.badRequest(
                    "input.duration must be 5 or 10 (an integer number of seconds); got \(value.serialized().utf8String)"
                )
            }
            duration = seconds
        }

        let modelName: String
        var start: GenerationSpec.Keyframe?
        var end: GenerationSpec.Keyframe?
        if input["key_frames"] != nil || input["model_name"] != nil {
            // Dialect B: model_name + key_frames.{frame0,frame1}.{type,url|id}
            modelName = try WireSupport.oneOf(
                try WireSupport.string(input, "model_name", path: "input.model_name") ?? "ray-v2", models,
                field: "input.model_name")
            if let frames = input["key_frames"], !frames.isNull {
                guard frames.objectValue != nil else {
                    throw SandboxError.badRequest("input.key_frames must be an object")
                }
                start = try await WireSupport.keyframe(frames["frame0"], field: "input.key_frames.frame0", provider: .piapi, engine: engine) { id, _ in "input.key_frames.frame0.id \(id) is not a completed task" }
                end = try await WireSupport.keyframe(frames["frame1"], field: "input.key_frames.frame1", provider: .piapi, engine: engine) { id, _ in "input.key_frames.frame1.id \(id) is not a completed task" }
            }
        } else {
            // Dialect A: input.model, start_image, end_image
            modelName = try WireSupport.oneOf(
                try WireSupport.string(input, "model", path: "input.model") ?? "ray-v2", models, field: "input.model")
            if let url = try WireSupport.string(input, "start_image", path: "input.start_image"), !url.isEmpty {
                start = .image(url)
            }
            if let url = try WireSupport.string(input, "end_image", path: "input.end_image"), !url.isEmpty {
                end = .image(url)
            }
        }
        if taskType == "extend_video", start == nil {
            throw SandboxError.badRequest(
                "extend_video needs key_frames.frame0 of type generation (the task to extend)")
        }
        if start == nil, end == nil, prompt.trimmingCharacters(in: .whitespaces).isEmpty {
            throw SandboxError.badRequest("input.prompt is required when no key frame is given")
        }
        if start != nil || end != nil, duration != 5 {
            throw SandboxError.badRequest(
                "input.duration must be 5 when a key frame is given (10 s is text-to-video only)")
        }

        var callback: String?
        var secret: String?
        var config: JSONObject = ["service_mode": "", "webhook_config": ["endpoint": "", "secret": ""]]
        if let given = body["config"], !given.isNull {
            guard given.objectValue != nil else { throw SandboxError.badRequest("config must be an object") }
            if let mode = try WireSupport.string(given, "service_mode", path: "config.service_mode") {
                config["service_mode"] = .string(
                    try WireSupport.oneOf(mode, ["", "public", "private"], field: "config.service_mode"))
            }
            if let webhook = given["webhook_config"], !webhook.isNull {
                callback = try WireSupport.string(webhook, "endpoint", path: "config.webhook_config.endpoint")
                secret = try WireSupport.string(webhook, "secret", path: "config.webhook_config.secret")
                config["webhook_config"] = ["endpoint": .string(callback ?? ""), "secret": .string(secret ?? "")]
            }
        }
        let spec = GenerationSpec(
            prompt: prompt, model: modelName, durationSeconds: duration, aspectRatio: aspectRatio, resolution: nil,
            loop: loop, start: start, end: end, callbackURL: callback, webhookSecret: secret
        )
        return SandboxTask(
            provider: .piapi, id: SandboxEngine.newID(for: .piapi), taskType: taskType, spec: spec, echo: input,
            config: .object(config))
    }

    private static func upload(_ body: JSONValue, engine: SandboxEngine) async throws -> String {
        let invalid = "Invalid request parameters"
        guard let name = try? WireSupport.string(body, "file_name"), !name.isEmpty, name.count <= 128 else {
            throw SandboxError.badRequest("\(invalid): file_name is required, at most 128 characters")
        }
        let ext = (name as NSString).pathExtension.lowercased()
        guard uploadExtensions.contains(ext) else {
            throw SandboxError.badRequest(
                "\(invalid): file extension '\(ext)' is not supported (\(uploadExtensions.joined(separator: ", ")))")
        }
        guard let payload = try? WireSupport.string(body, "file_data"), !payload.isEmpty else {
            throw SandboxError.badRequest("\(invalid): file_data (Base64 or a data URI) is required")
        }
        let data: Data
        if payload.hasPrefix("data:") {
            data = try ImageLoader.decodeDataURI(payload)
        } else if let decoded = Data(base64Encoded: payload, options: .ignoreUnknownCharacters), !decoded.isEmpty {
            data = decoded
        } else {
            throw SandboxError.badRequest("\(invalid): file_data is not Base64")
        }
        guard data.count <= 10 * 1024 * 1024 else {
            throw SandboxError.badRequest("\(invalid): the file is larger than 10 MB")
        }
        let stored = "upload_\(UUID().uuidString.lowercased()).\(ext)"
        try data.write(to: URL(fileURLWithPath: engine.files.path(of: stored)))
        return await engine.link(stored, lifetime: 24 * 3600)
    }
}

extension Data {
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}
