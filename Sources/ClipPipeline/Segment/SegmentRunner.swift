import ClipMedia
import ClipProviders
import Crypto
import Foundation
import Logging

/// The QA verdict of a downloaded clip, as the journal keeps it.
public struct CheckOutcome: Sendable {
    /// "pass", "warn" or "fail".
    public var verdict: String
    /// The full report as JSON.
    public var report: Data

    public init(verdict: String, report: Data) {
        self.verdict = verdict
        self.report = report
    }

    public var failed: Bool { verdict == "fail" }
}

/// Checks a downloaded clip (the QA validator, run off the cooperative pool by the caller).
public typealias ClipCheck = @Sendable (_ path: String) async -> CheckOutcome

/// Why a segment attempt ended without a usable clip.
public struct SegmentFailure: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The provider reported a failed task (moderation, bad input image ...): worth another attempt.
        case taskFailed
        /// The clip came back but failed QA: worth another attempt.
        case qaFailed
        /// The submission may have created a task whose id is unknown: never retried automatically.
        case submissionUnknown
        /// Anything else (network, configuration, a poll deadline).
        case other
    }

    public var kind: Kind
    public var description: String
    public var isRetryable: Bool { kind == .taskFailed || kind == .qaFailed }
}

/// Runs one attempt of one segment through the journal, step by step: each step is recorded before
/// the next begins, so a rerun after a crash resumes exactly where the last one stopped. A task that
/// was submitted is polled, never submitted again; a downloaded file is not fetched again.
public struct SegmentRunner: Sendable {
    public var provider: any VideoGenerationProvider
    public var runner: GenerationRunner
    public var journal: any Journal
    public var check: ClipCheck
    public var logger: Logger
    /// Wakes polling early when a webhook arrives.
    public var wakeup: PollWakeup?

    public init(
        provider: any VideoGenerationProvider, runner: GenerationRunner, journal: any Journal, check: @escaping ClipCheck,
        logger: Logger = Logger(label: "clipkit"), wakeup: PollWakeup? = nil
    ) {
        self.provider = provider
        self.runner = runner
        self.journal = journal
        self.check = check
        self.logger = logger
        self.wakeup = wakeup
    }

    /// The attempt record to start a new attempt with.
    public static func plan(runID: String, segment: Int, attempt: Int, request: GenerationRequest) throws -> JournalAttempt {
        JournalAttempt(runID: runID, segment: segment, attempt: attempt, request: try requestJSON(request))
    }

