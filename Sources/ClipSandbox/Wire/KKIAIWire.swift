import Foundation
import HTTPTypes
import Hummingbird

/// KKIAI's Luma endpoints (docs.kkiai.com/video-models/luma/*, seed 001): Bearer, the Dream Machine web
/// app's generation object (`id, state, queue_state, video, video_raw, thumbnail, last_frame ...`), states
/// pending → processing → completed|failed, `"5s"` string durations, 720p|1080p, extend by task id, and a
/// `notify_hook` called with the generation JSON when the task ends.
///
/// KKIAI's error bodies are undocumented [U]; errors use the `{code, message, request_id, data}` family
/// from the seed's response table, with the matching HTTP status.
enum KKIAIWire {
    static let durations = ["5s", "10s"]
    static let resolutions = ["720p", "1080p"]
    static let models = ["ray-v1", "ray-v2"]
    /// The web app's shapes, the ones KKIAI (a web-app reseller) takes in `aspect_ratio`.
    static let aspectRatios = ["16:9", "9:16", "1:1", "4:3", "3:4"]

    static func register(on router: Router<BasicRequestContext>, engine: SandboxEngine) {
        router.post("/luma/generations") { request, _ in
            await engine.store.countCreateCall(.kkiai)
            return await answer {
                try authorize(request, engine)
                try await rateLimit(engine)
                let task = try makeTask(try await WireSupport.jsonObject(request))
                await engine.accept(task)
                return WireSupport.json(answer(task, links: nil, family: engine.configuration.kkiaiAnswers))
            }
        }
        router.get("/luma/generations/:id") { request, context in
            await answer {
                try authorize(request, engine)
                let task = try await find(context, engine)
                let links = if let clip = task.clip { await engine.links(for: clip) } else { ClipLinks?.none }
                return WireSupport.json(answer(task, links: links, family: engine.configuration.kkiaiAnswers))
            }
        }
        router.post("/luma/generations/:id/extend") { request, context in
            await engine.store.countCreateCall(.kkiai)
            return await answer {
                try authorize(request, engine)
                let source = try await find(context, engine)
                try await rateLimit(engine)
                guard source.state == .succeeded else {
                    throw SandboxError.badRequest(
                        "task \(source.id) is \(state(of: source.state)); only a completed task can be extended")
                }
                let task = try makeExtension(of: source, body: try await WireSupport.jsonObject(request))
                await engine.accept(task)
                return WireSupport.json(answer(task, links: nil, family: engine.configuration.kkiaiAnswers))
            }
        }
    }

    // MARK: Requests

    private static func authorize(_ request: Request, _ engine: SandboxEngine) throws {
        guard WireSupport.keyMatches(WireSupport.bearerToken(request), engine.configuration.apiKey) else {
            throw SandboxError.unauthorized("invalid token: send 'Authorization: Bearer <your KKIAI key>'")
        }
    }

    private static func rateLimit(_ engine: SandboxEngine) async throws {
        if await engine.faults.consume(.rateLimitCreate) {
            throw SandboxError.rateLimited(retryAfterSeconds: engine.configuration.retryAfterSeconds)
        }
    }

    private static func find(_ context: BasicRequestContext, _ engine: SandboxEngine) async throws -> SandboxTask {
        let id = context.parameters.get("id") ?? ""
        guard let task = await engine.store.task(id, provider: .kkiai) else {
            throw SandboxError.notFound("task \(id) not found")
        }
        return task
    }

    static func makeTask(_ body: JSONValue) throws -> SandboxTask {
        let prompt = try WireSupport.string(body, "user_prompt", required: true)!
        let imageURL = try WireSupport.string(body, "image_url").flatMap { $0.isEmpty ? nil : $0 }
        let imageEndURL = try WireSupport.string(body, "image_end_url").flatMap { $0.isEmpty ? nil : $0 }
        if prompt.trimmingCharacters(in: .whitespaces).isEmpty, imageURL == nil {
            throw SandboxError.badRequest("user_prompt must not be empty without image_url")
        }
        _ = try WireSupport.bool(body, "expand_prompt")
        let loop = try WireSupport.bool(body, "loop") ?? false
        let resolution = try WireSupport.oneOf(
            try WireSupport.string(body, "resolution") ?? "720p", resolutions, field: "resolution")
        let model = try WireSupport.oneOf(
            try WireSupport.string(body, "model_name") ?? "ray-v2", models, field: "model_name")
        let aspectRatio = try WireSupport.oneOf(
            try WireSupport.string(body, "aspect_ratio") ?? "16:9", aspectRatios, field: "aspect_ratio")
        let duration = try parseDuration(body)
        let spec = GenerationSpec(
            prompt: prompt, model: model, durationSeconds: duration, aspectRatio: aspectRatio, resolution: resolution,
            loop: loop, start: imageURL.map { .image($0) }, end: imageEndURL.map { .image($0) },
            callbackURL: try WireSupport.string(body, "notify_hook").flatMap { $0.isEmpty ? nil : $0 },
            webhookSecret: nil
        )
        return SandboxTask(
            provider: .kkiai, id: SandboxEngine.newID(for: .kkiai), taskType: "video_generation", spec: spec, echo: body
        )
    }

    /// `duration` is a string: "5s" (or "10s", the web app's other length).
    private static func parseDuration(_ body: JSONValue) throws -> Int {
        guard let value = body["duration"], !value.isNull else { return 5 }
        guard let text = value.stringValue else {
            throw SandboxError.badRequest(
                "duration must be a string, \"5s\" or \"10s\"; got \(value.serialized().utf8String)")
        }
        return Int(try WireSupport.oneOf(text, durations, field: "duration").dropLast())!
    }

