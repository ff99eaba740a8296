import Foundation
import Logging

/// Runs one generation from request to downloaded file: validate, submit, poll (woken early by webhook
/// hints), then download with expired links refreshed by re-fetching the task.
///
/// The media check lives in the caller (ClipMedia): pass it as `verify`, and the file only gets its final
/// name once it passes. Use ``resume(taskID:request:submittedAt:to:wakeup:verify:onEvent:)`` to finish a
/// task submitted earlier (after a crash, or after ``ProviderError/Kind/mayHaveBeenSubmitted`` was
/// reconciled).
/// Cancel the calling task to stop a run; a partial download stays as `NAME.part` for a later resume.
public struct GenerationRunner: Sendable {
    /// Progress reported while running.
    public enum Event: Sendable {
        /// The provider accepted the request; record the id before anything else can fail.
        case submitted(taskID: String)
        /// A fetched snapshot (every poll).
        case snapshot(TaskSnapshot)
        /// Bytes of the video arriving.
        case downloading(DownloadProgress)
    }

    /// Wall-clock times of a run, for sidecars.
    public struct Timings: Codable, Hashable, Sendable {
        public var submittedAt: Date
        public var finishedAt: Date
        public var downloadedAt: Date

        /// Seconds from submission until the provider finished.
        public var generationSeconds: Double { finishedAt.timeIntervalSince(submittedAt) }
        /// Seconds spent downloading.
        public var downloadSeconds: Double { downloadedAt.timeIntervalSince(finishedAt) }
    }

    /// What a successful run produced.
    public struct Outcome: Codable, Hashable, Sendable {
        public var provider: ProviderKind
        public var taskID: String
        public var request: GenerationRequest
        /// The final snapshot (provider URLs, size, raw answer).
        public var snapshot: TaskSnapshot
        public var file: URL
        public var bytes: Int64
        public var timings: Timings
    }

    public var provider: any VideoGenerationProvider
    public var poller: TaskPoller
    public var downloader: Downloader
    public var clock: ProviderClock
    public var logger: Logger?

    public init(
        provider: any VideoGenerationProvider,
        poller: TaskPoller = TaskPoller(),
        downloader: Downloader = Downloader(),
        clock: ProviderClock = .live,
        logger: Logger? = nil
    ) {
        self.provider = provider
        self.poller = poller
        self.downloader = downloader
        self.clock = clock
        self.logger = logger
    }

    /// Submits `request` and follows it to a downloaded file at `destination`.
    /// - Throws: ``ProviderError`` (validation, submission, a failed task with the provider's reason, poll
    ///   timeout) or ``DownloadError``.
    public func run(
        _ request: GenerationRequest,
        to destination: URL,
        wakeup: PollWakeup? = nil,
        verify: (@Sendable (String) throws -> Void)? = nil,
        onEvent: (@Sendable (Event) -> Void)? = nil
    ) async throws -> Outcome {
        try provider.validate(request)
        let taskID = try await provider.submit(request)
        let submittedAt = clock.now()
        logger?.info("submitted", metadata: ["provider": "\(provider.kind.rawValue)", "taskID": "\(taskID)"])
        onEvent?(.submitted(taskID: taskID))
        return try await follow(
            taskID: taskID, request: request, submittedAt: submittedAt, to: destination, wakeup: wakeup,
            verify: verify, onEvent: onEvent)
    }

    /// Follows a task submitted earlier to a downloaded file.
    /// - Parameter submittedAt: when the task was submitted (from the journal); now if unknown.
    public func resume(
        taskID: String,
        request: GenerationRequest,
        submittedAt: Date? = nil,
        to destination: URL,
        wakeup: PollWakeup? = nil,
        verify: (@Sendable (String) throws -> Void)? = nil,
        onEvent: (@Sendable (Event) -> Void)? = nil
    ) async throws -> Outcome {
        try await follow(
            taskID: taskID, request: request, submittedAt: submittedAt ?? clock.now(), to: destination, wakeup: wakeup,
            verify: verify, onEvent: onEvent)
    }

    private func follow(
        taskID: String,
        request: GenerationRequest,
        submittedAt: Date,
        to destination: URL,
        wakeup: PollWakeup?,
        verify: (@Sendable (String) throws -> Void)?,
        onEvent: (@Sendable (Event) -> Void)?
    ) async throws -> Outcome {
        let provider = self.provider
        let done = try await poller.waitForCompletion(
            of: taskID, on: provider, wakeup: wakeup, onUpdate: { onEvent?(.snapshot($0)) })
        let finishedAt = clock.now()
        guard let videoURL = done.videoURL else {
            throw ProviderError.decoding(
                "finished task \(taskID)", detail: "no video URL in the answer", provider: provider.kind)
        }
        logger?.info("generated", metadata: ["taskID": "\(taskID)", "location": "\(videoURL.host ?? "")"])
        let file = try await downloader.download(
            from: videoURL, to: destination,
            refreshURL: {
                guard let fresh = try await provider.fetch(taskID: taskID).videoURL else {
                    throw ProviderError.decoding(
                        "task \(taskID)", detail: "no video URL when refreshing the link", provider: provider.kind)
                }
                return fresh
            },
            verify: verify,
            progress: { onEvent?(.downloading($0)) })
        return Outcome(
            provider: provider.kind, taskID: taskID, request: request, snapshot: done, file: file.file,
            bytes: file.bytes,
            timings: Timings(submittedAt: submittedAt, finishedAt: finishedAt, downloadedAt: clock.now()))
    }
}