    /// Takes `attempt` from wherever the journal left it to `checked` (or to a failure).
    /// - Parameters:
    ///   - request: the request the attempt stands for (its JSON is already in the journal).
    ///   - destination: where the clip goes.
    /// - Returns: the attempt at step `checked`, with its verdict.
    public func run(_ attempt: JournalAttempt, request: GenerationRequest, destination: String) async throws -> JournalAttempt {
        var attempt = attempt
        let where_ = "segment \(attempt.segment + 1), attempt \(attempt.attempt + 1)"
        if attempt.step == .planned {
            try await journal.save(attempt)
            try await event(attempt, "planned")
            let taskID: String
            do {
                taskID = try await provider.submit(request)
            } catch let error as ProviderError where error.kind == .mayHaveBeenSubmitted {
                attempt.step = .failed
                attempt.failure = "submission outcome unknown: \(error). Check the provider's dashboard before retrying."
                try await journal.save(attempt)
                throw SegmentFailure(kind: .submissionUnknown, description: "\(where_): \(attempt.failure!)")
            }
            // The task exists and costs money: record it before anything else can fail.
            attempt.taskID = taskID
            attempt.submittedAt = Date()
            attempt.step = .submitted
            try await journal.save(attempt)
            try await event(attempt, "submitted", taskID)
            logger.info("submitted", metadata: ["segment": "\(attempt.segment + 1)", "task": "\(taskID)"])
        }
        if attempt.step == .completed || attempt.step == .downloaded || attempt.step >= .checked,
            attempt.file == nil || !FileManager.default.fileExists(atPath: attempt.file!)
        {
            // The file went missing since: fetch it again from the task.
            attempt.step = .submitted
        }
        if attempt.step == .submitted || attempt.step == .completed {
            guard let taskID = attempt.taskID else { throw SegmentFailure(kind: .other, description: "\(where_): no task id") }
            let outcome: GenerationRunner.Outcome
            do {
                outcome = try await runner.resume(
                    taskID: taskID, request: request, submittedAt: attempt.submittedAt,
                    to: URL(fileURLWithPath: destination), wakeup: wakeup, verify: Self.verifyVideo)
            } catch let error as ProviderError where error.kind == .taskFailed || error.kind == .cancelled {
                attempt.step = .failed
                attempt.failure = error.reason ?? error.description
                try await journal.save(attempt)
                try await event(attempt, "task failed", attempt.failure)
                throw SegmentFailure(kind: .taskFailed, description: "\(where_): the task failed: \(attempt.failure!)")
            }
            let urls: [String: String] = [
                "video": outcome.snapshot.videoURL?.absoluteString, "watermarked_video": outcome.snapshot.watermarkedVideoURL?.absoluteString,
                "thumbnail": outcome.snapshot.thumbnailURL?.absoluteString, "last_frame": outcome.snapshot.lastFrameURL?.absoluteString,
            ].compactMapValues { $0 }
            let urlJSON = (try? JSONSerialization.data(withJSONObject: urls, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
            try await event(attempt, "completed", urlJSON)
            attempt.completedAt = outcome.timings.finishedAt
            attempt.generationSeconds = outcome.timings.generationSeconds
            attempt.file = destination
            attempt.bytes = outcome.bytes
            attempt.sha256 = try Self.sha256(of: destination)
            attempt.step = .downloaded
            try await journal.save(attempt)
            try await event(attempt, "downloaded", "\(outcome.bytes) bytes, sha256 \(attempt.sha256!)")
        }
        if attempt.step == .downloaded {
            let outcome = await check(destination)
            attempt.verdict = outcome.verdict
            attempt.report = String(decoding: outcome.report, as: UTF8.self)
            attempt.step = outcome.failed ? .failed : .checked
            if outcome.failed { attempt.failure = "QA failed" }
            try await journal.save(attempt)
            try await event(attempt, "checked", outcome.verdict)
            if outcome.failed {
                throw SegmentFailure(
                    kind: .qaFailed, description: "\(where_): \(destination) failed QA: \(Self.failedChecks(outcome.report))")
            }
        }
        return attempt
    }

    private func event(_ attempt: JournalAttempt, _ step: String, _ detail: String? = nil) async throws {
        try await journal.record(JournalEvent(runID: attempt.runID, segment: attempt.segment, attempt: attempt.attempt, step: step, detail: detail))
    }

    /// The messages of the failed checks in a JSON report, joined on one line.
    static func failedChecks(_ report: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: report) as? [String: Any],
            let checks = object["checks"] as? [[String: Any]]
        else { return "see the report in the journal" }
        let failed = checks.filter { $0["status"] as? String == "fail" }.compactMap { $0["message"] as? String }
        return failed.isEmpty ? "see the report in the journal" : failed.joined(separator: "; ")
    }

    /// A downloaded file must probe as video before it gets its final name.
    @Sendable static func verifyVideo(_ path: String) throws {
        let info = try MediaProbe.probe(path: path)
        guard let video = info.video, video.frameCount > 0 else {
            throw PipelineError("\(path): downloaded file has no video frames")
        }
    }

    static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PipelineError("\(path): cannot read") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The request as JSON, with data URIs shortened (the journal never holds whole images) and no secrets.
    static func requestJSON(_ request: GenerationRequest) throws -> String {
        var shown = request
        if shown.startImage?.isDataURI == true { shown.startImage = .url(URL(string: "data:image")!) }
        if shown.endImage?.isDataURI == true { shown.endImage = .url(URL(string: "data:image")!) }
        shown.webhookSecret = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(shown), as: UTF8.self)
    }
}
