import Foundation
import HTTPTypes
import Hummingbird

/// Luma's Dream Machine API (lumalabs/lumaai-python types, docs.lumalabs.ai): Bearer, `POST
/// /dream-machine/v1/generations` (and `/generations/video`) answering 201 with a Generation, `GET
/// /dream-machine/v1/generations/{id}`, states queued → dreaming → completed|failed, keyframes of type
/// image or generation (extend), `"5s"|"9s"` durations, errors as `{"detail": "..."}`, and the Generation
/// POSTed to `callback_url` on dreaming, completed and failed.
enum LumaWire {
    static let models = ["ray-1-6", "ray-2", "ray-flash-2"]
    static let aspectRatios = ["1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"]
    static let durations = ["5s", "9s"]
    static let resolutions = ["540p", "720p", "1080p", "4k"]

    static func register(on router: Router<BasicRequestContext>, engine: SandboxEngine) {
        for path in ["/dream-machine/v1/generations", "/dream-machine/v1/generations/video"] {
            router.post(RouterPath(path)) { request, _ in
                await engine.store.countCreateCall(.luma)
                return await answer {
                    try authorize(request, engine)
                    if await engine.faults.consume(.rateLimitCreate) {
                        throw SandboxError.rateLimited(retryAfterSeconds: engine.configuration.retryAfterSeconds)
                    }
                    let task = try await makeTask(try await WireSupport.jsonObject(request), engine: engine)
                    await engine.accept(task)
                    return WireSupport.json(generation(task, links: nil), status: .created)
                }
            }
        }
        // The list (lumaai-python `generations.list(limit, offset)`): newest first, each Generation echoing
        // its `request` as received, so a client can reconcile a create whose answer it never got.
        router.get("/dream-machine/v1/generations") { request, _ in
            await answer {
                try authorize(request, engine)
                let limit = try parameter(request, "limit", default: 100, range: 1...1000)
                let offset = try parameter(request, "offset", default: 0, range: 0...Int.max)
                let all = Array(await engine.store.tasks(of: .luma).reversed())
                let page = all.dropFirst(offset).prefix(limit)
                var generations: [JSONValue] = []
                for task in page {
                    let links = if let clip = task.clip { await engine.links(for: clip) } else { ClipLinks?.none }
                    generations.append(generation(task, links: links))
                }
                return WireSupport.json([
                    "generations": .array(generations), "has_more": .bool(offset + page.count < all.count),
                    "count": .int(page.count), "limit": .int(limit), "offset": .int(offset),
                ])
            }
        }
        router.get("/dream-machine/v1/generations/:id") { request, context in
            await answer {
                try authorize(request, engine)
                let id = context.parameters.get("id") ?? ""
                guard let task = await engine.store.task(id, provider: .luma) else {
                    throw SandboxError.notFound("Generation \(id) not found")
                }
                let links = if let clip = task.clip { await engine.links(for: clip) } else { ClipLinks?.none }
                return WireSupport.json(generation(task, links: links))
            }
        }
    }

