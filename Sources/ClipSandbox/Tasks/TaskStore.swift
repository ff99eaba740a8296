import Foundation

/// Every task the sandbox has accepted, in creation order, plus the create calls counted per provider.
actor TaskStore {
    private var tasks: [String: SandboxTask] = [:]
    private var order: [String] = []
    private var createCalls: [SandboxProvider: Int] = [:]
    private var lifecycles: [String: Task<Void, Never>] = [:]
    private var creates: [SandboxCreateCall] = []
    private var webhooksDelivered: [String: Int] = [:]

    /// Counts a webhook callback for task `id` that the caller answered with a 2xx.
    func noteWebhookDelivered(_ id: String) { webhooksDelivered[id, default: 0] += 1 }

    /// Records a create call as received; returns its sequence number.
    func beginCreate(_ provider: SandboxProvider, path: String, body: String) -> Int {
        let sequence = creates.count + 1
        creates.append(
            SandboxCreateCall(sequence: sequence, provider: provider, path: path, receivedAt: Date(), body: body))
        return sequence
    }

    /// Notes the task that create call `sequence` made.
    func noteTask(_ id: String, onCall sequence: Int) {
        guard creates.indices.contains(sequence - 1) else { return }
        creates[sequence - 1].taskID = id
    }

    /// Notes the status create call `sequence` was answered with.
    func finishCreate(_ sequence: Int, status: Int?) {
        guard creates.indices.contains(sequence - 1) else { return }
        creates[sequence - 1].status = status
    }

    /// Every create call so far, in arrival order, optionally of one provider.
    func createCalls(of provider: SandboxProvider? = nil) -> [SandboxCreateCall] {
        creates.filter { provider == nil || $0.provider == provider }
    }

    /// Counts one create (or extend) call, whatever its outcome.
    func countCreateCall(_ provider: SandboxProvider) {
        createCalls[provider, default: 0] += 1
    }

    func insert(_ task: SandboxTask) {
        if tasks[task.id] == nil { order.append(task.id) }
        tasks[task.id] = task
    }

    /// The task `id` if it belongs to `provider` (a PiAPI id is unknown to the Luma routes).
    func task(_ id: String, provider: SandboxProvider? = nil) -> SandboxTask? {
        guard let task = tasks[id], provider == nil || task.provider == provider else { return nil }
        return task
    }

    /// Every task of `provider`, in creation order.
    func tasks(of provider: SandboxProvider) -> [SandboxTask] {
        order.compactMap { tasks[$0] }.filter { $0.provider == provider }
    }

    /// Applies `change` to task `id` and returns the result, or nil for an unknown id.
    @discardableResult
    func update(_ id: String, _ change: @Sendable (inout SandboxTask) -> Void) -> SandboxTask? {
        guard var task = tasks[id] else { return nil }
        change(&task)
        tasks[id] = task
        return task
    }

    /// Cancels `id` if it is still queued; returns the task and whether the cancel took.
    func cancelIfQueued(_ id: String) -> (SandboxTask, cancelled: Bool)? {
        guard var task = tasks[id] else { return nil }
        guard task.state == .queued else { return (task, false) }
        task.state = .cancelled
        task.endedAt = Date()
        tasks[id] = task
        return (task, true)
    }

    /// Keeps the background task that drives `id`, so ``cancelAll()`` can stop it.
    func register(_ id: String, lifecycle: Task<Void, Never>) {
        lifecycles[id] = lifecycle
    }

    func lifecycleEnded(_ id: String) {
        lifecycles[id] = nil
    }

    /// Cancels every task still in progress (the server is stopping).
    func cancelAll() {
        for lifecycle in lifecycles.values { lifecycle.cancel() }
        lifecycles = [:]
    }

    func inspection() -> SandboxInspection {
        SandboxInspection(
            tasks: order.compactMap { tasks[$0] }.map(SandboxTaskRecord.init),
            createCalls: Dictionary(uniqueKeysWithValues: createCalls.map { ($0.key.rawValue, $0.value) }),
            webhooksDelivered: webhooksDelivered
        )
    }
}
