import Metrics

/// The fleet's metrics, through swift-metrics (served in Prometheus text format at `/metrics`).
/// Labels are low-cardinality words: provider, kind, state, reason, check. Never a job or chain id.
public enum QueueMetrics {
    /// One claim: the steps taken, how long the claim took, and for each step how long it had been due (for an
    /// `await` step woken by a webhook: from the wake to a worker taking it).
    static func claimed(_ steps: [ClaimedStep], seconds: Double) {
        Counter(label: "clipkit_queue_claims_total").increment(by: steps.count)
        Timer(label: "clipkit_queue_claim_duration_seconds").recordNanoseconds(Int64(seconds * 1e9))
        for step in steps {
            Timer(label: "clipkit_queue_claim_lag_seconds", dimensions: [("kind", step.kind)])
                .recordNanoseconds(Int64(step.dueSeconds * 1e9))
        }
    }

    static func leaseLost() { Counter(label: "clipkit_queue_lease_losses_total").increment() }

    static func rescued(_ state: StepState) {
        Counter(label: "clipkit_queue_rescues_total", dimensions: [("outcome", state.rawValue)]).increment()
    }

    /// One finished attempt of a step: submits by provider, failures by provider and reason, spend.
    static func record(_ step: ClaimedStep, _ outcome: StepOutcome) {
        let provider = step.provider ?? "none"
        if step.kind == "submit" {
            Counter(label: "clipkit_provider_submits_total", dimensions: [("provider", provider), ("outcome", outcome.word)]).increment()
        }
        switch outcome {
        case .done(let result) where result.cost > 0:
            FloatingPointCounter(label: "clipkit_spend_credits_total", dimensions: [("provider", provider)]).increment(by: result.cost)
        case .failed(_, let category):
            failure(provider: provider, reason: category)
        case .retry:
            failure(provider: provider, reason: "retry")
        case .rateLimited:
            failure(provider: provider, reason: "rate_limited")
        case .needsAttention:
            failure(provider: provider, reason: "needs_attention")
        default:
            break
        }
    }

    static func failure(provider: String, reason: String) {
        Counter(label: "clipkit_step_failures_total", dimensions: [("provider", provider), ("reason", reason)]).increment()
    }

    /// For executors: how long a provider took to render a clip.
    public static func renderTime(provider: String, seconds: Double) {
        Timer(label: "clipkit_render_duration_seconds", dimensions: [("provider", provider)])
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// For executors: a QA check that failed (`duration`, `frozen`, `black`, ...).
    public static func qaFailure(check: String) {
        Counter(label: "clipkit_qa_failures_total", dimensions: [("check", check)]).increment()
    }

    /// For the webhook listener: one provider callback and its outcome (`woke`, `no_waiting_step`,
    /// `wake_failed`, `rejected`, `malformed`); for one that woke a step, the seconds from its arrival until
    /// the step was claimable.
    public static func webhook(provider: String, outcome: String, seconds: Double) {
        Counter(label: "clipkit_webhooks_total", dimensions: [("provider", provider), ("outcome", outcome)]).increment()
        if outcome == "woke" {
            Timer(label: "clipkit_webhook_wake_duration_seconds", dimensions: [("provider", provider)])
                .recordNanoseconds(Int64(seconds * 1e9))
        }
    }

    /// Jobs by kind and state (a gauge refreshed from the database before each scrape).
    static func jobs(_ counts: [JobCount]) {
        for kind in Set(counts.map(\.kind)) {
            for state in JobState.allCases {
                let count = counts.first { $0.kind == kind && $0.state == state.rawValue }?.count ?? 0
                Gauge(label: "clipkit_jobs", dimensions: [("kind", kind), ("state", state.rawValue)]).record(count)
            }
        }
    }
}

extension StepOutcome {
    /// A fixed word for metrics and logs.
    var word: String {
        switch self {
        case .done: "done"
        case .wait: "wait"
        case .retry: "retry"
        case .rateLimited: "rate_limited"
        case .needsAttention: "needs_attention"
        case .failed: "failed"
        }
    }
}
