import ClipMedia
import Crypto
import Foundation
import Logging
import NIOPosix

/// The sandbox's shared state and the life of every task: queued → running → succeeded (or failed),
/// a configurable pause before each step, keyframes fetched, a clip rendered, webhooks sent.
final class SandboxEngine: Sendable {
    let configuration: SandboxConfiguration
    let store = TaskStore()
    let files: FileStore
    let faults: FaultBoard
    let logger: Logger
    private let loader: ImageLoader
    let webhooks: WebhookSender
    private let gate = RenderGate(limit: 1)
    private let location = BaseURLBox()

    init(configuration: SandboxConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.files = try FileStore.make(directory: configuration.storageDirectory, lifetime: configuration.linkLifetime)
        self.faults = FaultBoard(configuration.faults)
        self.logger = logger
        self.loader = ImageLoader(files: files, logger: logger)
        self.webhooks = WebhookSender(
            retries: configuration.webhookRetries, retryDelay: configuration.webhookRetryDelay, logger: logger)
    }

    /// `http://host:port` once the server is bound.
    var baseURL: String { get async { await location.value } }

    func setBaseURL(_ url: String) async { await location.set(url) }

    /// A fresh signed link to stored file `name`.
    func link(_ name: String, lifetime: Double? = nil) async -> String {
        files.link(to: name, baseURL: await baseURL, lifetime: lifetime)
    }

    /// The links a finished task's JSON carries, minted now.
    func links(for clip: RenderedClip) async -> ClipLinks {
        ClipLinks(
            video: await link(clip.video), watermarkedVideo: await link(clip.watermarkedVideo),
            thumbnail: await link(clip.thumbnail), lastFrame: await link(clip.lastFrame)
        )
    }

    /// A new task id in the provider's style (UUID; Pixwith uses 32 hex digits).
    static func newID(for provider: SandboxProvider) -> String {
        let uuid = UUID().uuidString.lowercased()
        return provider == .pixwith ? uuid.replacingOccurrences(of: "-", with: "") : uuid
    }

    // MARK: Lifecycle

    /// Stores `task` and starts its life in the background; notes its id on the create call being answered.
    /// Returns once the answer may be sent: at once, or after ``SandboxConfiguration/createAnswerDelay``
    /// seconds when a `delay-create-answer` fault fires (the task lives on meanwhile).
    func accept(_ task: SandboxTask) async {
        await store.insert(task)
        if let call = CreateCallContext.current { await store.noteTask(task.id, onCall: call) }
        logger.info("task created", metadata: ["provider": "\(task.provider.rawValue)", "task": "\(task.id)"])
        let lifecycle = Task {
            await self.live(task.id)
            await self.store.lifecycleEnded(task.id)
        }
        await store.register(task.id, lifecycle: lifecycle)
        if await faults.consume(.delayCreateAnswer) {
            logger.info("holding the create answer", metadata: ["task": "\(task.id)", "seconds": "\(configuration.createAnswerDelay)"])
            try? await Task.sleep(for: .seconds(configuration.createAnswerDelay))
        }
    }

    /// Stops every task in progress, and removes the storage directory when the sandbox made it.
    func shutdown() async {
        await store.cancelAll()
        if configuration.storageDirectory == nil { try? FileManager.default.removeItem(at: files.directory) }
    }

    /// Waits the configured step delay; throws when the server is stopping.
    private func pause() async throws {
        if configuration.stepDelay > 0 { try await Task.sleep(for: .seconds(configuration.stepDelay)) }
        try Task.checkCancellation()
    }

    private func live(_ id: String) async {
        do {
            try await advance(id)
        } catch {
            logger.debug("task \(id) stopped: the sandbox is shutting down")
        }
    }

