/// Drops repeated terminal callbacks: one (provider, task id, terminal state) is let through once.
///
/// Non-terminal hints always pass (they only trigger a re-fetch). Memory is bounded: the oldest keys are
/// forgotten beyond ``capacity``.
public actor WebhookDeduplicator {
    private struct Key: Hashable {
        var provider: ProviderKind
        var taskID: String
        var state: String
    }

    public let capacity: Int
    private var seen: Set<Key> = []
    private var order: [Key] = []

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Whether this event should be acted on (re-fetch the task); `false` for a repeat of a terminal event.
    public func shouldProcess(_ event: WebhookEvent) -> Bool {
        guard event.stateHint.isTerminal else { return true }
        let key = Key(provider: event.provider, taskID: event.taskID, state: event.stateHint.name)
        guard seen.insert(key).inserted else { return false }
        order.append(key)
        if order.count > capacity {
            seen.remove(order.removeFirst())
        }
        return true
    }
}
