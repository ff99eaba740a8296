import ClipMedia
import ClipProviders
import Foundation
import Logging

/// What a finished run reports, per segment and in total.
public struct ChainResult: Codable, Sendable {
    public struct Segment: Codable, Sendable {
        public var segment: Int
        public var attempts: Int
        public var taskID: String?
        public var file: String
        public var verdict: String?
        public var generationSeconds: Double?
        /// PSNR (dB, luma) between this segment's first frame and the previous segment's last frame.
        public var seamPSNR: Double?
        public var seamSSIM: Double?
    }

    public var runID: String
    public var output: String
    public var segments: [Segment]
    public var frameCount: Int?
    public var durationSeconds: Double?
    public var seams: SeamReport?
    /// Frame indices in the output where each continuation begins.
    public var seamFrames: [Int]?
    /// Seconds of ClipKit's own work between segments (check, last frame, hosting), per handoff.
    public var handoffSeconds: [Double]
}

/// Generates segment after segment, each starting from the previous one's exact last frame (or a
/// native extend), checks each, retries failures within a budget, and joins the result.
///
/// Every step goes through the journal first (see ``SegmentRunner``); running the same plan again
/// after a crash continues from the journal and never submits a task twice.
public struct ChainEngine: Sendable {
    public var provider: any VideoGenerationProvider
    public var segmentRunner: SegmentRunner
    public var journal: any Journal
    public var host: FrameHost
    public var workDirectory: String
    public var logger: Logger
    /// Called with one line of progress for people.
    public var report: @Sendable (String) -> Void
    /// Gives each request a webhook callback (URL and, for PiAPI, a shared secret); polling stays the fallback.
    public var webhook: (@Sendable () async -> (url: URL, secret: String?))?

    public init(
        provider: any VideoGenerationProvider, segmentRunner: SegmentRunner, journal: any Journal, host: FrameHost,
        workDirectory: String, logger: Logger = Logger(label: "clipkit"), report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.provider = provider
        self.segmentRunner = segmentRunner
        self.journal = journal
        self.host = host
        self.workDirectory = workDirectory
        self.logger = logger
        self.report = report
    }

    public func run(_ plan: ChainPlan) async throws -> ChainResult {
        let runID = plan.runID
        let runDirectory = (workDirectory as NSString).appendingPathComponent(runID)
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        var run: JournalRun
        if let existing = try await journal.run(id: runID) {
            run = existing
            report("resuming run \(runID)")
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            run = JournalRun(
                id: runID, kind: plan.kind, provider: plan.provider.rawValue, output: plan.output,
                plan: String(decoding: try encoder.encode(plan), as: UTF8.self))
            try await journal.save(run)
        }
        run.state = .running
        try await journal.save(run)

        var chosen: [JournalAttempt] = []
        var handoffs: [Double] = []
        var startSource: ImageSource? = try await firstStartImage(plan)
        var endSource: ImageSource?
        if let end = plan.endImage { endSource = try await imageSource(end) }
        do {
            for segment in 0..<plan.segments {
                var request = GenerationRequest(
                    prompt: plan.prompt(for: segment), startImage: startSource, endImage: segment == plan.segments - 1 ? endSource : nil,
                    duration: plan.duration, aspectRatio: plan.aspectRatio, resolution: plan.resolution, loop: plan.loop,
                    model: plan.model)
                if plan.mode == .native, segment > 0, let previous = chosen.last?.taskID {
                    request.startImage = nil
                    request.extend = ExtendSource(taskID: previous)
                }
                if let webhook {
                    let callback = await webhook()
                    request.webhookURL = callback.url
                    request.webhookSecret = callback.secret
                }
                try provider.validate(request)
                let attempt = try await runSegment(segment, request: request, plan: plan, runID: runID, directory: runDirectory)
                chosen.append(attempt)
                if segment < plan.segments - 1 {
                    let started = Date()
                    let (updated, source) = try await handOff(attempt, directory: runDirectory, nativeNext: plan.mode == .native)
                    chosen[chosen.count - 1] = updated
                    startSource = source
                    handoffs.append(Date().timeIntervalSince(started))
                }
            }
        } catch {
            run.state = .failed
            run.message = String(describing: error)
            try? await journal.save(run)
            throw error
        }

        let files = chosen.compactMap(\.file)
        var result = ChainResult(
            runID: runID, output: plan.output,
            segments: chosen.map {
                ChainResult.Segment(
                    segment: $0.segment + 1, attempts: $0.attempt + 1, taskID: $0.taskID, file: $0.file ?? "",
                    verdict: $0.verdict, generationSeconds: $0.generationSeconds, seamPSNR: nil, seamSSIM: nil)
            },
            frameCount: nil, durationSeconds: nil, seams: nil, seamFrames: nil, handoffSeconds: handoffs)
        if files.count > 1 {
            report("joining \(files.count) segments (seam: \(plan.seam))")
            let seam = SeamMode(parsing: plan.seam) ?? .drop
            let joined = try ClipJoiner.join(
                inputs: files, output: plan.output,
                options: JoinOptions(seam: seam, colorMatch: plan.colorMatch == "first" ? .first : .none))
            result.frameCount = joined.frameCount
            result.durationSeconds = joined.durationSeconds
            result.seamFrames = joined.seamFrames
            let seams = try SeamAnalyzer().analyze(clips: files)
            result.seams = seams
            for score in seams.seams where score.seam < result.segments.count {
                // Seam k sits between segment k and segment k+1 (1-based numbering in the result).
                result.segments[score.seam].seamPSNR = score.psnr
                result.segments[score.seam].seamSSIM = score.ssim
            }
        } else if let only = files.first {
            if only != plan.output {
                try? FileManager.default.removeItem(atPath: plan.output)
                try FileManager.default.copyItem(atPath: only, toPath: plan.output)
            }
            let info = try MediaProbe.probe(path: plan.output)
            result.frameCount = info.video?.frameCount
            result.durationSeconds = info.video?.durationSeconds
        }
        run.state = .succeeded
        run.message = nil
        try await journal.save(run)
        try await journal.record(JournalEvent(runID: runID, segment: nil, attempt: nil, step: "finished", detail: plan.output))
        return result
    }