    /// Takes task `id` through its states; throws `CancellationError` when the server stops.
    private func advance(_ id: String) async throws {
        try await pause()
        guard
            let running = await store.update(
                id,
                { task in
                    if task.state == .queued {
                        task.state = .running
                        task.startedAt = Date()
                    }
                }), running.state == .running
        else { return }  // cancelled while queued
        await notify(running)

        let images: (start: RGBImage?, end: RGBImage?)
        do {
            images = try await loadKeyframes(of: running)
        } catch {
            logger.info("task \(id) cannot read its keyframes: \(error)")
            await fail(id, reason: "Failed to read user input frames")
            return
        }
        if await faults.consume(.failTask) {
            try await pause()
            await fail(id, reason: "Advanced prompt moderation failed")
            return
        }
        var seconds = running.spec.durationSeconds
        if await faults.consume(.wrongDuration) { seconds = 3 }
        do {
            let clip = try await render(running, seconds: seconds, start: images.start, end: images.end)
            try await pause()
            if let done = await store.update(
                id,
                { task in
                    task.state = .succeeded
                    task.clip = clip
                    task.endedAt = Date()
                })
            {
                logger.info(
                    "task succeeded",
                    metadata: ["task": "\(id)", "frames": "\(clip.frameCount)", "size": "\(clip.width)x\(clip.height)"])
                await notify(done)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("task \(id) failed to render: \(error)")
            await fail(id, reason: "Internal error while rendering: \(error)")
        }
    }

    private func fail(_ id: String, reason: String) async {
        if let failed = await store.update(
            id,
            { task in
                task.state = .failed
                task.failureReason = reason
                task.endedAt = Date()
            })
        {
            await notify(failed)
        }
    }

    private func loadKeyframes(of task: SandboxTask) async throws -> (start: RGBImage?, end: RGBImage?) {
        let start = try await image(for: task.spec.start)
        let end = try await image(for: task.spec.end)
        await store.update(task.id) { task in
            task.startImageSHA256 = start.map(Self.pixelDigest)
            task.endImageSHA256 = end.map(Self.pixelDigest)
        }
        return (start, end)
    }

    private func image(for keyframe: GenerationSpec.Keyframe?) async throws -> RGBImage? {
        switch keyframe {
        case nil:
            return nil
        case .generation(let id):
            guard let source = await store.task(id), let clip = source.clip else {
                throw SandboxError.notFound("generation \(id) has no finished clip")
            }
            return try ImageCodec.read(path: files.path(of: Self.losslessLastFrameName(of: clip)))
        case .image(let reference):
            let data = try await loader.data(from: reference, ownBaseURL: await baseURL)
            return try ImageCodec.decode(data)
        }
    }

    /// SHA-256 (lowercase hex) of an image's RGB24 pixel rows.
    static func pixelDigest(_ image: RGBImage) -> String {
        SHA256.hash(data: image.pixels).map { String(format: "%02x", $0) }.joined()
    }

    /// The PNG of the exact last frame kept for extends (the JPEG served to clients is lossy).
    static func losslessLastFrameName(of clip: RenderedClip) -> String {
        clip.lastFrame.replacingOccurrences(of: ".jpg", with: ".png")
    }

    private func render(_ task: SandboxTask, seconds: Int, start: RGBImage?, end: RGBImage?) async throws
        -> RenderedClip
    {
        guard
            let nominal = OutputSizeTable.size(
                for: task.provider, aspectRatio: task.spec.aspectRatio, resolution: task.spec.resolution)
        else {
            throw SandboxError.badRequest("no output size for aspect ratio \(task.spec.aspectRatio)")
        }
        let size =
            configuration.renderScale == 1 ? nominal : OutputSizeTable.scaled(nominal, by: configuration.renderScale)
        let plan = ClipRenderer.Plan(
            width: size.width, height: size.height, frameCount: GenerationSpec.frameCount(seconds: seconds),
            start: start, end: end, seed: SplitMix64.seed(task.spec.prompt), drift: configuration.drift
        )
        let clip = RenderedClip(
            video: "\(task.id).mp4", watermarkedVideo: "\(task.id)_watermarked.mp4",
            thumbnail: "\(task.id)_thumbnail.jpg", lastFrame: "\(task.id)_last_frame.jpg",
            width: size.width, height: size.height, frameCount: plan.frameCount
        )
        let files = self.files
        try await gate.run {
            try await NIOThreadPool.singleton.runIfActive {
                let videoPath = files.path(of: clip.video)
                let output = try ClipRenderer().render(plan, to: videoPath)
                try? FileManager.default.removeItem(atPath: files.path(of: clip.watermarkedVideo))
                try FileManager.default.linkItem(atPath: videoPath, toPath: files.path(of: clip.watermarkedVideo))
                try ImageCodec.encode(output.thumbnail, as: .jpeg, quality: 90).write(
                    to: URL(fileURLWithPath: files.path(of: clip.thumbnail)))
                try ImageCodec.encode(output.lastFrame, as: .jpeg, quality: 95).write(
                    to: URL(fileURLWithPath: files.path(of: clip.lastFrame)))
                try ImageCodec.encode(output.lastFrame, as: .png).write(
                    to: URL(fileURLWithPath: files.path(of: Self.losslessLastFrameName(of: clip))))
            }
        }
        return clip
    }
}

/// The URLs of one finished clip, minted for one answer.
struct ClipLinks: Sendable {
    var video: String
    var watermarkedVideo: String
    var thumbnail: String
    var lastFrame: String
}

/// Holds the base URL, known only once the server has bound its port.
actor BaseURLBox {
    private(set) var value = ""
    func set(_ url: String) { value = url }
}