    /// Extends `source`: the new clip starts on its last frame, with the source's size and model.
    static func makeExtension(of source: SandboxTask, body: JSONValue) throws -> SandboxTask {
        let prompt = try WireSupport.string(body, "user_prompt", required: true)!
        _ = try WireSupport.bool(body, "expand_prompt")
        let imageEndURL = try WireSupport.string(body, "image_end_url").flatMap { $0.isEmpty ? nil : $0 }
        var spec = source.spec
        spec.prompt = prompt
        spec.start = .generation(id: source.id)
        spec.end = imageEndURL.map { .image($0) }
        spec.loop = false
        spec.callbackURL = try WireSupport.string(body, "notify_hook").flatMap { $0.isEmpty ? nil : $0 }
        return SandboxTask(
            provider: .kkiai, id: SandboxEngine.newID(for: .kkiai), taskType: "extend_video", spec: spec, echo: body)
    }

    // MARK: Answers

    static func state(of state: SandboxTaskState) -> String {
        switch state {
        case .queued: return "pending"
        case .running: return "processing"
        case .succeeded: return "completed"
        case .failed, .cancelled: return "failed"
        }
    }

    /// The answer to create, GET and the notify hook in the configured family.
    static func answer(_ task: SandboxTask, links: ClipLinks?, family: KKIAIAnswerFamily) -> JSONValue {
        switch family {
        case .generation:
            return generation(task, links: links)
        case .taskStatus:
            return envelope(task, links: links)
        case .merged:
            guard case .object(var object) = generation(task, links: links),
                case .object(let extra) = envelope(task, links: links)
            else { return generation(task, links: links) }
            for key in extra.keys { object[key] = extra[key] }
            return .object(object)
        }
    }

    /// `task_status` words of the envelope family (Kling-style, as KKIAI's sibling documents use).
    static func taskStatus(of state: SandboxTaskState) -> String {
        switch state {
        case .queued: return "submitted"
        case .running: return "processing"
        case .succeeded: return "succeed"
        case .failed, .cancelled: return "failed"
        }
    }

    /// The `{code, message, request_id, data}` family.
    static func envelope(_ task: SandboxTask, links: ClipLinks?) -> JSONValue {
        func epoch(_ date: Date?) -> JSONValue { date.map { .int(Int($0.timeIntervalSince1970)) } ?? .null }
        var data: JSONObject = [
            "task_id": .string(task.id),
            "task_status": .string(taskStatus(of: task.state)),
            "task_status_msg": .string(task.failureReason ?? ""),
            "created_at": epoch(task.createdAt),
            "updated_at": epoch(task.endedAt ?? task.startedAt ?? task.createdAt),
        ]
        if task.state == .succeeded, let clip = task.clip, let links {
            data["task_result"] = [
                "videos": [["id": .string(task.id), "url": .string(links.video), "duration": .double(clip.duration)]]
            ]
        }
        return [
            "code": 200, "message": "success", "request_id": .string(UUID().uuidString.lowercased()),
            "data": .object(data),
        ]
    }

    /// The generation object of create, GET and the notify hook.
    static func generation(_ task: SandboxTask, links: ClipLinks?) -> JSONValue {
        var object: JSONObject = [
            "id": .string(task.id),
            "prompt": .string(task.spec.prompt),
            "state": .string(state(of: task.state)),
            "queue_state": nil,
            "created_at": WireSupport.timestamp(task.createdAt),
            "batch_id": "",
            "video": nil,
            "video_raw": nil,
            "liked": nil,
            "estimate_wait_seconds": nil,
            "thumbnail": nil,
            "last_frame": nil,
        ]
        object["request"] = ["prompt": .string(task.spec.prompt), "aspect_ratio": .string(task.spec.aspectRatio)]
        object["failure_reason"] = .string(task.failureReason)
        if task.state == .succeeded, let clip = task.clip, let links {
            let video: JSONValue = [
                "url": .string(links.watermarkedVideo), "width": .int(clip.width), "height": .int(clip.height),
                "download_url": .string(links.video),
            ]
            let videoRaw: JSONValue = [
                "url": .string(links.video), "width": .int(clip.width), "height": .int(clip.height),
                "duration": .double(clip.duration), "media_type": "video",
            ]
            func image(_ url: String) -> JSONValue {
                [
                    "url": .string(url), "width": .int(clip.width), "height": .int(clip.height), "palette": nil,
                    "media_type": "image",
                ]
            }
            object["video"] = video
            object["video_raw"] = videoRaw
            object["thumbnail"] = image(links.thumbnail)
            object["last_frame"] = image(links.lastFrame)
            object["artifact"] = [
                "video": video, "thumbnail": image(links.thumbnail), "video_raw": videoRaw,
                "created_at": WireSupport.timestamp(task.endedAt), "last_frame": image(links.lastFrame),
            ]
        }
        return .object(object)
    }

    private static func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SandboxError {
            return WireSupport.json(
                [
                    "code": .int(Int(error.status.code)), "message": .string(error.message),
                    "request_id": .string(UUID().uuidString.lowercased()), "data": nil,
                ],
                status: error.status, headers: WireSupport.retryHeaders(for: error))
        } catch {
            return WireSupport.json(
                ["code": 500, "message": .string("internal error: \(error)"), "request_id": "", "data": nil],
                status: .internalServerError)
        }
    }
}
