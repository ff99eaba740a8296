import ClipMedia
import ClipProviders
import Foundation
import Logging

/// Runs `extend` and `generate` jobs one step of one segment at a time, so any number of workers share the
/// chains and a render in progress holds none of them: `submit`, `await`, `download`, `check`, `handover`,
/// and after the last segment's hand-over the join. It reuses the single-process engine's pieces
/// (``ChainPlanner``, ``ChainEngine``'s request, last-frame, anchor and join steps, ``SegmentRunner``'s
/// verification, the QA gate), so a chain comes out the same whether one process or a fleet made it.
public struct ChainStepExecutor: Sendable {
    /// Where clips, last frames and outputs live (shared by the workers): a folder, or a bucket cached locally.
    public var artefacts: ArtefactStore
    /// Where keys and base URLs come from (`PIAPI_API_KEY`, `CLIPKIT_KKIAI_BASE_URL`, ...), as for the CLI.
    public var environment: [String: String]
    public var library: PresetLibrary
    public var logger: Logger
    /// When set, a submit carries a callback URL naming its step's client reference, so the provider's
    /// webhook wakes the segment's `await` step early (polling stays the fallback).
    public var webhooks: FleetWebhooks?
    /// Testing aid: every wait between polls of a render lasts this many seconds, instead of backing off with
    /// the task's age.
    public var pollDelay: Double?

    /// A fleet whose store is the folder `store`.
    public init(
        store: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        library: PresetLibrary = .standard(), logger: Logger = Logger(label: "clipkit.fleet"),
        webhooks: FleetWebhooks? = nil, pollDelay: Double? = nil
    ) {
        self.init(
            artefacts: .folder(store), environment: environment, library: library, logger: logger, webhooks: webhooks,
            pollDelay: pollDelay)
    }

    public init(
        artefacts: ArtefactStore, environment: [String: String] = ProcessInfo.processInfo.environment,
        library: PresetLibrary = .standard(), logger: Logger = Logger(label: "clipkit.fleet"),
        webhooks: FleetWebhooks? = nil, pollDelay: Double? = nil
    ) {
        self.artefacts = artefacts
        self.environment = environment
        self.library = library
        self.logger = logger
        self.webhooks = webhooks
        self.pollDelay = pollDelay
    }

    /// Everything a step needs that follows from the job's line: the plan, resolved and validated whole.
    struct Context {
        var job: ChainJob
        var chain: ResolvedChain
        var provider: any VideoGenerationProvider
        var configuration: ProviderConfiguration
        var host: FrameHost
        var directory: String
        /// Whether this job's submits carry a callback URL.
        var webhooks: FleetWebhooks?
    }

    /// Runs one step. Throws only when the lease was lost (from ``ChainStepLease``) or on an unexpected error
    /// (the worker retries the step later); every expected failure is an outcome.
    public func execute(_ step: ChainStep, lease: any ChainStepLease) async throws -> ChainStepOutcome {
        var step = step
        do {
            step.spec = try await localizingInputs(step.spec)
        } catch let error as InputUnavailable {
            return .retry(seconds: 10, reason: "job \(step.jobID): \(error.message)")
        } catch {
            return .failed(reason: "job \(step.jobID): \(error); nothing was submitted", category: "invalid_job")
        }
        let context: Context
        do {
            context = try open(step)
        } catch let error as ConfigurationFailure {
            return .failed(reason: error.message, category: "configuration")
        } catch {
            return .failed(reason: "job \(step.jobID): \(error); nothing was submitted", category: "invalid_job")
        }
        let payload: ChainStepPayload
        do { payload = try ChainStepPayload.decode(step.payload) } catch {
            return .failed(reason: "segment \(step.segment + 1) \(step.kind.rawValue): unreadable payload (\(error))", category: "invalid_job")
        }
        switch step.kind {
        case .submit: return try await submit(step, payload, context, lease: lease)
        case .await: return try await poll(step, payload, context)
        case .download: return try await download(step, payload, context)
        case .check: return await check(step, payload, context)
        case .handover: return try await handOver(step, payload, context)
        }
    }

    struct ConfigurationFailure: Error { var message: String }
    /// An input in the store could not be fetched now (the step is tried again; nothing is paid meanwhile).
    struct InputUnavailable: Error { var message: String }

