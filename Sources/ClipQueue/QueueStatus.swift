import Foundation

/// Every job with its steps, and the totals: the document `clipkit batch status --json` prints.
public struct QueueStatus: Sendable, Codable, Hashable {
    public var jobs: [JobStatus]
    public var summary: Summary

    public init(jobs: [JobStatus]) {
        self.jobs = jobs
        self.summary = Summary(jobs)
    }

    public struct Summary: Sendable, Codable, Hashable {
        public var queued = 0
        public var running = 0
        public var done = 0
        public var failed = 0
        public var needsAttention = 0
        /// Credits spent over all jobs, as the providers state them.
        public var spend = 0.0

        init(_ jobs: [JobStatus]) {
            for job in jobs {
                spend += job.cost
                switch job.state {
                case .queued: queued += 1
                case .running: running += 1
                case .done: done += 1
                case .failed: failed += 1
                case .needsAttention: needsAttention += 1
                }
            }
        }

        enum CodingKeys: String, CodingKey {
            case queued, running, done, failed, spend
            case needsAttention = "needs_attention"
        }
    }
}

/// One job of `batch status`.
public struct JobStatus: Sendable, Codable, Hashable {
    public var id: String
    public var kind: String
    public var state: JobState
    public var output: String?
    public var error: String?
    public var cost: Double
    public var tasks: [StepStatus]
}

/// One step of a job.
public struct StepStatus: Sendable, Codable, Hashable {
    public var id: Int
    public var segment: Int
    public var kind: String
    /// 1 for the segment's first take; more when it was submitted again.
    public var take: Int
    public var state: StepState
    public var provider: String?
    public var providerTaskID: String?
    public var clientRef: UUID
    public var attempt: Int
    public var error: String?
    public var cost: Double
    public var leaseOwner: String?
    public var completedBy: String?

    enum CodingKeys: String, CodingKey {
        case id, segment, kind, take, state, provider, attempt, error, cost
        case providerTaskID = "provider_task_id"
        case clientRef = "client_ref"
        case leaseOwner = "lease_owner"
        case completedBy = "completed_by"
    }
}

/// A step the rescuer took back from a lost worker, and what it became.
public struct RescuedStep: Sendable, Hashable {
    public var id: Int
    public var jobID: String
    public var state: StepState
}

/// The number of jobs of one kind in one state.
public struct JobCount: Sendable, Hashable {
    public var kind: String
    public var state: String
    public var count: Int
}
