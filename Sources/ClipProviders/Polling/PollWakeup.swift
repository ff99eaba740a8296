/// Wakes a waiting ``TaskPoller`` so it fetches the task at once, e.g. when a webhook for it arrives.
///
/// A callback is only a hint: the poller still fetches the task and trusts only what the fetch says.
/// A signal sent while nobody waits is kept (one at most) and consumed by the next wait.
public final class PollWakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = LockedBox(State())

    public init() {}

    /// Wakes the poller now, or at its next wait.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled, or when the calling task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return continuation
                    }
                    let previous = state.waiter
                    state.waiter = continuation
                    return previous  // only one waiter at a time: release an older one
                }
                resumeNow?.resume()
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