    /// The job line with its start and end images in this worker's reach: an image `batch submit --store` put
    /// in the bucket (`s3://bucket/prefix/inputs/...`) is replaced by its local copy, fetched into the cache when
    /// the cache lacks it. Paths and URLs are left as they are.
    /// - Throws: ``InputUnavailable`` when the bucket cannot give the image now; ``PipelineError`` for an
    ///   `s3://` image outside this worker's store.
    func localizingInputs(_ spec: String) async throws -> String {
        guard spec.contains("\"s3://"),
            var object = try? JSONSerialization.jsonObject(with: Data(spec.utf8)) as? [String: Any]
        else { return spec }
        var changed = false
        for key in ["start_image", "end_image"] {
            guard let address = object[key] as? String, address.lowercased().hasPrefix("s3://") else { continue }
            guard let reference = artefacts.reference(forAddress: address) else {
                throw PipelineError("\"\(key)\" \(address) is not in this worker's store (\(artefacts)): workers read inputs from their --store")
            }
            do {
                object[key] = try await artefacts.localFile(for: reference)
            } catch {
                throw InputUnavailable(message: "\"\(key)\": \(error)")
            }
            changed = true
        }
        guard changed, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return spec }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the job, reaches its provider and resolves the whole chain, every request validated: a job that
    /// cannot go through fails here, before the first submit of its first segment.
    func open(_ step: ChainStep) throws -> Context {
        let job = try ChainJob(spec: step.spec, store: artefacts.localRoot)
        let kind = job.plan.provider
        let configuration: ProviderConfiguration
        do {
            configuration = try ProviderConfiguration.resolve(
                kind, baseURL: job.baseURL, uploadBaseURL: job.uploadBaseURL, environment: environment)
        } catch {
            throw ConfigurationFailure(message: "\(kind.displayName): \(error)")
        }
        guard configuration.apiKey != nil else {
            throw ConfigurationFailure(
                message: "no API key for \(kind.displayName) on this worker: set \(kind.apiKeyEnvironmentVariable) in its environment")
        }
        let provider = ProviderClients.make(configuration, options: ProviderClientOptions(logger: logger))
        var strategy = job.frameHosting.resolved(for: provider.capabilities)
        if strategy == .server || strategy == .s3 {
            // A worker has no public server; a bucket store hosts frames by presigned GET URLs instead.
            guard artefacts.bucket != nil else {
                throw PipelineError(
                    "\(kind.displayName) reads images by URL only and a worker has no public server: the fleet hosts frames inline or by the provider's upload (frame_hosting data-uri or upload), or from a bucket store (--store s3://BUCKET/PREFIX)")
            }
            strategy = .s3
        }
        let host = try FrameHost(strategy: strategy, provider: provider, bucket: artefacts.hostingBucket)
        if artefacts.bucket != nil, artefacts.relativeKey(of: job.plan.output) == nil {
            throw PipelineError(
                "\"output\" \(job.plan.output) is outside the store: with a bucket store it must be a relative path (its key below \(artefacts))")
        }
        // A loopback callback URL reaches only a provider on this machine (the sandbox); others are polled.
        let webhooks = webhooks.flatMap { webhooks -> FleetWebhooks? in
            guard kind.profile.webhooks != .none else { return nil }
            guard !PipelineSession.isLoopback(webhooks.publicURL) || PipelineSession.isLoopback(configuration.baseURL) else {
                return nil
            }
            return webhooks
        }
        let planner = ChainPlanner(profile: kind.profile, library: library, hosting: strategy, webhooks: webhooks != nil)
        let chain = try planner.resolve(job.plan)
        guard step.segment < chain.segments.count else {
            throw PipelineError("segment \(step.segment + 1) is beyond the plan's \(chain.segments.count)")
        }
        if artefacts.bucket != nil {
            // A key's folders exist only in the bucket: the worker's cache makes them as needed.
            try PipelineSession.requireWritableFolder(
                (job.plan.output as NSString).deletingLastPathComponent, for: "the output", create: true)
        }
        try PipelineSession.requireOutputLocation(job.plan.output)
        let directory = artefacts.localPath("jobs/\(Self.folderName(job.id))")
        return Context(
            job: job, chain: chain, provider: provider, configuration: configuration, host: host, directory: directory,
            webhooks: webhooks)
    }

    // MARK: - submit

