/// When and how long to wait before repeating a provider call.
///
/// **Creates are special.** A create that reached the server may have created (and billed) a task even
/// if we never saw the answer, so a create is repeated only when it provably did not create anything:
/// - the connection could not be established, so nothing was sent;
/// - the server answered with a status in ``createRetryableStatuses`` (by default only 429: a rate-limit
///   rejection is decided before the task exists).
///
/// A 5xx answer to a create is *not* retried by default: the resellers proxy to pooled web-app accounts, and
/// a 500/502/504 may come from a gateway after the backend accepted the task. Such an answer, and a timeout
/// or dropped connection after the request was sent, becomes ``ProviderError/Kind/mayHaveBeenSubmitted``.
/// Add 503 to ``createRetryableStatuses`` if a provider documents that 503 means "not accepted".
///
/// Reads (poll, cancel, upload) are idempotent or harmless to repeat and retry on transport failures,
/// 408, 429 and 5xx.
///
/// Delays use exponential backoff with full jitter, `random(0 ... min(maxDelay, baseDelay * 2^n))`, unless
/// the server sent `Retry-After`, which is honoured up to ``maximumRetryAfter``.
public struct RetryPolicy: Sendable {
    /// Total attempts, including the first (1 disables retries).
    public var maxAttempts: Int
    /// The backoff ceiling for the first retry.
    public var baseDelay: Duration
    /// The largest backoff ceiling.
    public var maxDelay: Duration
    /// A longer `Retry-After` than this is not waited for; the call fails with ``ProviderError/Kind/rateLimited``.
    public var maximumRetryAfter: Duration
    /// Statuses after which a create is repeated (see the type's discussion).
    public var createRetryableStatuses: Set<Int>
    /// Statuses after which a read is repeated.
    public var readRetryableStatuses: Set<Int>
    /// Returns a uniformly distributed number in the range; injectable for tests.
    public var random: @Sendable (ClosedRange<Double>) -> Double

    public init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(20),
        maximumRetryAfter: Duration = .seconds(120),
        createRetryableStatuses: Set<Int> = [429],
        readRetryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504],
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maximumRetryAfter = maximumRetryAfter
        self.createRetryableStatuses = createRetryableStatuses
        self.readRetryableStatuses = readRetryableStatuses
        self.random = random
    }

    /// The default policy.
    public static var standard: RetryPolicy { RetryPolicy() }

    /// A policy that never repeats a call.
    public static var none: RetryPolicy { RetryPolicy(maxAttempts: 1) }

    /// The backoff ceiling before retry number `retry` (0 for the first retry): `min(maxDelay, baseDelay * 2^retry)`.
    public func ceiling(forRetry retry: Int) -> Duration {
        let base = baseDelay.seconds
        let ceiling = min(maxDelay.seconds, base * pow2(min(retry, 30)))
        return .seconds(ceiling)
    }

    /// A jittered delay in `0 ... ceiling(forRetry:)`.
    public func delay(forRetry retry: Int) -> Duration {
        let ceiling = ceiling(forRetry: retry).seconds
        return .seconds(max(0, min(ceiling, random(0...ceiling))))
    }

    /// Whether a status answered to a request of this kind should be retried.
    func shouldRetry(status: Int, kind: RequestKind) -> Bool {
        switch kind {
        case .create: createRetryableStatuses.contains(status)
        case .read: readRetryableStatuses.contains(status)
        }
    }

    private func pow2(_ n: Int) -> Double { Double(1 << n) }
}

/// Whether repeating a request could have side effects.
enum RequestKind: Sendable {
    /// Creates a billable task: never repeated once it may have arrived.
    case create
    /// Safe to repeat.
    case read
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
