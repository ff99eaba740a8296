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
        /// The request as resolved and sent (every default explicit; inline images as digests).
        public var request: ClipSidecar.Request?
        /// The create body exactly as sent (secrets redacted, inline images as digests).
        public var wireBody: JSONValue?
        /// What the clip was checked against.
        public var expectations: ClipExpectations?
        /// Where the expectations came from: a preset, or derived from the request.
        public var expectationSource: String?
        /// The task's cost as the provider states it.
        public var cost: TaskCost?
        /// PSNR (dB, luma) between this segment's last frame and the next segment's first frame.
        public var seamPSNR: Double?
        public var seamSSIM: Double?
        /// With `--color-match first`: the same seam after the join's correction of both sides.
        public var seamPSNRCorrected: Double?
        public var seamSSIMCorrected: Double?
        /// This segment's colour drift from segment 1 as generated, and as the joined output shows it.
        public var driftBefore: SegmentDrift?
        public var driftAfter: SegmentDrift?

        enum CodingKeys: String, CodingKey {
            case segment, attempts, file, verdict, request, expectations, cost
            case seamPSNRCorrected = "seam_psnr_corrected"
            case seamSSIMCorrected = "seam_ssim_corrected"
            case driftBefore = "drift_before"
            case driftAfter = "drift_after"
            case wireBody = "wire_body"
            case taskID = "task_id"
            case generationSeconds = "generation_s"
            case expectationSource = "expectation_source"
            case seamPSNR = "seam_psnr"
            case seamSSIM = "seam_ssim"
        }
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
    /// True when the run had finished earlier and this command paid for nothing.
    public var alreadyDone: Bool?

    enum CodingKeys: String, CodingKey {
        case output, segments, seams
        case runID = "run_id"
        case frameCount = "frame_count"
        case durationSeconds = "duration_s"
        case seamFrames = "seam_frames"
        case handoffSeconds = "handoff_s"
        case alreadyDone = "already_done"
    }
}

/// Generates segment after segment of a ``ResolvedChain``, each starting from the previous one's exact
/// last frame (or a native extend), checks each against the expectations of the request that was sent,
/// retries failures within a budget, and joins the result.
///
/// Every step goes through the journal first (see ``SegmentRunner``): running the same command again
/// after a crash finds the run by its output and continues it, and never submits a task twice.
public struct ChainEngine: Sendable {
    public var provider: any VideoGenerationProvider
    public var segmentRunner: SegmentRunner
    public var journal: any Journal
    public var host: FrameHost
    public var workDirectory: String
    public var logger: Logger
    /// The provider's base URL, recorded with the run so `jobs resume` goes back to the same place.
    public var baseURL: String?
    /// Called with one line of progress for people.
    public var report: @Sendable (String) -> Void

    public init(
        provider: any VideoGenerationProvider, segmentRunner: SegmentRunner, journal: any Journal, host: FrameHost,
        workDirectory: String, baseURL: String? = nil, logger: Logger = Logger(label: "clipkit"),
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.provider = provider
        self.segmentRunner = segmentRunner
        self.journal = journal
        self.host = host
        self.workDirectory = workDirectory
        self.baseURL = baseURL
        self.logger = logger
        self.report = report
    }

    /// Finds the run this plan continues (same output, same paid requests) or creates one.
    /// - Returns: the run, and its stored result when it had already finished (nothing to pay).
    /// - Throws: ``PipelineError`` when a run for the same output was planned with other paid requests
    ///   and has paid for tasks: it says what differs.
    public func openRun(for plan: ChainPlan) async throws -> (run: JournalRun, plan: ChainPlan, finished: ChainResult?) {
        if let existing = try await journal.runs(output: plan.output).first {
            let stored = try JSONDecoder().decode(ChainPlan.self, from: Data(existing.plan.utf8))
            let attempts = try await journal.attempts(runID: existing.id)
            let paid = attempts.contains { $0.taskID != nil || $0.step == .submitting }
            let differences = stored.paidDifferences(from: plan)
            if differences.isEmpty || !paid {
                var run = existing
                run.plan = String(decoding: try JSONEncoder.sorted.encode(plan), as: UTF8.self)
                if !differences.isEmpty {
                    // Nothing was paid for under the old plan: it is simply replaced.
                    run.state = .running
                }
                if run.state == .succeeded, let text = run.result, FileManager.default.fileExists(atPath: plan.output),
                    var result = try? JSONDecoder().decode(ChainResult.self, from: Data(text.utf8))
                {
                    result.alreadyDone = true
                    return (run, plan, result)
                }
                return (run, plan, nil)
            }
            throw PipelineError(
                "\(plan.output) belongs to run \(existing.id), which has paid for tasks and was planned with \(differences.joined(separator: "; ")): rerun it as planned (`clipkit jobs resume \(existing.id)`), or write to another output")
        }
        let id = "run-" + UUID().uuidString.lowercased().prefix(8)
        var run = JournalRun(
            id: String(id), kind: plan.kind.rawValue, provider: plan.provider.rawValue, output: plan.output,
            plan: String(decoding: try JSONEncoder.sorted.encode(plan), as: UTF8.self))
        run.baseURL = baseURL
        try await journal.save(run)
        return (run, plan, nil)
    }

