import Foundation

/// A step a worker holds under a lease: everything an executor needs to run it.
public struct ClaimedStep: Sendable, Hashable {
    public var id: Int
    public var jobID: String
    public var jobKind: String
    public var batch: String
    /// The job's line, as JSON text.
    public var spec: String
    public var segment: Int
    public var kind: String
    /// 1 for the segment's first take, 2 for its first resubmission, ...
    public var take: Int
    public var provider: String?
    /// The step's inputs, as JSON text.
    public var payload: String
    /// ClipKit's own reference for this step, sent to the provider (webhook URL) before any paid request.
    public var clientRef: UUID
    /// The provider's task id, when a submit was already accepted (a resolved or recovered step): do not POST again.
    public var providerTaskID: String?
    /// 1 for the first attempt.
    public var attempt: Int
    public var maxAttempts: Int
    /// The token every write of this attempt is conditional on.
    public var leaseToken: UUID
    public var leaseOwner: String
    /// How long the step had been due (since its `scheduled_at`: enqueued, its poll's time, or a webhook's wake)
    /// when it was claimed: the wait for a free worker or a provider slot.
    public var dueSeconds: Double = 0
}