    func submit(_ step: ChainStep, _ payload: ChainStepPayload, _ context: Context, lease: any ChainStepLease) async throws -> ChainStepOutcome {
        let plan = context.chain.plan
        let segment = context.chain.segments[step.segment]
        let provider = context.provider
        let label = "segment \(step.segment + 1)/\(plan.segments), take \(step.take)"
        var next = payload
        if let known = step.providerTaskID {
            // Accepted earlier (the lease was lost after the task id was recorded, or a person named it): no POST.
            next.taskID = known
            next.submittedAt = next.submittedAt ?? Date().timeIntervalSince1970
            return awaitNext(step, next, context, result: ["task_id": known, "how": "recovered"])
        }
        // The start frame, signed as a link to the bucket, or a local file (fetched from the bucket if need be:
        // a store that cannot be read now is tried again later, and nothing is paid meanwhile).
        var presigned: URL?
        var localFrame: String?
        if payload.startImageURL == nil, let frame = payload.startFrame {
            if context.host.strategy == .s3, let link = artefacts.presignedGET(frame) {
                // Signed now, so the link is fresh however long the segment waited to be submitted.
                presigned = link
            } else {
                do { localFrame = try await artefacts.localFile(for: frame) } catch {
                    return .retry(seconds: 10, reason: "\(label): the start frame: \(error)")
                }
            }
        }
        let request: GenerationRequest
        do {
            var previousFrame: ImageSource?
            if let url = payload.startImageURL.flatMap(URL.init(string:)) {
                previousFrame = .url(url)
            } else if let presigned {
                previousFrame = .url(presigned)
            } else if let localFrame {
                previousFrame = try await context.host.source(for: localFrame)
            }
            let host = context.host
            let built = try await ChainEngine.request(
                for: segment, plan: plan, previousFrame: previousFrame, previousTaskID: payload.previousTaskID,
                imageSource: { try await ChainEngine.imageSource($0, host: host) })
            var withCallback = built
            if let webhooks = context.webhooks, let reference = step.clientRef {
                let callback = webhooks.callback(for: provider.kind, clientRef: reference)
                withCallback.webhookURL = callback.url
                withCallback.webhookSecret = callback.secret
            }
            request = try provider.kind.profile.resolve(withCallback)
            try provider.validate(request)
        } catch {
            return .failed(reason: "\(label) would be refused, so nothing was submitted: \(error)", category: "invalid_job")
        }
        // Committed before the POST: a lease lost from here on leaves the step for a person, never resent.
        try await lease.markSubmitting()
        let submittedAt = Date()
        let taskID: String
        do {
            taskID = try await provider.submit(request)
        } catch let error as ProviderError {
            switch error.kind {
            case .mayHaveBeenSubmitted:
                logger.warning("\(label): the create request's outcome is unknown: \(error)", metadata: ["job": "\(step.jobID)"])
                switch (try? await provider.findSubmittedTask(for: request, since: submittedAt)) ?? .unsupported {
                case .found(let id):
                    taskID = id
                case .notFound:
                    return .retry(seconds: 5, reason: "\(label): the create request never reached \(provider.kind.displayName) (its task list has no such task)")
                case .ambiguous(let ids):
                    return .needsAttention(reason: "\(label): the create request's answer was lost and several \(provider.kind.displayName) tasks match it (\(ids.joined(separator: ", "))): resolve it with the task id or resubmit")
                case .unsupported:
                    return .needsAttention(reason: "\(label): the create request's outcome is unknown (it may have created a paid task, and \(provider.kind.displayName) cannot be searched for it): resolve it with the task id or resubmit")
                }
            case .rateLimited:
                return .rateLimited(provider: provider.kind.rawValue, seconds: error.retryAfter.map(Self.seconds) ?? 30)
            case .transport:
                return .retry(seconds: 5, reason: "\(label): \(error)")
            case .httpStatus where (error.statusCode ?? 0) >= 500:
                return .retry(seconds: 10, reason: "\(label): \(error)")
            default:
                return .failed(reason: "\(label): the provider refused the request: \(error)", category: Self.category(error))
            }
        }
        try await lease.recordTaskID(taskID)
        logger.info("submitted", metadata: ["job": "\(step.jobID)", "segment": "\(step.segment + 1)", "task": "\(taskID)"])
        next.taskID = taskID
        next.submittedAt = submittedAt.timeIntervalSince1970
        // The queue records where a bucket's image is (`s3://...`), never its signed link.
        var recorded = request
        recorded.startImage = artefacts.recorded(request.startImage)
        recorded.endImage = artefacts.recorded(request.endImage)
        next.request = try? SegmentRunner.requestJSON(recorded)
        return awaitNext(step, next, context, result: ["task_id": taskID, "request": next.request ?? ""])
    }

