import ClipProviders
import Foundation

/// A clock whose sleeps return at once and advance its time; records every sleep.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var _elapsed: Duration = .zero
    private var _sleeps: [Duration] = []
    let date: Date

    init(date: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.date = date
    }

    var sleeps: [Duration] {
        lock.lock()
        defer { lock.unlock() }
        return _sleeps
    }

    func advance(by duration: Duration) {
        lock.lock()
        _elapsed += duration
        lock.unlock()
    }

    private func record(_ duration: Duration) {
        lock.lock()
        _sleeps.append(duration)
        _elapsed += duration
        lock.unlock()
    }

    var clock: ProviderClock {
        ProviderClock(
            elapsed: { [self] in
                lock.lock()
                defer { lock.unlock() }
                return _elapsed
            },
            sleep: { [self] duration in record(duration) },
            now: { [self] in date.addingTimeInterval(sleeps.reduce(0) { $0 + Double($1.components.seconds) }) }
        )
    }
}
