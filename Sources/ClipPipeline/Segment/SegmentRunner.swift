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

/// Checks a downloaded clip against the expectations of the request that was sent (the QA validator,
/// run off the cooperative pool by the caller).
public typealias ClipCheck = @Sendable (_ path: String, _ expectations: ClipExpectations) async -> CheckOutcome

/// Why a segment attempt ended without a usable clip.
public struct SegmentFailure: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The provider reported a failed task (moderation, bad input image ...): worth another attempt.
        case taskFailed
        /// The clip came back but failed QA: worth another attempt.
        case qaFailed
        /// The create request may have created a task whose id is unknown: never retried automatically.
        case submissionUnknown
        /// Anything else (a refused request, network, configuration, a poll deadline).
        case other
    }

    public var kind: Kind
    public var description: String
    public var isRetryable: Bool { kind == .taskFailed || kind == .qaFailed }
}

/// Gives one submit its webhook callback (URL and, for PiAPI, a shared secret), bound to the submit's
/// client reference.
public typealias WebhookFactory = @Sendable (_ clientReference: String) async -> (url: URL, secret: String?)

/// Runs one attempt of one segment through the journal, step by step: each step is recorded before
/// the next begins, so a rerun after a crash resumes exactly where the last one stopped. A task that
/// was submitted is polled, never submitted again; a downloaded file is not fetched again; a create
/// whose answer never came is reconciled, never repeated blindly.
public struct SegmentRunner: Sendable {
    public var provider: any VideoGenerationProvider
    public var runner: GenerationRunner
    public var journal: any Journal
    public var check: ClipCheck
    public var logger: Logger
    /// Wakes polling early when a webhook arrives.
    public var wakeup: PollWakeup?
    /// Callbacks received so far, by client reference: a lost create answer can be recovered from one.
    public var callbacks: CallbackInbox?
    public var webhook: WebhookFactory?

    public init(
        provider: any VideoGenerationProvider, runner: GenerationRunner, journal: any Journal, check: @escaping ClipCheck,
        logger: Logger = Logger(label: "clipkit"), wakeup: PollWakeup? = nil, callbacks: CallbackInbox? = nil,
        webhook: WebhookFactory? = nil
    ) {
        self.provider = provider
        self.runner = runner
        self.journal = journal
        self.check = check
        self.logger = logger
        self.wakeup = wakeup
        self.callbacks = callbacks
        self.webhook = webhook
    }

    /// The attempt record to start a new attempt with: the resolved request and its expectations.
    public static func plan(
        runID: String, segment: Int, attempt: Int, request: GenerationRequest, expectations: ExpectationChoice
    ) throws -> JournalAttempt {
        var record = JournalAttempt(runID: runID, segment: segment, attempt: attempt, request: try requestJSON(request))
        record.expectations = String(decoding: try JSONEncoder.sorted.encode(expectations), as: UTF8.self)
        return record
    }

