/// What an executor reports for a step it ran.
public enum StepOutcome: Sendable, Hashable {
    /// The step is finished; `next` steps are enqueued in the same transaction.
    case done(StepResult)
    /// The provider is still working: poll again after this many seconds, holding no worker meanwhile
    /// (an attempt is not used up).
    case wait(seconds: Double)
    /// A transient failure: try again after this many seconds (failed once the attempts are used up).
    case retry(seconds: Double, reason: String)
    /// The provider answered 429: no worker submits to it for this many seconds; this step tries again then.
    case rateLimited(provider: String, seconds: Double)
    /// Only a person can decide (for example an unknown submit outcome): never retried automatically.
    case needsAttention(reason: String)
    /// A permanent failure; `category` is a short, fixed word for metrics (`qa`, `moderation`, `http_5xx`, ...).
    case failed(reason: String, category: String)
}

/// The result of a finished step.
public struct StepResult: Sendable, Hashable {
    /// JSON text stored with the step.
    public var result: String
    public var next: [NewStep]
    /// The job's output (a path or URL), when this step produced it.
    public var jobOutput: String?
    /// What the provider charged for this step, as it states it (credits).
    public var cost: Double

    public init(result: String = "{}", next: [NewStep] = [], jobOutput: String? = nil, cost: Double = 0) {
        self.result = result
        self.next = next
        self.jobOutput = jobOutput
        self.cost = cost
    }
}
