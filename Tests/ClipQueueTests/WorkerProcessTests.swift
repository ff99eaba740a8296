import ClipMedia
import ClipQueue
import ClipTestSupport
import Foundation
import Testing

/// Real `clipkit worker` processes running `check` jobs against real PostgreSQL, signalled as an operator
/// (or a crash) would. Leases are short; every wait is derived from the lease.
@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason), .serialized)
struct WorkerProcessTests {
    static let lease = 2.0
    /// Generous: a busy machine may take a few seconds to start a process and connect.
    static let startup = 60.0

    static func checkJobs(_ count: Int, in directory: TemporaryDirectory) throws -> [NewJob] {
        let clip = try FixtureFactory.makeGeneratorLikeClip(at: directory.file("clip.mp4"), width: 160, height: 90, seconds: 1)
        return (0..<count).map { TestDatabase.checkJob("q\($0)", path: clip) }
    }

    @Test func sigtermDrainsAWorkerItFinishesWhatItHoldsClaimsNothingMoreAndExitsZero() async throws {
        let directory = try TemporaryDirectory("clipkit-drain")
        defer { directory.remove() }
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            _ = try await queue.enqueue(try Self.checkJobs(5, in: directory))
            // A longer lease here: this test is about draining, not expiry.
            let worker = try WorkerProcess(name: "drainer", url: url, store: directory.path, concurrency: 2,
                                           lease: Self.lease * 3, stepDelay: Self.lease * 1.5)
            let holding = try await eventually(timeout: Self.startup) {
                try await queue.status().jobs.flatMap(\.tasks).filter { $0.leaseOwner == "drainer" }.count == 2
            }
            #expect(holding, "the worker never held two steps: \(worker.log)")
            worker.signal(SIGTERM)
            let status = await worker.waitForExit(timeout: Self.lease * 10 + Self.startup)
            #expect(status == 0, "log: \(worker.log)")
            let jobs = try await queue.status().jobs
            let done = jobs.filter { $0.state == .done }
            #expect(done.count == 2, "it finishes exactly what it held")
            #expect(done.allSatisfy { $0.tasks.first?.completedBy == "drainer" && $0.tasks.first?.attempt == 1 })
            #expect(jobs.filter { $0.state == .queued }.count == 3, "it claims nothing after SIGTERM")
            #expect(jobs.flatMap(\.tasks).allSatisfy { $0.leaseOwner == nil })
        }
    }

    @Test func aWorkerKilledMidStepLosesOnlyTheLeaseTimeAnotherWorkerCompletesItsStep() async throws {
        let directory = try TemporaryDirectory("clipkit-kill")
        defer { directory.remove() }
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            _ = try await queue.enqueue(try Self.checkJobs(1, in: directory))
            let doomed = try WorkerProcess(name: "doomed", url: url, store: directory.path, lease: Self.lease, stepDelay: 600)
            #expect(try await eventually(timeout: Self.startup) {
                try await queue.step("q0", kind: "check")?.leaseOwner == "doomed"
            }, "the first worker never claimed: \(doomed.log)")
            doomed.signal(SIGKILL)
            _ = await doomed.waitForExit(timeout: 10)
            let rescuer = try WorkerProcess(name: "rescuer", url: url, store: directory.path, lease: Self.lease)
            defer { rescuer.signal(SIGKILL) }
            #expect(try await eventually(timeout: Self.lease * 10 + Self.startup) {
                try await queue.job("q0")?.state == .done
            }, "log: \(rescuer.log)")
            let step = try #require(try await queue.step("q0", kind: "check"))
            #expect(step.completedBy == "rescuer" && step.attempt >= 2)
            rescuer.signal(SIGTERM)
            #expect(await rescuer.waitForExit(timeout: Self.lease * 10) == 0)
        }
    }

    @Test func aWorkerStoppedPastItsLeaseThenResumedHasItsWritesRefused() async throws {
        let directory = try TemporaryDirectory("clipkit-stop")
        defer { directory.remove() }
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            _ = try await queue.enqueue(try Self.checkJobs(1, in: directory))
            let stalled = try WorkerProcess(name: "stalled", url: url, store: directory.path, lease: Self.lease,
                                            stepDelay: Self.lease)
            #expect(try await eventually(timeout: Self.startup) {
                try await queue.step("q0", kind: "check")?.leaseOwner == "stalled"
            }, "the first worker never claimed: \(stalled.log)")
            stalled.signal(SIGSTOP)
            let other = try WorkerProcess(name: "other", url: url, store: directory.path, lease: Self.lease)
            #expect(try await eventually(timeout: Self.lease * 10 + Self.startup) {
                try await queue.job("q0")?.state == .done
            }, "log: \(other.log)")
            other.signal(SIGTERM)
            #expect(await other.waitForExit(timeout: Self.lease * 10) == 0)

            stalled.signal(SIGCONT)
            #expect(try await eventually(timeout: Self.lease * 10) { stalled.log.contains("lease lost") },
                    "log: \(stalled.log)")
            let step = try #require(try await queue.step("q0", kind: "check"))
            #expect(step.completedBy == "other" && step.attempt >= 2 && step.state == .done)
            stalled.signal(SIGTERM)
            #expect(await stalled.waitForExit(timeout: Self.lease * 10) == 0)
        }
    }
}
