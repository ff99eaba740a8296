import ClipQueue
import Foundation
import Logging
import Synchronization
import Testing

/// A provider stand-in: counts creates per client reference, renders each task after a few polls, and
/// records how many tasks were in flight at once.
final class FakeProvider: Sendable {
    struct State {
        var createsByClientRef: [UUID: Int] = [:]
        var pollsLeft: [String: Int] = [:]
        var inFlight = 0
        var maxInFlight = 0
    }
    let state = Mutex(State())

    func create(clientRef: UUID) -> String {
        state.withLock { state in
            state.createsByClientRef[clientRef, default: 0] += 1
            let id = "task-\(clientRef.uuidString.prefix(8))"
            state.pollsLeft[id] = 2
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return id
        }
    }

    /// True once the task is rendered (its slot is then free).
    func poll(_ id: String) -> Bool {
        state.withLock { state in
            guard let left = state.pollsLeft[id] else { return true }
            if left > 0 { state.pollsLeft[id] = left - 1; return false }
            state.pollsLeft[id] = nil
            state.inFlight -= 1
            return true
        }
    }
}

/// A chain executor shaped like the real one: submit (marked before the POST, task id recorded under the
/// lease), await (polls without holding a worker), and the hand-over that enqueues the next segment.
struct ScriptedChainExecutor: StepExecutor {
    let provider: FakeProvider
    let segments: Int

    func execute(_ step: ClaimedStep, lease: LeaseHandle) async throws -> StepOutcome {
        switch step.kind {
        case "submit":
            var taskID = step.providerTaskID
            if taskID == nil {
                try await lease.markSubmitting()
                let id = provider.create(clientRef: step.clientRef)
                try await lease.recordTaskID(id)
                taskID = id
            }
            return .done(StepResult(next: [NewStep(segment: step.segment, kind: "await", provider: step.provider,
                                                   payload: #"{"task":"\#(taskID!)"}"#)]))
        case "await":
            let task = String(step.payload.split(separator: "\"")[3])
            guard provider.poll(task) else { return .wait(seconds: 0.05) }
            let last = step.segment + 1 == segments
            let next = last ? [] : [NewStep(segment: step.segment + 1, kind: "submit", provider: step.provider)]
            return .done(StepResult(next: next, jobOutput: last ? "/store/\(step.jobID).mp4" : nil, cost: 1))
        default:
            return .failed(reason: "unknown step \(step.kind)", category: "test")
        }
    }
}

@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason))
struct WorkerRuntimeTests {
    @Test func twoWorkersRunChainsSegmentBySegmentWithinTheProvidersLimitAndOneCreatePerSegment() async throws {
        let provider = FakeProvider()
        let (chains, segments, limit) = (6, 3, 2)
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            try await queue.setProviderLimit("kkiai", maxConcurrent: limit)
            _ = try await queue.enqueue((0..<chains).map { TestDatabase.extendJob("c\($0)") })
            var executors = StepExecutorRegistry()
            executors.register(ScriptedChainExecutor(provider: provider, segments: segments), forJobKind: "extend")
            let registry = executors
            let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<2 {
                    group.addTask {
                        try await TestDatabase.withQueue(url: url) { other in
                            var logger = Logger(label: "test.worker")
                            logger.logLevel = .error
                            let worker = Worker(queue: other, registry: registry, configuration: WorkerConfiguration(
                                name: "w\(index)", concurrency: 4, leaseSeconds: 10, idlePollSeconds: 0.05), logger: logger)
                            try await worker.run()
                        }
                        return false
                    }
                }
                group.addTask {
                    try await eventually(timeout: 120) {
                        try await queue.status().jobs.allSatisfy { $0.state == .done || $0.state == .failed }
                    }
                }
                let result = try await group.next()!
                group.cancelAll()
                return result
            }
            #expect(finished)
            let status = try await queue.status()
            #expect(status.summary.done == chains)
            #expect(status.summary.spend == Double(chains * segments))
            for job in status.jobs {
                #expect(job.output == "/store/\(job.id).mp4" && job.cost == Double(segments))
                #expect(job.tasks.map(\.segment) == [0, 0, 1, 1, 2, 2])
            }
            let counts = provider.state.withLock { $0 }
            #expect(counts.createsByClientRef.count == chains * segments)
            #expect(counts.createsByClientRef.values.allSatisfy { $0 == 1 })
            #expect(counts.maxInFlight == limit, "the fleet used the whole limit and never more")
        }
    }
}