    /// Runs (or resumes) a segment until it has a clip that passed QA, within the retry budget.
    private func runSegment(
        _ segment: Int, request: GenerationRequest, plan: ChainPlan, runID: String, directory: String
    ) async throws -> JournalAttempt {
        let previous = try await journal.attempts(runID: runID).filter { $0.segment == segment }
        if let done = previous.last(where: { $0.step >= .checked && $0.step != .failed && $0.file.map(FileManager.default.fileExists) == true }) {
            report("segment \(segment + 1)/\(plan.segments): done earlier (task \(done.taskID ?? "?"))")
            return done
        }
        var attemptNumber = previous.count
        var inProgress = previous.last.flatMap { $0.step != .failed ? $0 : nil }
        if inProgress != nil { attemptNumber -= 1 }
        while true {
            let destination = plan.segments == 1
                ? plan.output
                : (directory as NSString).appendingPathComponent(String(format: "segment-%02d-attempt-%d.mp4", segment + 1, attemptNumber + 1))
            var attempt = try inProgress ?? SegmentRunner.plan(runID: runID, segment: segment, attempt: attemptNumber, request: request)
            if attempt.file == nil { attempt.file = destination }
            report("segment \(segment + 1)/\(plan.segments): \(inProgress?.taskID.map { "polling task \($0)" } ?? "submitting")")
            do {
                let finished = try await segmentRunner.run(attempt, request: request, destination: attempt.file!)
                report("segment \(segment + 1)/\(plan.segments): \(finished.verdict ?? "?") (task \(finished.taskID ?? "?"))")
                return finished
            } catch let failure as SegmentFailure where failure.isRetryable && attemptNumber < plan.maxRetries {
                report("segment \(segment + 1)/\(plan.segments): \(failure); retrying")
                attemptNumber += 1
                inProgress = nil
            } catch let failure as SegmentFailure where failure.isRetryable {
                throw PipelineError("\(failure) — no retries left (--max-retries \(plan.maxRetries)); everything done so far is kept, rerun to continue")
            }
        }
    }

    /// Extracts the segment's exact last frame and makes it readable by the provider.
    private func handOff(_ attempt: JournalAttempt, directory: String, nativeNext: Bool) async throws -> (JournalAttempt, ImageSource?) {
        var attempt = attempt
        if nativeNext { return (attempt, nil) }
        let framePath = (directory as NSString).appendingPathComponent(String(format: "segment-%02d-last.png", attempt.segment + 1))
        if attempt.step < .frameExtracted || !FileManager.default.fileExists(atPath: framePath) {
            let frame = try LastFrameExtractor.extract(path: attempt.file!)
            for warning in frame.warnings { logger.warning("\(attempt.file!): \(warning)") }
            try ImageCodec.write(frame.image, to: framePath, as: .png)
            attempt.lastFrame = framePath
            attempt.step = max(attempt.step, .frameExtracted)
            try await journal.save(attempt)
            try await journal.record(JournalEvent(runID: attempt.runID, segment: attempt.segment, attempt: attempt.attempt, step: "frame extracted", detail: framePath))
        }
        // Hosting is cheap and a URL from an earlier process may be gone: host again on every run.
        let source = try await host.source(for: framePath)
        attempt.hostedImage = FrameHost.describe(source)
        attempt.step = max(attempt.step, .frameHosted)
        try await journal.save(attempt)
        try await journal.record(JournalEvent(runID: attempt.runID, segment: attempt.segment, attempt: attempt.attempt, step: "frame hosted", detail: attempt.hostedImage))
        return (attempt, source)
    }

    private func firstStartImage(_ plan: ChainPlan) async throws -> ImageSource? {
        guard let start = plan.startImage else { return nil }
        return try await imageSource(start)
    }

    private func imageSource(_ reference: String) async throws -> ImageSource {
        if reference.hasPrefix("http://") || reference.hasPrefix("https://"), let url = URL(string: reference) {
            return .url(url)
        }
        guard FileManager.default.fileExists(atPath: reference) else {
            throw PipelineError("\(reference): no such image file")
        }
        _ = try ImageCodec.read(path: reference)  // a clear error now, before any money is spent
        return try await host.source(for: reference)
    }
}