    private func awaitNext(_ step: ChainStep, _ payload: ChainStepPayload, _ context: Context, result: [String: String]) -> ChainStepOutcome {
        let first = pollDelay ?? Self.pollInterval(elapsed: 0, loopback: PipelineSession.isLoopback(context.configuration.baseURL))
        return .done(
            result: Self.json(result),
            next: [ChainNextStep(
                segment: step.segment, kind: .await, take: step.take, provider: context.job.plan.provider.rawValue,
                payload: payload.json, maxAttempts: 8, delay: first)],
            output: nil, cost: 0)
    }

    // MARK: - await

    func poll(_ step: ChainStep, _ payload: ChainStepPayload, _ context: Context) async throws -> ChainStepOutcome {
        guard let taskID = payload.taskID else {
            return .failed(reason: "segment \(step.segment + 1): no task id to poll", category: "invalid_job")
        }
        let snapshot: TaskSnapshot
        do {
            snapshot = try await context.provider.fetch(taskID: taskID)
        } catch let error as ProviderError where error.kind == .rateLimited {
            return .rateLimited(provider: context.provider.kind.rawValue, seconds: error.retryAfter.map(Self.seconds) ?? 30)
        }
        switch snapshot.state {
        case .succeeded:
            guard let video = snapshot.videoURL else {
                return .retry(seconds: 5, reason: "task \(taskID) finished without a video URL")
            }
            var next = payload
            next.videoURL = video.absoluteString
            next.cost = snapshot.cost
            var result = ["task_id": taskID, "state": "succeeded", "video_url": video.absoluteString]
            if let submitted = payload.submittedAt {
                next.generationSeconds = Date().timeIntervalSince1970 - submitted
                result["generation_s"] = String(format: "%.1f", next.generationSeconds!)
            }
            if let cost = snapshot.cost { result["cost"] = "\(cost.amount) \(cost.unit)" }
            return .done(
                result: Self.json(result),
                next: [ChainNextStep(segment: step.segment, kind: .download, take: step.take, provider: nil, payload: next.json, maxAttempts: 4, delay: 0)],
                output: nil, cost: snapshot.cost?.amount ?? 0)
        case .failed(let reason):
            return retake(step, payload, context, because: "the task failed: \(reason)", category: "task_failed",
                          result: ["task_id": taskID, "state": "failed", "reason": reason])
        case .cancelled:
            return retake(step, payload, context, because: "the task was cancelled", category: "task_failed",
                          result: ["task_id": taskID, "state": "cancelled"])
        case .queued, .running, .unknown:
            let elapsed = payload.submittedAt.map { Date().timeIntervalSince1970 - $0 } ?? 0
            return .wait(seconds: pollDelay ?? Self.pollInterval(elapsed: elapsed, loopback: PipelineSession.isLoopback(context.configuration.baseURL)))
        }
    }

    /// Submits the segment again under the next take while the job's retry budget lasts, as the
    /// single-process engine does; otherwise fails the job.
    private func retake(
        _ step: ChainStep, _ payload: ChainStepPayload, _ context: Context, because reason: String, category: String,
        result: [String: String]
    ) -> ChainStepOutcome {
        let plan = context.chain.plan
        let label = "segment \(step.segment + 1)/\(plan.segments), take \(step.take)"
        guard step.take <= plan.maxRetries else {
            return .failed(reason: "\(label): \(reason) — no retries left (max_retries \(plan.maxRetries))", category: category)
        }
        logger.warning("\(label): \(reason); submitting again", metadata: ["job": "\(step.jobID)"])
        var result = result
        result["retake"] = "\(step.take + 1)"
        return .done(
            result: Self.json(result),
            next: [ChainNextStep(
                segment: step.segment, kind: .submit, take: step.take + 1, provider: plan.provider.rawValue,
                payload: payload.forRetake(because: "\(label): \(reason)").json, maxAttempts: 3, delay: 0)],
            output: nil, cost: 0)
    }

    // MARK: - download

