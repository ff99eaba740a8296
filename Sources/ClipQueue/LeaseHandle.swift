import Foundation
import Synchronization

/// A worker's hold on one claimed step. Every write through it is conditional on the lease token: when the
/// database changes 0 rows, the lease was lost, the handle says so for good, and the caller must stop.
public final class LeaseHandle: Sendable {
    public let step: ClaimedStep
    let queue: PostgresJobQueue
    private let lost = Mutex(false)

    init(step: ClaimedStep, queue: PostgresJobQueue) {
        self.step = step
        self.queue = queue
    }

    /// True once any write found the lease gone.
    public var isLost: Bool { lost.withLock { $0 } }

    func markLost() { lost.withLock { $0 = true } }

    /// Commits state `submitting` (with the step's client reference) before the executor's paid POST.
    public func markSubmitting() async throws {
        try await guarded { try await queue.markSubmitting(step) }
    }

    /// Stores the provider's task id for this step, under the lease token.
    public func recordTaskID(_ taskID: String) async throws {
        try await guarded { try await queue.recordTaskID(step, taskID: taskID) }
    }

    /// Extends the lease; throws `leaseLost` when it is gone.
    func renew(seconds: Double) async throws {
        try await guarded { try await queue.renewLease(step, seconds: seconds) }
    }

    private func guarded(_ write: () async throws -> Bool) async throws {
        if isLost { throw QueueError.leaseLost(step: step.id) }
        guard try await write() else {
            markLost()
            throw QueueError.leaseLost(step: step.id)
        }
    }
}
