import ClipQueue
import Foundation
import Synchronization
import Testing

@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason))
struct ClaimTests {
    @Test func enqueueingAJobIdAlreadyPresentLeavesItAsItIs() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            let first = try await queue.enqueue([TestDatabase.checkJob("a"), TestDatabase.checkJob("b")])
            #expect(first.enqueued == ["a", "b"])
            _ = try await queue.claim("w1")
            let second = try await queue.enqueue([TestDatabase.checkJob("a"), TestDatabase.checkJob("c")])
            #expect(second.enqueued == ["c"])
            #expect(second.alreadyPresent == ["a"])
            let status = try await queue.status()
            #expect(status.jobs.map(\.id) == ["a", "b", "c"])
            #expect(status.jobs.flatMap(\.tasks).count == 3)
        }
    }

    @Test func manyConcurrentClaimersRunEveryStepExactlyOnce() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            let count = 120
            _ = try await queue.enqueue((0..<count).map { TestDatabase.checkJob("j\($0)") })
            let runs = RunCounts()
            // Four clients (as four processes would have), three claimers each.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<4 {
                    group.addTask {
                        try await TestDatabase.withQueue(url: url) { queue in
                            try await withThrowingTaskGroup(of: Void.self) { claimers in
                                for claimer in 0..<3 {
                                    claimers.addTask {
                                        while true {
                                            let steps = try await queue.claim("w\(client)-\(claimer)", limit: 2)
                                            if steps.isEmpty { return }
                                            for step in steps {
                                                runs.counts.withLock { $0[step.jobID, default: 0] += 1 }
                                                try await queue.complete(step, .done(StepResult(result: #"{"ok":true}"#)))
                                            }
                                        }
                                    }
                                }
                                try await claimers.waitForAll()
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let counted = runs.counts.withLock { $0 }
            #expect(counted.count == count)
            #expect(counted.values.allSatisfy { $0 == 1 })
            let status = try await queue.status()
            #expect(status.summary.done == count)
            #expect(status.jobs.allSatisfy { $0.tasks.allSatisfy { $0.attempt == 1 && $0.state == .done } })
        }
    }

    @Test func completingAStepEnqueuesTheNextSegmentInTheSameTransactionOnce() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.extendJob("c1", provider: "sandbox")])
            let submit = try #require(try await queue.claim("w").first)
            let handover = NewStep(segment: 1, kind: "submit", provider: "sandbox", payload: #"{"frame":"f0.png"}"#)
            try await queue.complete(submit, .done(StepResult(next: [handover, handover], cost: 2)))
            let next = try #require(try await queue.claim("w").first)
            #expect(next.segment == 1 && next.kind == "submit" && next.payload.contains("f0.png"))
            try await queue.complete(next, .done(StepResult(jobOutput: "/out/c1.mp4", cost: 3)))
            let job = try #require(try await queue.job("c1"))
            #expect(job.tasks.count == 2)
            #expect(job.state == .done)
            #expect(job.output == "/out/c1.mp4")
            #expect(job.cost == 5)
        }
    }

    @Test func aStepWaitingForARenderHoldsNoWorkerUntilWokenByItsClientReference() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.extendJob("c1", provider: "sandbox")])
            let submit = try #require(try await queue.claim("w").first)
            try await queue.lease(for: submit).markSubmitting()
            try await queue.lease(for: submit).recordTaskID("task-1")
            try await queue.complete(submit, .done(StepResult(next: [NewStep(segment: 0, kind: "await", provider: "sandbox")])))
            let await1 = try #require(try await queue.claim("w").first)
            try await queue.complete(await1, .wait(seconds: 600))
            #expect(try await queue.claim("w").isEmpty)
            let waiting = try #require(try await queue.step("c1", kind: "await"))
            #expect(waiting.state == .available && waiting.leaseOwner == nil && waiting.attempt == 0)
            // A webhook names the reference and the task: a pair that does not match wakes nothing.
            #expect(try await queue.wake(clientRef: submit.clientRef, providerTaskID: "task-2") == 0)
            #expect(try await queue.wake(clientRef: UUID(), providerTaskID: "task-1") == 0)
            #expect(try await queue.step("c1", kind: "await")?.state == .available)
            #expect(try await queue.claim("w").isEmpty)
            #expect(try await queue.wake(clientRef: submit.clientRef) == 1)
            let woken = try #require(try await queue.claim("w").first)
            #expect(woken.id == await1.id)
            try await queue.complete(woken, .wait(seconds: 600))
            #expect(try await queue.wake(providerTaskID: "task-1") == 1)
            let again = try #require(try await queue.claim("w").first)
            try await queue.complete(again, .wait(seconds: 600))
            #expect(try await queue.wake(clientRef: submit.clientRef, providerTaskID: "task-1") == 1)
            #expect(try await queue.claim("w").count == 1)
        }
    }

    @Test func aWorkerOnlyClaimsStepsOfJobKindsItCanRun() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.extendJob("e1"), TestDatabase.checkJob("q1")])
            let steps = try await queue.claim(owner: "w", limit: 5, leaseSeconds: 30, jobKinds: ["check"])
            #expect(steps.map(\.jobID) == ["q1"])
        }
    }
}

/// How many times each job's step ran.
final class RunCounts: Sendable {
    let counts = Mutex<[String: Int]>([:])
}
