@testable import ClipQueue
import Foundation
import Testing

@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason))
struct LeaseTests {
    static let shortLease = 0.5

    /// Waits past the lease, then lets the rescuer run.
    static func expire(_ queue: PostgresJobQueue) async throws -> [RescuedStep] {
        try await Task.sleep(for: .seconds(shortLease * 2.5))
        return try await queue.rescueExpired()
    }

    @Test func aWorkerWhoseLeaseWasRescuedAndReclaimedCannotWrite() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.checkJob("a")])
            let mine = try #require(try await queue.claim("slow", lease: Self.shortLease).first)
            let rescued = try await Self.expire(queue)
            #expect(rescued.map(\.state) == [.available])
            // Another "process" takes it over.
            let theirs = try #require(try await TestDatabase.withQueue(url: url) { other in
                try await other.claim("fast").first
            })
            #expect(theirs.id == mine.id && theirs.attempt == 2 && theirs.leaseToken != mine.leaseToken)

            let lease = queue.lease(for: mine)
            await #expect(throws: QueueError.leaseLost(step: mine.id)) { try await lease.recordTaskID("stale") }
            #expect(lease.isLost)
            await #expect(throws: QueueError.leaseLost(step: mine.id)) {
                try await queue.complete(mine, .done(StepResult(result: #"{"by":"slow"}"#, jobOutput: "slow")))
            }
            await #expect(throws: QueueError.leaseLost(step: mine.id)) {
                try await queue.complete(mine, .failed(reason: "stale", category: "test"))
            }
            try await queue.complete(theirs, .done(StepResult(jobOutput: "fast")))
            let job = try #require(try await queue.job("a"))
            #expect(job.state == .done && job.output == "fast")
            #expect(job.tasks.first?.completedBy == "fast")
            #expect(job.tasks.first?.providerTaskID == nil)
        }
    }

    @Test func aSubmitWhoseLeaseExpiredNeedsAttentionAndIsNeverClaimedAgainUntilResolved() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.extendJob("c1")])
            let submit = try #require(try await queue.claim("w", lease: Self.shortLease).first)
            try await queue.lease(for: submit).markSubmitting()
            // ... the worker dies during the POST.
            let rescued = try await Self.expire(queue)
            #expect(rescued.map(\.state) == [.needsAttention])
            #expect(try await queue.rescueExpired().isEmpty)
            #expect(try await queue.claim("w2", limit: 5).isEmpty)
            let job = try #require(try await queue.job("c1"))
            #expect(job.state == .needsAttention)
            #expect(job.error?.contains("may have the task") == true)
            try await Task.sleep(for: .seconds(Self.shortLease))
            #expect(try await queue.claim("w2", limit: 5).isEmpty)

            // A person finds the task at the provider: the step resumes with it, no new POST.
            try await queue.resolve(job: "c1", segment: 0, taskID: "task-42")
            let resumed = try #require(try await queue.claim("w2").first)
            #expect(resumed.providerTaskID == "task-42" && resumed.clientRef == submit.clientRef)
            #expect(try await queue.job("c1")?.state == .running)
            await #expect(throws: QueueError.self) { try await queue.resolve(job: "c1", segment: 0, resubmit: true) }
        }
    }

    @Test func resolvingWithResubmitSubmitsAgainUnderANewClientReference() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.extendJob("c1")])
            let submit = try #require(try await queue.claim("w", lease: Self.shortLease).first)
            try await queue.lease(for: submit).markSubmitting()
            _ = try await Self.expire(queue)
            try await queue.resolve(job: "c1", segment: 0, resubmit: true)
            let again = try #require(try await queue.claim("w").first)
            #expect(again.providerTaskID == nil && again.clientRef != submit.clientRef && again.attempt == 1)
        }
    }

    @Test func aSubmitWhoseTaskIdWasRecordedResumesAfterItsWorkerIsLost() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.extendJob("c1")])
            let submit = try #require(try await queue.claim("w", lease: Self.shortLease).first)
            let lease = queue.lease(for: submit)
            try await lease.markSubmitting()
            try await lease.recordTaskID("task-7")
            #expect(try await Self.expire(queue).map(\.state) == [.available])
            let resumed = try #require(try await queue.claim("w2").first)
            #expect(resumed.providerTaskID == "task-7")
        }
    }

    @Test func aRunningStepLostOnItsLastAttemptFails() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([NewJob(id: "a", batch: "t", kind: "check", spec: "{}",
                                                firstSteps: [NewStep(segment: 0, kind: "check", maxAttempts: 1)])])
            _ = try await queue.claim("w", lease: Self.shortLease)
            #expect(try await Self.expire(queue).map(\.state) == [.failed])
            let job = try #require(try await queue.job("a"))
            #expect(job.state == .failed && job.error?.contains("lease expired") == true)
        }
    }

    @Test func aHeartbeatKeepsTheLeasePastItsFirstExpiry() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, _: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([TestDatabase.checkJob("a")])
            let step = try #require(try await queue.claim("w", lease: Self.shortLease).first)
            let lease = queue.lease(for: step)
            for _ in 0..<5 {
                try await Task.sleep(for: .seconds(Self.shortLease / 3))
                try await lease.renew(seconds: Self.shortLease)
                #expect(try await queue.rescueExpired().isEmpty)
            }
            try await queue.complete(step, .done(StepResult()))
            #expect(try await queue.job("a")?.state == .done)
        }
    }
}