    /// Takes `attempt` from wherever the journal left it to `checked` (or to a failure).
    /// - Parameters:
    ///   - request: the resolved request the attempt stands for (its JSON is already in the journal).
    ///   - expectations: what the clip is checked against.
    ///   - destination: where the clip goes.
    /// - Returns: the attempt at step `checked`, with its verdict.
    /// - Throws: ``SegmentFailure``; `.submissionUnknown` leaves the attempt at `submitting` for a person
    ///   (`clipkit jobs resolve`) after the provider's own records and the callbacks were searched.
    public func run(
        _ attempt: JournalAttempt, request: GenerationRequest, expectations: ClipExpectations, destination: String
    ) async throws -> JournalAttempt {
        var attempt = attempt
        var request = request
        let where_ = "segment \(attempt.segment + 1), attempt \(attempt.attempt + 1)"
        if attempt.step == .planned {
            let reference = UUID().uuidString.lowercased()
            if let webhook {
                let callback = await webhook(reference)
                request.webhookURL = callback.url
                request.webhookSecret = callback.secret
            }
            let resolved: GenerationRequest
            do {
                resolved = try provider.kind.profile.resolve(request)
            } catch {
                throw SegmentFailure(kind: .other, description: "\(where_): \(error)")
            }
            request = resolved
            // Recorded before the POST: from here on a crash leaves an attempt that is reconciled, not resent.
            attempt.clientRef = reference
            attempt.request = try Self.requestJSON(resolved)
            attempt.wireBody = try Self.wireBodyJSON(provider.createBody(for: resolved))
            attempt.submittedAt = Date()
            try attempt.move(to: .submitting)
            try await journal.save(attempt)
            try await event(attempt, "submitting", reference)
            do {
                let taskID = try await provider.submit(resolved)
                try await adopt(taskID, into: &attempt, how: "submitted")
            } catch let error as ProviderError where error.kind == .mayHaveBeenSubmitted {
                try await event(attempt, "submit outcome unknown", "\(error)")
                logger.warning("\(where_): the create request's outcome is unknown: \(error)")
                try await reconcile(&attempt, request: resolved, where_: where_, waitForCallback: true)
            } catch {
                // The provider answered: no task was created. Nothing was paid for.
                try attempt.move(to: .failed)
                attempt.failure = "the provider refused the request: \(error)"
                try await journal.save(attempt)
                try await event(attempt, "refused", attempt.failure)
                throw SegmentFailure(kind: .other, description: "\(where_): \(attempt.failure!)")
            }
        } else if attempt.step == .submitting {
            try await reconcile(&attempt, request: request, where_: where_, waitForCallback: false)
        }
        if attempt.step >= .completed && attempt.step != .failed,
            attempt.file == nil || !FileManager.default.fileExists(atPath: attempt.file!)
        {
            // The file went missing since: fetch it again from the task.
            try attempt.move(to: .submitted)
        }
        if attempt.step == .submitted || attempt.step == .completed {
            guard let taskID = attempt.taskID else { throw SegmentFailure(kind: .other, description: "\(where_): no task id") }
            let outcome: GenerationRunner.Outcome
            do {
                outcome = try await runner.resume(
                    taskID: taskID, request: request, submittedAt: attempt.submittedAt,
                    to: URL(fileURLWithPath: destination), wakeup: wakeup, verify: Self.verifyVideo)
            } catch let error as ProviderError where error.kind == .taskFailed || error.kind == .cancelled {
                try attempt.move(to: .failed)
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
            try attempt.move(to: .downloaded)
            try await journal.save(attempt)
            try await event(attempt, "downloaded", "\(outcome.bytes) bytes, sha256 \(attempt.sha256!)")
        }
        if attempt.step == .downloaded {
            let outcome = await check(destination, expectations)
            attempt.verdict = outcome.verdict
            attempt.report = String(decoding: outcome.report, as: UTF8.self)
            try attempt.move(to: outcome.failed ? .failed : .checked)
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

    /// Ties a task id to the attempt, before anything else can fail.
    private func adopt(_ taskID: String, into attempt: inout JournalAttempt, how: String) async throws {
        attempt.taskID = taskID
        try attempt.move(to: .submitted)
        try await journal.save(attempt)
        try await event(attempt, how, taskID)
        logger.info("\(how)", metadata: ["segment": "\(attempt.segment + 1)", "task": "\(taskID)"])
    }

    /// Settles an attempt whose create request may or may not have created a task: a callback carrying
    /// its client reference, or the provider's own list of tasks; otherwise a person decides.
    private func reconcile(
        _ attempt: inout JournalAttempt, request: GenerationRequest, where_: String, waitForCallback: Bool
    ) async throws {
        if let reference = attempt.clientRef, let callbacks,
            let taskID = await callbacks.taskID(for: reference, waitingUpTo: waitForCallback ? .seconds(30) : .zero)
        {
            return try await adopt(taskID, into: &attempt, how: "reconciled from a callback")
        }
        var sentRequest = request
        if let stored = try? JSONDecoder().decode(GenerationRequest.self, from: Data(attempt.request.utf8)) {
            sentRequest.prompt = stored.prompt
            sentRequest.webhookURL = stored.webhookURL
        }
        let since = attempt.submittedAt ?? attempt.updatedAt
        let lookup: TaskLookup
        do {
            lookup = try await provider.findSubmittedTask(for: sentRequest, since: since)
        } catch {
            lookup = .unsupported
            logger.warning("\(where_): searching \(provider.kind.displayName)'s tasks failed: \(error)")
        }
        let settle = "settle it with `clipkit jobs resolve \(attempt.runID) --segment \(attempt.segment + 1) --task-id ID` (a task you found on \(provider.kind.displayName)'s dashboard, created around \(ISO8601DateFormatter().string(from: since))) or `--resubmit` (pay again, knowingly), then rerun"
        switch lookup {
        case .found(let taskID):
            return try await adopt(taskID, into: &attempt, how: "reconciled from the provider's task list")
        case .notFound:
            // The provider lists every task and this request made none: sending it again costs nothing twice.
            try attempt.move(to: .failed)
            attempt.failure = "the create request never reached \(provider.kind.displayName) (its task list has no such task)"
            try await journal.save(attempt)
            try await event(attempt, "not submitted", attempt.failure)
            throw SegmentFailure(kind: .taskFailed, description: "\(where_): \(attempt.failure!)")
        case .ambiguous(let ids):
            try await event(attempt, "needs attention", "several tasks match: \(ids.joined(separator: ", "))")
            throw SegmentFailure(
                kind: .submissionUnknown,
                description: "\(where_): the create request's answer was lost and several \(provider.kind.displayName) tasks match it (\(ids.joined(separator: ", "))): \(settle)")
        case .unsupported:
            try await event(attempt, "needs attention", "outcome unknown")
            throw SegmentFailure(
                kind: .submissionUnknown,
                description: "\(where_): the create request's outcome is unknown (it may have created a paid task, and \(provider.kind.displayName) cannot be searched for it): \(settle)")
        }
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
        if let image = shown.startImage, image.isDataURI { shown.startImage = .dataURI(Self.digest(of: image.wireValue)) }
        if let image = shown.endImage, image.isDataURI { shown.endImage = .dataURI(Self.digest(of: image.wireValue)) }
        shown.webhookSecret = nil
        return String(decoding: try JSONEncoder.sorted.encode(shown), as: UTF8.self)
    }

    /// The create body as sent, with inline images replaced by their digest and secrets by a marker.
    static func wireBodyJSON(_ body: Data) throws -> String {
        guard var text = String(data: body, encoding: .utf8) else { return "" }
        // Inline images: data:image/...;base64,<data> -> data:image/...;sha256,<digest>
        while let start = text.range(of: "data:image/"),
            let comma = text.range(of: ";base64,", range: start.upperBound..<text.endIndex)
        {
            var end = comma.upperBound
            while end < text.endIndex, text[end] != "\"" { end = text.index(after: end) }
            let uri = String(text[start.lowerBound..<end])
            text.replaceSubrange(start.lowerBound..<end, with: Self.digest(of: uri))
        }
        if var object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            object = Self.redactingSecrets(object)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        }
        return text
    }

    private static func redactingSecrets(_ object: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, value) in object {
            if key.lowercased().contains("secret"), let text = value as? String, !text.isEmpty {
                out[key] = "<redacted>"
            } else if let nested = value as? [String: Any] {
                out[key] = redactingSecrets(nested)
            } else {
                out[key] = value
            }
        }
        return out
    }

    /// `data:image/png;sha256,<hex>` for an inline image: which image went out, without its bytes.
    static func digest(of dataURI: String) -> String {
        let type = dataURI.split(separator: ";").first.map(String.init) ?? "data:image"
        let hex = SHA256.hash(data: Data(dataURI.utf8)).map { String(format: "%02x", $0) }.joined()
        return "\(type);sha256,\(hex)"
    }
}