    /// Runs (or continues) a resolved chain under `run`.
    public func run(_ chain: ResolvedChain, as run: JournalRun) async throws -> ChainResult {
        var run = run
        let plan = chain.plan
        let runDirectory = (workDirectory as NSString).appendingPathComponent(run.id)
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        if try await !journal.attempts(runID: run.id).isEmpty { report("resuming run \(run.id)") }
        run.state = .running
        run.message = nil
        try await journal.save(run)

        var chosen: [JournalAttempt] = []
        var handoffs: [Double] = []
        var previousFrame: ImageSource?
        // With --color-match first: the first segment's colours, which every handed-over frame is moved to.
        var anchor: ColorStatistics?
        do {
            for segment in chain.segments {
                let host = self.host
                let request = try await Self.request(
                    for: segment, plan: plan, previousFrame: previousFrame, previousTaskID: chosen.last?.taskID,
                    imageSource: { try await Self.imageSource($0, host: host) })
                let attempt = try await runSegment(segment, request: request, plan: plan, runID: run.id, directory: runDirectory)
                chosen.append(attempt)
                if segment.index < plan.segments - 1 {
                    let started = Date()
                    let next = chain.segments[segment.index + 1].start
                    if plan.colorMatch == .first, anchor == nil, next == .previousLastFrame, let first = chosen.first?.file {
                        anchor = try await MediaWork.run { try ColorAnchor.statistics(ofClipAt: first) }
                    }
                    let (updated, source) = try await handOff(
                        attempt, directory: runDirectory, needsFrame: next == .previousLastFrame, anchor: anchor)
                    chosen[chosen.count - 1] = updated
                    previousFrame = source
                    handoffs.append(Date().timeIntervalSince(started))
                }
            }
        } catch let failure as SegmentFailure where failure.kind == .submissionUnknown {
            run.state = .needsAttention
            run.message = failure.description
            try? await journal.save(run)
            throw PipelineError(failure.description)
        } catch {
            run.state = .failed
            run.message = String(describing: error)
            try? await journal.save(run)
            throw error
        }

        do {
            let result = try finish(chain, attempts: chosen, runID: run.id, handoffs: handoffs)
            run.state = .succeeded
            run.result = String(decoding: try JSONEncoder.sorted.encode(result), as: UTF8.self)
            try await journal.save(run)
            try await journal.record(JournalEvent(runID: run.id, segment: nil, attempt: nil, step: "finished", detail: plan.output))
            return result
        } catch {
            // Every segment is paid for and kept; only the output failed. Nothing half-written stays.
            for leftover in [plan.output, plan.output + ".part"] where FileManager.default.fileExists(atPath: leftover) {
                if !chosen.contains(where: { $0.file == leftover }) { try? FileManager.default.removeItem(atPath: leftover) }
            }
            run.state = .failed
            run.message = "the segments are done but the output failed: \(error)"
            try? await journal.save(run)
            throw PipelineError("\(plan.output): \(run.message!) (the segments are kept; rerun to try the join again)")
        }
    }

    /// Joins the segments (or copies the only one) and reports.
    private func finish(_ chain: ResolvedChain, attempts chosen: [JournalAttempt], runID: String, handoffs: [Double]) throws -> ChainResult {
        let plan = chain.plan
        let segments = chosen.map { attempt in
            let choice = attempt.expectations.flatMap { try? JSONDecoder().decode(ExpectationChoice.self, from: Data($0.utf8)) }
            return ChainResult.Segment(
                segment: attempt.segment + 1, attempts: attempt.attempt + 1, taskID: attempt.taskID, file: attempt.file ?? "",
                verdict: attempt.verdict, generationSeconds: attempt.generationSeconds,
                request: (try? JSONDecoder().decode(GenerationRequest.self, from: Data(attempt.request.utf8)))
                    .map { ClipSidecar.Request($0, provider: plan.provider) },
                wireBody: attempt.wireBody.flatMap { try? JSONValue.parse(Data($0.utf8)) },
                expectations: choice?.expectations, expectationSource: choice?.source,
                cost: attempt.cost.flatMap { try? JSONDecoder().decode(TaskCost.self, from: Data($0.utf8)) })
        }
        return try Self.finish(plan, segments: segments, files: chosen.compactMap(\.file), runID: runID, handoffs: handoffs, report: report)
    }