    /// An integer query parameter within `range`, or `fallback` when absent.
    private static func parameter(_ request: Request, _ name: String, default fallback: Int, range: ClosedRange<Int>)
        throws -> Int
    {
        guard let text = request.uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw SandboxError.badRequest("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    private static func authorize(_ request: Request, _ engine: SandboxEngine) throws {
        guard WireSupport.keyMatches(WireSupport.bearerToken(request), engine.configuration.apiKey) else {
            throw SandboxError.unauthorized("Invalid API key: send 'Authorization: Bearer <your Luma key>'")
        }
    }

    static func makeTask(_ body: JSONValue, engine: SandboxEngine) async throws -> SandboxTask {
        let model = try WireSupport.oneOf(
            try WireSupport.string(body, "model", required: true)!, models, field: "model")
        if let type = try WireSupport.string(body, "generation_type"), type != "video" {
            throw SandboxError.badRequest("Unknown request type")
        }
        var start: GenerationSpec.Keyframe?
        var end: GenerationSpec.Keyframe?
        if let frames = body["keyframes"], !frames.isNull {
            guard frames.objectValue != nil else {
                throw SandboxError.badRequest("keyframes must be an object {frame0, frame1}")
            }
            start = try await WireSupport.keyframe(frames["frame0"], field: "keyframes.frame0", provider: .luma, engine: engine, unusable: unusable)
            end = try await WireSupport.keyframe(frames["frame1"], field: "keyframes.frame1", provider: .luma, engine: engine, unusable: unusable)
            if start == nil, end == nil { throw SandboxError.badRequest("No keyframes provided") }
        }
        let prompt = try WireSupport.string(body, "prompt") ?? ""
        let hasImage = [start, end].contains { if case .image = $0 { return true } else { return false } }
        if prompt.isEmpty {
            if !hasImage { throw SandboxError.badRequest("Prompt is required") }
        } else if prompt.count < 3 {
            throw SandboxError.badRequest("Prompt is too short, minimum length is 3 characters")
        } else if prompt.count > 5000 {
            throw SandboxError.badRequest("Prompt is too long, maximum length is 5000 characters")
        }
        let aspectRatio = try WireSupport.oneOf(
            try WireSupport.string(body, "aspect_ratio") ?? "16:9", aspectRatios, field: "aspect_ratio")
        var duration = 5
        if let value = body["duration"], !value.isNull {
            guard let text = value.stringValue else {
                throw SandboxError.badRequest(
                    "duration must be a string, \"5s\" or \"9s\"; got \(value.serialized().utf8String)")
            }
            duration = Int(try WireSupport.oneOf(text, durations, field: "duration").dropLast())!
        }
        let resolution = try WireSupport.string(body, "resolution").map {
            try WireSupport.oneOf($0, resolutions, field: "resolution")
        }
        if model == "ray-1-6", body["duration"] != nil || resolution != nil {
            throw SandboxError.badRequest("duration and resolution are only supported for ray-2 and ray-flash-2")
        }
        let loop = try WireSupport.bool(body, "loop") ?? false
        if loop {
            if end != nil { throw SandboxError.badRequest("Loop is not supported for end frame") }
            if case .generation = start { throw SandboxError.badRequest("Loop is not supported for extend") }
        }
        let spec = GenerationSpec(
            prompt: prompt, model: model, durationSeconds: duration, aspectRatio: aspectRatio,
            resolution: resolution ?? "720p",
            loop: loop, start: start, end: end,
            callbackURL: try WireSupport.string(body, "callback_url").flatMap { $0.isEmpty ? nil : $0 },
            webhookSecret: nil
        )
        let extends = if case .generation = start { true } else { false }
        return SandboxTask(
            provider: .luma, id: SandboxEngine.newID(for: .luma),
            taskType: extends ? "extend_video" : "video_generation", spec: spec, echo: body)
    }

    private static func unusable(_ id: String, exists: Bool) -> String {
        exists ? "Generation \(id) is not completed" : "Generation \(id) not found"
    }

    static func state(of state: SandboxTaskState) -> String {
        switch state {
        case .queued: return "queued"
        case .running: return "dreaming"
        case .succeeded: return "completed"
        case .failed, .cancelled: return "failed"
        }
    }

    /// The Generation object of create, GET and callbacks.
    static func generation(_ task: SandboxTask, links: ClipLinks?) -> JSONValue {
        var assets: JSONValue = nil
        if task.state == .succeeded, let links {
            assets = ["video": .string(links.video), "image": .string(links.thumbnail), "progress_video": nil]
        }
        return [
            "id": .string(task.id),
            "generation_type": "video",
            "state": .string(state(of: task.state)),
            "failure_reason": .string(task.failureReason),
            "created_at": WireSupport.timestamp(task.createdAt),
            "assets": assets,
            "model": .string(task.spec.model),
            "request": task.echo,
        ]
    }

    private static func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SandboxError {
            return WireSupport.json(
                ["detail": .string(error.message)], status: error.status, headers: WireSupport.retryHeaders(for: error))
        } catch {
            return WireSupport.json(["detail": .string("Internal error: \(error)")], status: .internalServerError)
        }
    }
}
