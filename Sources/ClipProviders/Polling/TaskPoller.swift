import Foundation
import Logging

/// Waits for a task to finish by fetching it with growing intervals.
///
/// The first fetch happens after ``initialDelay``; each interval is the previous one times ``multiplier``,
/// capped at ``maximumInterval``; polling stops at ``deadline`` (measured on the injected clock).
/// Transient fetch failures (network, 5xx, 429) are tolerated up to ``maximumConsecutiveFailures`` in a row.
public struct TaskPoller: Sendable {
    public var initialDelay: Duration
    public var multiplier: Double
    public var maximumInterval: Duration
    public var deadline: Duration
    public var maximumConsecutiveFailures: Int
    public var clock: ProviderClock
    public var logger: Logger?

    public init(
        initialDelay: Duration = .seconds(5),
        multiplier: Double = 1.5,
        maximumInterval: Duration = .seconds(30),
        deadline: Duration = .seconds(20 * 60),
        maximumConsecutiveFailures: Int = 5,
        clock: ProviderClock = .live,
        logger: Logger? = nil
    ) {
        self.initialDelay = initialDelay
        self.multiplier = max(1, multiplier)
        self.maximumInterval = maximumInterval
        self.deadline = deadline
        self.maximumConsecutiveFailures = max(1, maximumConsecutiveFailures)
        self.clock = clock
        self.logger = logger
    }

    /// The wait before poll number `n` (0 is the first poll).
    public func interval(beforePoll n: Int) -> Duration {
        var seconds = initialDelay.seconds
        for _ in 0..<n { seconds *= multiplier }
        return .seconds(min(seconds, maximumInterval.seconds))
    }

    /// Polls `provider` until the task is terminal.
    /// - Returns: the snapshot of the succeeded task.
    /// - Throws: ``ProviderError`` ``ProviderError/Kind/taskFailed`` with the provider's reason,
    ///   ``ProviderError/Kind/cancelled``, ``ProviderError/Kind/pollTimeout``, or a non-transient fetch error.
    /// - Parameters:
    ///   - taskID: the provider's task id.
    ///   - provider: the client to fetch with.
    ///   - wakeup: lets a webhook handler trigger an immediate fetch instead of waiting for the next interval.
    ///   - onUpdate: called with every fetched snapshot.
    public func waitForCompletion(
        of taskID: String,
        on provider: any VideoGenerationProvider,
        wakeup: PollWakeup? = nil,
        onUpdate: (@Sendable (TaskSnapshot) -> Void)? = nil
    ) async throws -> TaskSnapshot {
        try await waitForCompletion(of: taskID, provider: provider.kind, wakeup: wakeup, onUpdate: onUpdate) {
            try await provider.fetch(taskID: $0)
        }
    }

    /// Polls with any fetch function (a scripted one in tests, or one that also listens to webhooks).
    public func waitForCompletion(
        of taskID: String,
        provider kind: ProviderKind? = nil,
        wakeup: PollWakeup? = nil,
        onUpdate: (@Sendable (TaskSnapshot) -> Void)? = nil,
        fetch: @Sendable (String) async throws -> TaskSnapshot
    ) async throws -> TaskSnapshot {
        let start = clock.elapsed()
        var poll = 0
        var failures = 0
        var lastState: TaskState?
        while true {
            try Task.checkCancellation()
            let waited = clock.elapsed() - start
            let remaining = deadline - waited
            if remaining <= .zero {
                throw ProviderError.pollTimeout(taskID: taskID, waited: waited, provider: kind)
            }
            try await pause(min(interval(beforePoll: poll), remaining), wakeup: wakeup)
            poll += 1
            let snapshot: TaskSnapshot
            do {
                snapshot = try await fetch(taskID)
                failures = 0
            } catch let error as ProviderError where error.isTransient {
                failures += 1
                logger?.warning(
                    "poll failed, will retry",
                    metadata: ["taskID": "\(taskID)", "error": "\(error)", "failures": "\(failures)"])
                if failures >= maximumConsecutiveFailures { throw error }
                continue
            }
            if snapshot.state != lastState {
                logger?.info("task state", metadata: ["taskID": "\(taskID)", "state": "\(snapshot.state.name)"])
                lastState = snapshot.state
            }
            onUpdate?(snapshot)
            switch snapshot.state {
            case .succeeded:
                return snapshot
            case .failed(let reason):
                throw ProviderError.taskFailed(reason: reason, provider: kind)
            case .cancelled:
                throw ProviderError.cancelled(taskID: taskID, provider: kind)
            case .queued, .running, .unknown:
                continue
            }
        }
    }

    /// Sleeps for `duration`, or less if `wakeup` is signalled.
    private func pause(_ duration: Duration, wakeup: PollWakeup?) async throws {
        guard let wakeup else {
            try await clock.sleep(duration)
            return
        }
        let clock = self.clock
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await clock.sleep(duration) }
            group.addTask { await wakeup.wait() }
            try await group.next()
            group.cancelAll()
        }
    }
}