    func download(_ step: ChainStep, _ payload: ChainStepPayload, _ context: Context) async throws -> ChainStepOutcome {
        guard let taskID = payload.taskID, let video = payload.videoURL.flatMap(URL.init(string:)) else {
            return .failed(reason: "segment \(step.segment + 1): nothing to download", category: "invalid_job")
        }
        try FileManager.default.createDirectory(atPath: context.directory, withIntermediateDirectories: true)
        let destination = (context.directory as NSString).appendingPathComponent(
            String(format: "segment-%02d-take-%d.mp4", step.segment + 1, step.take))
        let provider = context.provider
        if !((try? SegmentRunner.verifyVideo(destination)) != nil) {
            let downloader = Downloader(trustedBaseURL: context.configuration.baseURL, logger: logger)
            _ = try await downloader.download(
                from: video, to: URL(fileURLWithPath: destination),
                refreshURL: {
                    guard let fresh = try await provider.fetch(taskID: taskID).videoURL else {
                        throw ProviderError.decoding("task \(taskID)", detail: "no video URL when refreshing the link", provider: provider.kind)
                    }
                    return fresh
                },
                verify: SegmentRunner.verifyVideo)
        }
        // With a bucket store, the clip is the bucket's from here on: any worker's next step may fetch it.
        try await artefacts.publish(destination)
        var next = payload
        next.file = artefacts.reference(forLocal: destination)
        return .done(
            result: Self.json([
                "file": artefacts.address(ofLocal: destination), "sha256": (try? SegmentRunner.sha256(of: destination)) ?? "",
            ]),
            next: [ChainNextStep(segment: step.segment, kind: .check, take: step.take, provider: nil, payload: next.json, maxAttempts: 3, delay: 0)],
            output: nil, cost: 0)
    }

    // MARK: - check

    func check(_ step: ChainStep, _ payload: ChainStepPayload, _ context: Context) async -> ChainStepOutcome {
        guard let reference = payload.file else {
            return .failed(reason: "segment \(step.segment + 1): no clip to check", category: "invalid_job")
        }
        let file: String
        do { file = try await artefacts.localFile(for: reference) } catch {
            return .retry(seconds: 5, reason: "segment \(step.segment + 1): \(error)")
        }
        let expectations = context.chain.segments[step.segment].expectations
        let outcome = await QualityGate.check(file, expectations.expectations)
        let report = String(decoding: outcome.report, as: UTF8.self)
        if outcome.failed {
            let failed = ((try? JSONSerialization.jsonObject(with: outcome.report)) as? [String: Any])
                .flatMap { $0["checks"] as? [[String: Any]] }?
                .filter { $0["status"] as? String == "fail" }.compactMap { $0["name"] as? String } ?? []
            return retake(step, payload, context, because: "\(file) failed QA: \(SegmentRunner.failedChecks(outcome.report))",
                          category: "qa", result: ["verdict": outcome.verdict, "file": file, "failed_checks": failed.joined(separator: ",")])
        }
        var next = payload
        next.verdict = outcome.verdict
        if context.chain.plan.segments == 1 { next.report = report }
        return .done(
            result: Self.json(["verdict": outcome.verdict, "file": file, "expectation_source": expectations.source, "report": report]),
            next: [ChainNextStep(segment: step.segment, kind: .handover, take: step.take, provider: nil, payload: next.json, maxAttempts: 3, delay: 0)],
            output: nil, cost: 0)
    }

    // MARK: - handover

