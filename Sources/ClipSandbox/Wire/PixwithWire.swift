import Foundation
import HTTPTypes
import Hummingbird

/// Pixwith's task API (pixwith.ai/api/docs, seed 002): `Api-Key`, `{code, message, data}` with code 1 for
/// success, 0 for failure and 2 for a bad key, integer statuses 1 processing, 2 completed, 3 failed, and
/// the video at `data.result_urls[0]`. No thumbnail, last frame or webhook.
///
/// Pixwith's HTTP statuses are undocumented [U]; the sandbox sends the envelope code with the matching
/// HTTP status (401 for code 2, 400/404 for code 0, 429 for an injected rate limit).
enum PixwithWire {
    static let aspectRatios = ["16:9", "9:16", "1:1", "4:3", "3:4", "9:21", "21:9"]
    static let resolutions = ["540p", "720p"]
    static let modelIDs = ["2-4", "3-4"]
    static let invalidKeyMessage = "Invalid API key. Get a valid API key at https://pixwith.ai/api"

    static func register(on router: Router<BasicRequestContext>, engine: SandboxEngine) {
        router.post("/api/task/create") { request, _ in
            await engine.store.countCreateCall(.pixwith)
            return await answer {
                try authorize(request, engine)
                if await engine.faults.consume(.rateLimitCreate) {
                    throw SandboxError.rateLimited(retryAfterSeconds: engine.configuration.retryAfterSeconds)
                }
                let task = try makeTask(try await WireSupport.jsonObject(request))
                await engine.accept(task)
                let estimate = Int((engine.configuration.stepDelay * 2).rounded(.up))
                return WireSupport.json([
                    "code": 1, "message": "success",
                    "data": ["task_id": .string(task.id), "estimated_time": .int(estimate)],
                ])
            }
        }
        router.post("/api/task/get") { request, _ in
            await answer {
                try authorize(request, engine)
                let body = try await WireSupport.jsonObject(request)
                let id = try WireSupport.string(body, "task_id", required: true)!
                guard let task = await engine.store.task(id, provider: .pixwith) else {
                    throw SandboxError.notFound("Task \(id) not found")
                }
                let links = if let clip = task.clip { await engine.links(for: clip) } else { ClipLinks?.none }
                return WireSupport.json(["code": 1, "message": "success", "data": data(of: task, links: links)])
            }
        }
    }

    private static func authorize(_ request: Request, _ engine: SandboxEngine) throws {
        guard WireSupport.keyMatches(WireSupport.header(request, "Api-Key"), engine.configuration.apiKey) else {
            throw SandboxError.unauthorized(invalidKeyMessage)
        }
    }

    static func makeTask(_ body: JSONValue) throws -> SandboxTask {
        let prompt = try WireSupport.string(body, "prompt", required: true)!
        _ = try WireSupport.oneOf(
            try WireSupport.string(body, "model_id", required: true)!, modelIDs, field: "model_id")
        var images: [String] = []
        if let value = body["image_urls"], !value.isNull {
            // An empty array is read as text-to-video, as a client may send one.
            guard let array = value.arrayValue, array.count <= 2, array.allSatisfy({ $0.stringValue?.isEmpty == false })
            else {
                throw SandboxError.badRequest("image_urls must be an array of 1 (start) or 2 (start, end) image URLs")
            }
            images = array.compactMap(\.stringValue)
        }
        if prompt.trimmingCharacters(in: .whitespaces).isEmpty, images.isEmpty {
            throw SandboxError.badRequest("prompt is required")
        }
        guard let options = body["options"], options.objectValue != nil else {
            throw SandboxError.badRequest("options is required (an object)")
        }
        guard try WireSupport.bool(options, "prompt_optimization", path: "options.prompt_optimization") != nil else {
            throw SandboxError.badRequest("options.prompt_optimization is required (a boolean)")
        }
        let aspectRatio = try WireSupport.oneOf(
            try WireSupport.string(options, "aspect_ratio", required: true, path: "options.aspect_ratio")!,
            aspectRatios, field: "options.aspect_ratio")
        let resolution = try WireSupport.oneOf(
            try WireSupport.string(options, "resolution", required: true, path: "options.resolution")!, resolutions,
            field: "options.resolution")
        guard let durationValue = options["duration"], let duration = durationValue.intValue,
            duration == 5 || duration == 9
        else {
            let got = options["duration"].map { $0.serialized().utf8String } ?? "nothing"
            throw SandboxError.badRequest("options.duration must be 5 or 9 (an integer number of seconds); got \(got)")
        }
        let loop = try WireSupport.bool(options, "loop", path: "options.loop") ?? false
        let model = try WireSupport.string(body, "model_id")!
        let spec = GenerationSpec(
            prompt: prompt, model: model, durationSeconds: duration, aspectRatio: aspectRatio, resolution: resolution,
            loop: loop,
            start: images.first.map { .image($0) }, end: images.count > 1 ? .image(images[1]) : nil, callbackURL: nil,
            webhookSecret: nil
        )
        return SandboxTask(
            provider: .pixwith, id: SandboxEngine.newID(for: .pixwith), taskType: "video_generation", spec: spec,
            echo: body)
    }

    /// 1 processing (Pixwith has no separate queued state), 2 completed, 3 failed.
    static func status(of state: SandboxTaskState) -> Int {
        switch state {
        case .queued, .running: return 1
        case .succeeded: return 2
        case .failed, .cancelled: return 3
        }
    }

    static func data(of task: SandboxTask, links: ClipLinks?) -> JSONValue {
        let urls: [JSONValue] = links.map { [.string($0.video)] } ?? []
        return ["task_id": .string(task.id), "status": .int(status(of: task.state)), "result_urls": .array(urls)]
    }

    private static func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SandboxError {
            let code = error.status == .unauthorized ? 2 : 0
            return WireSupport.json(
                ["code": .int(code), "message": .string(error.message), "data": nil],
                status: error.status, headers: WireSupport.retryHeaders(for: error))
        } catch {
            return WireSupport.json(
                ["code": 0, "message": .string("internal error: \(error)"), "data": nil], status: .internalServerError)
        }
    }
}