    /// Joins the segments' clips (or copies the only one) into the plan's output and scores the seams.
    static func finish(
        _ plan: ChainPlan, segments: [ChainResult.Segment], files: [String], runID: String, handoffs: [Double],
        report: (String) -> Void = { _ in }
    ) throws -> ChainResult {
        var result = ChainResult(
            runID: runID, output: plan.output, segments: segments, frameCount: nil, durationSeconds: nil, seams: nil,
            seamFrames: nil, handoffSeconds: handoffs)
        if files.count > 1 {
            report("joining \(files.count) segments (seam: \(plan.seam))")
            // Measured once for the join's colour correction and the report's corrected scores.
            let colors = plan.colorMatch == .first ? try ColorMeasurements.measure(clips: files) : nil
            let joined = try Self.join(files, plan: plan, colors: colors)
            result.frameCount = joined.frameCount
            result.durationSeconds = joined.durationSeconds
            result.seamFrames = joined.seamFrames
            // Measured both ways: as generated, and as the join's correction (if any) leaves them.
            let seams = try SeamAnalyzer().analyze(clips: files, colorMatch: plan.colorMatch, colors: colors)
            result.seams = seams
            for score in seams.seams where score.seam < result.segments.count {
                // Seam k sits between segment k and segment k+1 (1-based numbering in the result).
                result.segments[score.seam].seamPSNR = score.psnr
                result.segments[score.seam].seamSSIM = score.ssim
                result.segments[score.seam].seamPSNRCorrected = score.correctedPSNR
                result.segments[score.seam].seamSSIMCorrected = score.correctedSSIM
            }
            for color in seams.segments where color.segment < result.segments.count {
                result.segments[color.segment].driftBefore = SegmentDrift(color.drift)
                result.segments[color.segment].driftAfter = SegmentDrift(color.correctedDrift ?? color.drift)
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
        return result
    }

    /// Runs (or resumes) a segment until it has a clip that passed QA, within the retry budget.
    private func runSegment(
        _ segment: SegmentPlan, request: GenerationRequest, plan: ChainPlan, runID: String, directory: String
    ) async throws -> JournalAttempt {
        let index = segment.index
        let label = "segment \(index + 1)/\(plan.segments)"
        let previous = try await journal.attempts(runID: runID).filter { $0.segment == index }
        if let done = previous.last(where: { $0.step >= .checked && $0.step != .failed && $0.file.map(FileManager.default.fileExists) == true }) {
            report("\(label): done earlier (task \(done.taskID ?? "?"))")
            return done
        }
        var attemptNumber = previous.count
        var inProgress = previous.last.flatMap { $0.step != .failed ? $0 : nil }
        if inProgress != nil { attemptNumber -= 1 }
        while true {
            let destination = plan.segments == 1
                ? plan.output
                : (directory as NSString).appendingPathComponent(String(format: "segment-%02d-attempt-%d.mp4", index + 1, attemptNumber + 1))
            var attempt = try inProgress
                ?? SegmentRunner.plan(runID: runID, segment: index, attempt: attemptNumber, request: request, expectations: segment.expectations)
            if attempt.file == nil { attempt.file = destination }
            report("\(label): \(inProgress?.taskID.map { "polling task \($0)" } ?? (inProgress?.step == .submitting ? "reconciling an unanswered submit" : "submitting"))")
            do {
                let finished = try await segmentRunner.run(
                    attempt, request: request, expectations: segment.expectations.expectations, destination: attempt.file!)
                report("\(label): \(finished.verdict ?? "?") (task \(finished.taskID ?? "?"))")
                return finished
            } catch let failure as SegmentFailure where failure.isRetryable && attemptNumber < plan.maxRetries {
                report("\(label): \(failure); retrying")
                attemptNumber += 1
                inProgress = nil
            } catch let failure as SegmentFailure where failure.isRetryable {
                throw PipelineError("\(failure) — no retries left (--max-retries \(plan.maxRetries)); everything done so far is kept, rerun to continue")
            }
        }
    }

    /// Extracts the segment's exact last frame and makes it readable by the provider.
    ///
    /// With an `anchor` (``ColorMatchMode/first``), a continuation's frame is corrected towards the first
    /// segment's colours before it is hosted, so the next generation starts from the anchored colours; the
    /// exact frame stays on disk for the seam checks.
    private func handOff(
        _ attempt: JournalAttempt, directory: String, needsFrame: Bool, anchor: ColorStatistics?
    ) async throws -> (JournalAttempt, ImageSource?) {
        var attempt = attempt
        guard needsFrame else { return (attempt, nil) }
        let framePath = (directory as NSString).appendingPathComponent(String(format: "segment-%02d-last.png", attempt.segment + 1))
        if attempt.step < .frameExtracted || !FileManager.default.fileExists(atPath: framePath) {
            try await Self.extractLastFrame(of: attempt.file!, to: framePath, logger: logger)
            attempt.lastFrame = framePath
            attempt.step = max(attempt.step, .frameExtracted)
            try await journal.save(attempt)
            try await journal.record(JournalEvent(runID: attempt.runID, segment: attempt.segment, attempt: attempt.attempt, step: "frame extracted", detail: framePath))
        }
        var handed = framePath
        if let anchor, attempt.segment > 0 {
            let anchoredPath = (directory as NSString).appendingPathComponent(
                String(format: "segment-%02d-last-anchored.png", attempt.segment + 1))
            let drift = try await Self.anchorFrame(framePath, of: attempt.file!, to: anchor, writingTo: anchoredPath)
            handed = anchoredPath
            try await journal.record(JournalEvent(
                runID: attempt.runID, segment: attempt.segment, attempt: attempt.attempt, step: "frame anchored",
                detail: "drift from segment 1 corrected at the source: \(drift)"))
        }
        // Hosting is cheap and a URL from an earlier process may be gone: host again on every run.
        let source = try await host.source(for: handed)
        attempt.hostedImage = FrameHost.describe(source)
        attempt.step = max(attempt.step, .frameHosted)
        try await journal.save(attempt)
        try await journal.record(JournalEvent(runID: attempt.runID, segment: attempt.segment, attempt: attempt.attempt, step: "frame hosted", detail: attempt.hostedImage))
        return (attempt, source)
    }

    // MARK: - Steps shared with the fleet's executor (one step of one segment at a time)

    /// The request a segment sends: its resolved request with its start (the user's image, the previous
    /// segment's handed-over frame, or a native extend of the previous task) and, on the last segment, the end image.
    static func request(
        for segment: SegmentPlan, plan: ChainPlan, previousFrame: ImageSource?, previousTaskID: String?,
        imageSource: (String) async throws -> ImageSource
    ) async throws -> GenerationRequest {
        var request = segment.request
        switch segment.start {
        case .none: break
        case .image(let reference): request.startImage = try await imageSource(reference)
        case .previousLastFrame: request.startImage = previousFrame
        case .nativeExtend: request.extend = previousTaskID.map(ExtendSource.init(taskID:))
        }
        if let end = plan.endImage, segment.index == plan.segments - 1 { request.endImage = try await imageSource(end) }
        return request
    }

    /// Writes the clip's exact last frame as a PNG (off the cooperative pool).
    static func extractLastFrame(of clip: String, to framePath: String, logger: Logger) async throws {
        let warnings = try await MediaWork.run {
            let frame = try LastFrameExtractor.extract(path: clip)
            try ImageCodec.write(frame.image, to: framePath, as: .png)
            return frame.warnings
        }
        for warning in warnings { logger.warning("\(clip): \(warning)") }
    }

    /// Writes `framePath` corrected towards `anchor` (the first segment's colours) to `anchoredPath`.
    /// - Returns: the drift that was corrected, for the journal.
    static func anchorFrame(
        _ framePath: String, of clip: String, to anchor: ColorStatistics, writingTo anchoredPath: String
    ) async throws -> String {
        try await MediaWork.run {
            let statistics = try ColorAnchor.closingStatistics(ofClipAt: clip)
            let corrected = ColorAnchor.correct(try ImageCodec.read(path: framePath), clip: statistics, anchor: anchor)
            try ImageCodec.write(corrected, to: anchoredPath, as: .png)
            return String(format: "luma %+.1f, contrast x%.2f", statistics.y.mean - anchor.y.mean,
                anchor.y.standardDeviation > 0 ? statistics.y.standardDeviation / anchor.y.standardDeviation : 1)
        }
    }

    /// Joins the segments' clips into the plan's output with its seam and colour handling.
    static func join(_ files: [String], plan: ChainPlan, colors: ColorMeasurements? = nil) throws -> JoinResult {
        try ClipJoiner.join(
            inputs: files, output: plan.output, options: JoinOptions(seam: plan.seam, colorMatch: plan.colorMatch), colors: colors)
    }

    /// A user's image reference as the provider will read it: a URL as is, a local file through `host`.
    static func imageSource(_ reference: String, host: FrameHost) async throws -> ImageSource {
        if reference.hasPrefix("http://") || reference.hasPrefix("https://"), let url = URL(string: reference) {
            return .url(url)
        }
        guard FileManager.default.fileExists(atPath: reference) else {
            throw PipelineError("\(reference): no such image file")
        }
        return try await host.source(for: reference)
    }
}
