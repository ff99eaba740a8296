import ClipQueue
import Foundation
import Synchronization
import Testing

@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason))
struct ProviderLimitTests {
    @Test func aProvidersConcurrencyLimitHoldsAcrossTwoWorkerInstances() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            try await queue.setProviderLimit("kkiai", maxConcurrent: 2)
            _ = try await queue.enqueue((0..<6).map { TestDatabase.extendJob("k\($0)") } + [TestDatabase.extendJob("p0", provider: "piapi")])
            // Two instances claim at once, repeatedly.
            let claimed = try await withThrowingTaskGroup(of: [ClaimedStep].self) { group in
                for worker in 0..<2 {
                    group.addTask {
                        try await TestDatabase.withQueue(url: url) { other in
                            var mine: [ClaimedStep] = []
                            for _ in 0..<5 { mine += try await other.claim("w\(worker)", limit: 3) }
                            return mine
                        }
                    }
                }
                var all: [ClaimedStep] = []
                for try await steps in group { all += steps }
                return all
            }
            #expect(claimed.filter { $0.provider == "kkiai" }.count == 2)
            #expect(claimed.filter { $0.provider == "piapi" }.count == 1)

            // A render in flight (the await step) still holds its slot; finishing it frees the slot.
            let first = try #require(claimed.first { $0.provider == "kkiai" })
            try await queue.complete(first, .done(StepResult(next: [NewStep(segment: 0, kind: "await", provider: "kkiai")])))
            let awaitStep = try #require(try await queue.claim("w0").first)
            #expect(awaitStep.kind == "await")
            #expect(try await queue.claim("w0", limit: 5).isEmpty)
            try await queue.complete(awaitStep, .done(StepResult()))
            let freed = try await queue.claim("w0", limit: 5)
            #expect(freed.count == 1 && freed.first?.provider == "kkiai")
        }
    }

    @Test func a429BackOffBlocksEveryWorkersSubmitsToThatProviderOnly() async throws {
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([
                TestDatabase.extendJob("k0"), TestDatabase.extendJob("k1"),
                TestDatabase.extendJob("p0", provider: "piapi"), TestDatabase.checkJob("q0"),
            ])
            let k0 = try #require(try await queue.claim(owner: "a", limit: 1, leaseSeconds: 30, jobKinds: ["extend"]).first)
            #expect(k0.jobID == "k0")
            try await queue.lease(for: k0).markSubmitting()
            let backOff = 1.5
            try await queue.complete(k0, .rateLimited(provider: "kkiai", seconds: backOff))
            // Another worker: piapi's submit and the check run; kkiai's submits wait.
            let others = try await TestDatabase.withQueue(url: url) { other in try await other.claim("b", limit: 10) }
            #expect(Set(others.map(\.jobID)) == ["p0", "q0"])
            #expect(try await queue.step("k0", kind: "submit")?.state == .available)
            try await Task.sleep(for: .seconds(backOff + 0.5))
            let after = try await TestDatabase.withQueue(url: url) { other in try await other.claim("b", limit: 10) }
            #expect(Set(after.map(\.jobID)) == ["k0", "k1"])
            #expect(after.first { $0.jobID == "k0" }?.attempt == 1)  // a 429 does not use up an attempt
        }
    }
}