    func handOver(_ step: ChainStep, _ payload: ChainStepPayload, _ context: Context) async throws -> ChainStepOutcome {
        let chain = context.chain
        let plan = chain.plan
        guard let reference = payload.file else {
            return .failed(reason: "segment \(step.segment + 1): no clip to hand over", category: "invalid_job")
        }
        let references = payload.files + [reference]
        let file = try await artefacts.localFile(for: reference)
        let expectations = chain.segments[step.segment].expectations
        let done = payload.segments + [ChainResult.Segment(
            segment: step.segment + 1, attempts: step.take, taskID: payload.taskID, file: reference, verdict: payload.verdict,
            generationSeconds: payload.generationSeconds,
            request: ClipSidecar.Request(
                payload.request.flatMap { try? JSONDecoder().decode(GenerationRequest.self, from: Data($0.utf8)) }
                    ?? chain.segments[step.segment].request,
                provider: plan.provider),
            expectations: expectations.expectations, expectationSource: expectations.source, cost: payload.cost)]
        guard step.segment + 1 < plan.segments else {
            return try await finish(step, payload, context, segments: done, files: references)
        }
        var next = ChainStepPayload(files: references, segments: done, colorAnchor: payload.colorAnchor)
        var result: [String: String] = [:]
        switch chain.segments[step.segment + 1].start {
        case .previousLastFrame:
            let framePath = (context.directory as NSString).appendingPathComponent(
                String(format: "segment-%02d-last.png", step.segment + 1))
            try await ChainEngine.extractLastFrame(of: file, to: framePath, logger: logger)
            var handed = framePath
            if plan.colorMatch == .first, step.segment > 0, let firstReference = references.first {
                let anchoredPath = (context.directory as NSString).appendingPathComponent(
                    String(format: "segment-%02d-last-anchored.png", step.segment + 1))
                let anchor: ColorStatistics
                if let carried = payload.colorAnchor {
                    anchor = carried
                } else {
                    let first = try await artefacts.localFile(for: firstReference)
                    anchor = try await MediaWork.run { try ColorAnchor.statistics(ofClipAt: first) }
                }
                next.colorAnchor = anchor
                result["anchor"] = try await ChainEngine.anchorFrame(framePath, of: file, to: anchor, writingTo: anchoredPath)
                handed = anchoredPath
            }
            try await artefacts.publish(framePath)
            if handed != framePath { try await artefacts.publish(handed) }
            next.startFrame = artefacts.reference(forLocal: handed)
            result["last_frame"] = artefacts.address(ofLocal: framePath)
            if context.host.strategy == .s3, artefacts.bucket != nil {
                // The submit signs a GET link to the frame in the store when it sends it.
                result["hosted"] = "presigned GET of \(artefacts.address(ofLocal: handed))"
            } else {
                let source = try await context.host.source(for: handed)
                if !source.isDataURI { next.startImageURL = source.wireValue }
                result["hosted"] = FrameHost.describe(source)
            }
        case .nativeExtend:
            next.previousTaskID = payload.taskID
        case .none, .image:
            break
        }
        return .done(
            result: Self.json(result),
            next: [ChainNextStep(
                segment: step.segment + 1, kind: .submit, take: 1, provider: plan.provider.rawValue, payload: next.json,
                maxAttempts: 3, delay: 0)],
            output: nil, cost: 0)
    }

    /// Joins the segments into the job's output (no repeated frame at the seams, as `extend` does), or copies
    /// the only one, and writes the output's sidecar, as `extend` and `generate` do.
    private func finish(
        _ step: ChainStep, _ payload: ChainStepPayload, _ context: Context, segments: [ChainResult.Segment], files: [String]
    ) async throws -> ChainStepOutcome {
        let chain = context.chain
        let plan = chain.plan
        // Joined where this worker is: a clip its cache lacks comes from the bucket first.
        var local: [String] = []
        for reference in files { local.append(try await artefacts.localFile(for: reference)) }
        let result = try await MediaWork.run { [local] in
            try ChainEngine.finish(plan, segments: segments, files: local, runID: step.jobID, handoffs: [])
        }
        try await PipelineSession.writeSidecar(
            result: result, chain: chain, providerURLs: payload.videoURL.map { ["video": $0] },
            generationSeconds: payload.generationSeconds, firstReport: payload.report)
        try await artefacts.publish(ClipSidecar.path(for: plan.output))
        try await artefacts.publish(plan.output)
        let output = artefacts.address(ofLocal: plan.output)
        var summary: [String: Any] = ["output": output, "segments": files]
        if let frames = result.frameCount { summary["frame_count"] = frames }
        if let seams = result.seamFrames { summary["seam_frames"] = seams }
        if let seconds = result.durationSeconds { summary["duration_s"] = seconds }
        let text = (try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return .done(result: text, next: [], output: output, cost: 0)
    }

    // MARK: - Helpers

    /// Polling backs off with the task's age: often at first, every 30 s for a long render (a fraction of a
    /// second on loopback, the sandbox).
    static func pollInterval(elapsed: Double, loopback: Bool) -> Double {
        let (first, most) = loopback ? (0.2, 1.0) : (5.0, 30.0)
        return min(most, max(first, elapsed / 4))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }

    static func category(_ error: ProviderError) -> String {
        switch error.kind {
        case .httpStatus: "http_\(error.statusCode.map { "\($0 / 100)xx" } ?? "other")"
        case .authentication: "authentication"
        case .invalidRequest: "invalid_job"
        default: error.kind.rawValue
        }
    }

    static func folderName(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }

    static func json(_ object: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(object)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
