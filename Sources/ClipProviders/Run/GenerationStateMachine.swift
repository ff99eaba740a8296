import Foundation

/// The lifecycle of one generation as a pure state machine, for drivers that persist jobs (a journal) and
/// receive webhooks: each input returns the ``Action`` to perform; nothing here touches the network.
///
/// ```
/// pending ─start→ submitting ─submitted→ waiting ─fetched(succeeded)→ downloading ─downloaded→ succeeded
///                     │                    │  ↺ fetched(queued/running), hint, pollDue
///                     └─unknown outcome→ needsReconciliation        └─failed/cancelled/timeout→ failed
/// ```
/// ``GenerationRunner`` is the simple in-process path; this type is for drivers that must survive restarts
/// (its `Codable` state goes into the journal) or react to webhooks between polls.
public struct GenerationStateMachine: Codable, Hashable, Sendable {
    /// Where the generation stands.
    public enum State: Codable, Hashable, Sendable {
        case pending
        /// The create request is being sent; on restart, the outcome is unknown.
        case submitting
        /// The create may have reached the provider; a person or a reconciliation step must decide.
        case needsReconciliation(detail: String)
        /// Submitted; `polls` fetches made so far.
        case waiting(taskID: String, polls: Int)
        case downloading(taskID: String, videoURL: URL)
        case succeeded(taskID: String, file: String)
        case failed(reason: String)

        public var isFinal: Bool {
            switch self {
            case .succeeded, .failed, .needsReconciliation: true
            default: false
            }
        }
    }

    /// What the driver must do next.
    public enum Action: Hashable, Sendable {
        case submit
        /// Fetch the task after this delay (cancel any earlier timer).
        case schedulePoll(after: Duration)
        case fetchNow(taskID: String)
        case download(taskID: String, from: URL)
        case finish
        /// The input did not apply in this state (a late webhook, a duplicate); nothing to do.
        case none
    }

    public private(set) var state: State
    /// When submission happened, in the driver's monotonic clock (elapsed time), for the poll deadline.
    public private(set) var submittedAt: Duration?
    private let poller: PollSchedule

    /// The poll intervals and deadline (a ``TaskPoller``'s settings, which are not `Codable`).
    public struct PollSchedule: Codable, Hashable, Sendable {
        public var initialDelay: Duration
        public var multiplier: Double
        public var maximumInterval: Duration
        public var deadline: Duration

        public init(
            initialDelay: Duration = .seconds(5), multiplier: Double = 1.5, maximumInterval: Duration = .seconds(30),
            deadline: Duration = .seconds(20 * 60)
        ) {
            self.initialDelay = initialDelay
            self.multiplier = multiplier
            self.maximumInterval = maximumInterval
            self.deadline = deadline
        }

        func interval(beforePoll n: Int) -> Duration {
            TaskPoller(
                initialDelay: initialDelay, multiplier: multiplier, maximumInterval: maximumInterval, deadline: deadline
            ).interval(beforePoll: n)
        }
    }

    public init(schedule: PollSchedule = PollSchedule()) {
        self.state = .pending
        self.poller = schedule
    }

    /// Begins: the driver should submit.
    public mutating func start() -> Action {
        guard case .pending = state else { return .none }
        state = .submitting
        return .submit
    }

    /// The provider accepted the request.
    public mutating func submitted(taskID: String, at now: Duration) -> Action {
        guard case .submitting = state else { return .none }
        state = .waiting(taskID: taskID, polls: 0)
        submittedAt = now
        return .schedulePoll(after: poller.interval(beforePoll: 0))
    }

    /// The create call failed; ``ProviderError/Kind/mayHaveBeenSubmitted`` needs reconciliation.
    public mutating func submitFailed(_ error: ProviderError) -> Action {
        guard case .submitting = state else { return .none }
        state =
            error.kind == .mayHaveBeenSubmitted
            ? .needsReconciliation(detail: error.description) : .failed(reason: error.description)
        return .finish
    }

    /// The driver restarted while ``State/submitting``: the request may or may not have arrived.
    public mutating func restartedWhileSubmitting() -> Action {
        guard case .submitting = state else { return .none }
        state = .needsReconciliation(detail: "the process stopped while the create request was in flight")
        return .finish
    }

    /// A poll timer fired.
    public mutating func pollDue() -> Action {
        guard case .waiting(let taskID, _) = state else { return .none }
        return .fetchNow(taskID: taskID)
    }

    /// A webhook (a hint) arrived for a task: fetch it now if it is the one being waited for.
    public mutating func hintReceived(taskID: String) -> Action {
        guard case .waiting(let current, _) = state, current == taskID else { return .none }
        return .fetchNow(taskID: taskID)
    }

    /// A fetch returned a snapshot.
    public mutating func fetched(_ snapshot: TaskSnapshot, at now: Duration) -> Action {
        guard case .waiting(let taskID, let polls) = state, snapshot.taskID == taskID || snapshot.taskID.isEmpty
        else { return .none }
        switch snapshot.state {
        case .succeeded:
            guard let url = snapshot.videoURL else {
                state = .failed(reason: "the task finished without a video URL")
                return .finish
            }
            state = .downloading(taskID: taskID, videoURL: url)
            return .download(taskID: taskID, from: url)
        case .failed(let reason):
            state = .failed(reason: ProviderError.taskFailed(reason: reason).description)
            return .finish
        case .cancelled:
            state = .failed(reason: ProviderError.cancelled(taskID: taskID).description)
            return .finish
        case .queued, .running, .unknown:
            return waitAgain(taskID: taskID, polls: polls + 1, now: now)
        }
    }

    /// A fetch failed; transient failures keep waiting until the deadline.
    public mutating func fetchFailed(_ error: ProviderError, at now: Duration) -> Action {
        guard case .waiting(let taskID, let polls) = state else { return .none }
        guard error.isTransient else {
            state = .failed(reason: error.description)
            return .finish
        }
        return waitAgain(taskID: taskID, polls: polls + 1, now: now)
    }

    /// The video was downloaded (and verified) to `file`.
    public mutating func downloaded(file: String) -> Action {
        guard case .downloading(let taskID, _) = state else { return .none }
        state = .succeeded(taskID: taskID, file: file)
        return .finish
    }

    /// The download failed for good.
    public mutating func downloadFailed(_ reason: String) -> Action {
        guard case .downloading = state else { return .none }
        state = .failed(reason: reason)
        return .finish
    }

    private mutating func waitAgain(taskID: String, polls: Int, now: Duration) -> Action {
        let waited = now - (submittedAt ?? now)
        if waited >= poller.deadline {
            state = .failed(reason: ProviderError.pollTimeout(taskID: taskID, waited: waited).description)
            return .finish
        }
        state = .waiting(taskID: taskID, polls: polls)
        return .schedulePoll(after: min(poller.interval(beforePoll: polls), poller.deadline - waited))
    }
}
