/// Runs one claimed step. The worker heartbeats the lease meanwhile; the executor writes to the queue only
/// through `lease` (every write conditional on the lease token) and returns what happened.
/// When the lease is lost, the executor's task is cancelled and its outcome is discarded.
public protocol StepExecutor: Sendable {
    func execute(_ step: ClaimedStep, lease: LeaseHandle) async throws -> StepOutcome
}

/// Executors by job kind (`extend`, `generate`, `check`, ...). A worker claims only steps of the kinds it has.
public struct StepExecutorRegistry: Sendable {
    private var executors: [String: any StepExecutor] = [:]

    public init() {}

    public mutating func register(_ executor: any StepExecutor, forJobKind kind: String) {
        executors[kind] = executor
    }

    public func executor(forJobKind kind: String) -> (any StepExecutor)? { executors[kind] }

    public var jobKinds: [String] { executors.keys.sorted() }
}
