import ClipProviders
import Foundation
import Testing

/// The poller backs off from a few seconds up to 30 s, stops at its deadline, and reports failures.
struct TaskPollerTests {
    final class Script: @unchecked Sendable {
        private let lock = NSLock()
        private var steps: [Result<TaskState, ProviderError>]
        private(set) var calls = 0

        init(_ steps: [Result<TaskState, ProviderError>]) { self.steps = steps }

        func next(_ id: String) throws -> TaskSnapshot {
            lock.lock()
            defer { lock.unlock() }
            calls += 1
            let step = steps.count > 1 ? steps.removeFirst() : steps[0]
            let state = try step.get()
            return TaskSnapshot(
                taskID: id, state: state, videoURL: state == .succeeded ? URL(string: "https://cdn.example/v.mp4") : nil
            )
        }
    }

    let clock = ManualClock()

    var poller: TaskPoller {
        TaskPoller(
            initialDelay: .seconds(5), multiplier: 1.5, maximumInterval: .seconds(30), deadline: .seconds(600),
            clock: clock.clock)
    }

    @Test func returnsTheSucceededSnapshotAfterQueuedAndRunning() async throws {
        let script = Script([.success(.queued), .success(.running), .success(.running), .success(.succeeded)])
        let done = try await poller.waitForCompletion(of: "t1") { try script.next($0) }
        #expect(done.state == .succeeded)
        #expect(done.videoURL != nil)
        #expect(script.calls == 4)
        #expect(clock.sleeps == [.seconds(5), .milliseconds(7500), .milliseconds(11250), .milliseconds(16875)])
    }

    @Test func intervalsAreCappedAt30Seconds() {
        #expect(poller.interval(beforePoll: 0) == .seconds(5))
        #expect(poller.interval(beforePoll: 5) == .seconds(30))
        #expect(poller.interval(beforePoll: 50) == .seconds(30))
    }

    @Test func aFailedTaskThrowsTheProviderReason() async throws {
        let script = Script([.success(.running), .success(.failed(reason: "Frame moderation failed"))])
        let error = await #expect(throws: ProviderError.self) {
            try await poller.waitForCompletion(of: "t1", provider: .luma) { try script.next($0) }
        }
        #expect(error?.kind == .taskFailed)
        #expect(error?.reason == "Frame moderation failed")
        #expect(error?.description == "Luma task failed: Frame moderation failed")
    }

    @Test func aCancelledTaskThrowsCancelled() async throws {
        let script = Script([.success(.cancelled)])
        let error = await #expect(throws: ProviderError.self) {
            try await poller.waitForCompletion(of: "t1") { try script.next($0) }
        }
        #expect(error?.kind == .cancelled)
    }

    @Test func stopsAtTheDeadline() async throws {
        let script = Script([.success(.running)])
        let error = await #expect(throws: ProviderError.self) {
            try await poller.waitForCompletion(of: "t9", provider: .piapi) { try script.next($0) }
        }
        #expect(error?.kind == .pollTimeout)
        #expect(error?.description == "PiAPI task t9 did not finish within 600 s")
        let total = clock.sleeps.reduce(Duration.zero, +)
        #expect(total == .seconds(600))
    }

    @Test func toleratesTransientFetchFailures() async throws {
        let script = Script([
            .failure(.transport("reset")), .failure(.httpStatus(502, bodySnippet: "")), .success(.succeeded),
        ])
        let done = try await poller.waitForCompletion(of: "t1") { try script.next($0) }
        #expect(done.state == .succeeded)
        #expect(script.calls == 3)
    }

    @Test func stopsOnANonTransientFetchFailure() async throws {
        let script = Script([.failure(.authentication("HTTP 401"))])
        let error = await #expect(throws: ProviderError.self) {
            try await poller.waitForCompletion(of: "t1") { try script.next($0) }
        }
        #expect(error?.kind == .authentication)
        #expect(script.calls == 1)
    }

    @Test func givesUpAfterTooManyTransientFailuresInARow() async throws {
        let script = Script([.failure(.transport("down"))])
        var p = poller
        p.maximumConsecutiveFailures = 3
        await #expect(throws: ProviderError.self) { try await p.waitForCompletion(of: "t1") { try script.next($0) } }
        #expect(script.calls == 3)
    }

    @Test func reportsEachSnapshot() async throws {
        let script = Script([.success(.queued), .success(.succeeded)])
        let seen = Recorder<String>()
        _ = try await poller.waitForCompletion(of: "t1", onUpdate: { seen.append($0.state.name) }) {
            try script.next($0)
        }
        #expect(seen.all == ["queued", "succeeded"])
    }
}

/// A webhook hint wakes the poller without waiting for its interval.
struct PollWakeupTests {
    /// A clock whose sleeps never end on their own: only a wakeup lets the poller fetch.
    static let stuckClock = ProviderClock(
        elapsed: { .zero }, sleep: { _ in try await Task.sleep(for: .seconds(3600)) }, now: { Date() })

    @Test func aSignalBeforeWaitingTriggersTheFirstFetch() async throws {
        let wakeup = PollWakeup()
        wakeup.signal()
        let poller = TaskPoller(initialDelay: .seconds(3600), clock: Self.stuckClock)
        let done = try await poller.waitForCompletion(of: "t1", wakeup: wakeup) {
            TaskSnapshot(taskID: $0, state: .succeeded)
        }
        #expect(done.state == .succeeded)
    }

    @Test func signalsWhileWaitingWakeThePoller() async throws {
        let wakeup = PollWakeup()
        let script = TaskPollerTests.Script([.success(.running), .success(.succeeded)])
        let poller = TaskPoller(initialDelay: .seconds(3600), clock: Self.stuckClock)
        wakeup.signal()
        // Each update signals again, as a webhook for the next state would.
        let done = try await poller.waitForCompletion(of: "t1", wakeup: wakeup, onUpdate: { _ in wakeup.signal() }) {
            try script.next($0)
        }
        #expect(done.state == .succeeded)
        #expect(script.calls == 2)
    }

    @Test func cancellingTheWaitingTaskEndsThePoll() async throws {
        let wakeup = PollWakeup()
        let poller = TaskPoller(initialDelay: .seconds(3600), clock: Self.stuckClock)
        let task = Task {
            try await poller.waitForCompletion(of: "t1", wakeup: wakeup) { TaskSnapshot(taskID: $0, state: .succeeded) }
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
