import Foundation

/// Time as the retry policy, the poller and the downloader see it: injectable so tests never wait.
public struct ProviderClock: Sendable {
    /// Monotonic time elapsed since an arbitrary origin.
    public var elapsed: @Sendable () -> Duration
    /// Suspends for a duration (throws `CancellationError` when the task is cancelled).
    public var sleep: @Sendable (Duration) async throws -> Void
    /// The wall-clock date, for `Retry-After: <HTTP date>`.
    public var now: @Sendable () -> Date

    public init(
        elapsed: @escaping @Sendable () -> Duration,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        now: @escaping @Sendable () -> Date
    ) {
        self.elapsed = elapsed
        self.sleep = sleep
        self.now = now
    }

    /// The real clocks: `ContinuousClock` and `Task.sleep`.
    public static var live: ProviderClock {
        let origin = ContinuousClock.now
        return ProviderClock(
            elapsed: { ContinuousClock.now - origin },
            sleep: { duration in try await Task.sleep(for: duration) },
            now: { Date() }
        )
    }
}

/// A tiny lock-protected box for state shared across tasks.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
