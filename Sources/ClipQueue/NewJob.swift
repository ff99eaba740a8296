/// A job to enqueue: one line of a batch file, with the step(s) it starts with.
public struct NewJob: Sendable, Hashable {
    public var id: String
    public var batch: String
    public var kind: String
    /// The job's line, as JSON text.
    public var spec: String
    public var firstSteps: [NewStep]

    public init(id: String, batch: String, kind: String, spec: String, firstSteps: [NewStep]) {
        self.id = id
        self.batch = batch
        self.kind = kind
        self.spec = spec
        self.firstSteps = firstSteps
    }
}

/// A step to enqueue: one step (`submit`, `await`, `download`, `check`, `handover`, ...) of one segment.
/// (job, segment, kind, take) is unique: enqueueing the same step twice adds it once.
public struct NewStep: Sendable, Hashable {
    public var segment: Int
    public var kind: String
    /// The provider whose capacity this step uses (`submit` and `await` steps of paid work), or nil.
    public var provider: String?
    /// Inputs for the executor, as JSON text.
    public var payload: String
    public var maxAttempts: Int
    /// Seconds from now before the step may be claimed.
    public var delay: Double
    /// 1 for a segment's first take; a segment submitted again (its task failed, or its clip failed QA) runs
    /// its steps again under the next take.
    public var take: Int

    public init(
        segment: Int, kind: String, provider: String? = nil, payload: String = "{}", maxAttempts: Int = 3, delay: Double = 0,
        take: Int = 1
    ) {
        self.segment = segment
        self.take = max(1, take)
        self.kind = kind
        self.provider = provider
        self.payload = payload
        self.maxAttempts = maxAttempts
        self.delay = delay
    }
}
