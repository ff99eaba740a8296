import ClipProviders
import Foundation
import Testing

/// The generation lifecycle as a pure state machine: inputs in, actions out, no network.
struct GenerationStateMachineTests {
    let video = URL(string: "https://cdn.example/v.mp4")!

    func snapshot(_ state: TaskState, id: String = "t1", video: URL? = nil) -> TaskSnapshot {
        TaskSnapshot(taskID: id, state: state, videoURL: video)
    }

    @Test func walksTheHappyPath() {
        var machine = GenerationStateMachine()
        #expect(machine.start() == .submit)
        #expect(machine.state == .submitting)
        #expect(machine.submitted(taskID: "t1", at: .seconds(100)) == .schedulePoll(after: .seconds(5)))
        #expect(machine.pollDue() == .fetchNow(taskID: "t1"))
        #expect(machine.fetched(snapshot(.queued), at: .seconds(105)) == .schedulePoll(after: .milliseconds(7500)))
        #expect(machine.fetched(snapshot(.running), at: .seconds(113)) == .schedulePoll(after: .milliseconds(11250)))
        #expect(
            machine.fetched(snapshot(.succeeded, video: video), at: .seconds(125))
                == .download(taskID: "t1", from: video))
        #expect(machine.downloaded(file: "/out/clip.mp4") == .finish)
        #expect(machine.state == .succeeded(taskID: "t1", file: "/out/clip.mp4"))
        #expect(machine.state.isFinal)
    }

    @Test func aHintFetchesAtOnceOnlyForTheAwaitedTask() {
        var machine = GenerationStateMachine()
        _ = machine.start()
        #expect(machine.hintReceived(taskID: "t1") == .none)  // not submitted yet
        _ = machine.submitted(taskID: "t1", at: .zero)
        #expect(machine.hintReceived(taskID: "other") == .none)
        #expect(machine.hintReceived(taskID: "t1") == .fetchNow(taskID: "t1"))
        _ = machine.fetched(snapshot(.succeeded, video: video), at: .seconds(1))
        #expect(machine.hintReceived(taskID: "t1") == .none)  // a late duplicate
    }

    @Test func aFailedTaskEndsWithTheProviderReason() {
        var machine = GenerationStateMachine()
        _ = machine.start()
        _ = machine.submitted(taskID: "t1", at: .zero)
        #expect(machine.fetched(snapshot(.failed(reason: "Frame moderation failed")), at: .seconds(5)) == .finish)
        #expect(machine.state == .failed(reason: "provider task failed: Frame moderation failed"))
    }

    @Test func anUnknownSubmissionNeedsReconciliation() {
        var machine = GenerationStateMachine()
        _ = machine.start()
        #expect(machine.submitFailed(.mayHaveBeenSubmitted("HTTP 502", provider: .kkiai)) == .finish)
        guard case .needsReconciliation(let detail) = machine.state else {
            Issue.record("expected needsReconciliation, got \(machine.state)")
            return
        }
        #expect(detail.contains("HTTP 502"))
        var other = GenerationStateMachine()
        _ = other.start()
        _ = other.submitFailed(.invalidRequest(field: "duration", value: "9 s", accepted: "5 s"))
        #expect(other.state == .failed(reason: "provider does not accept duration 9 s (accepted: 5 s)"))
    }

    @Test func aRestartDuringSubmissionIsNotResubmitted() throws {
        var machine = GenerationStateMachine()
        _ = machine.start()
        let saved = try JSONEncoder().encode(machine)
        var restored = try JSONDecoder().decode(GenerationStateMachine.self, from: saved)
        #expect(restored.state == .submitting)
        #expect(restored.start() == .none)
        #expect(restored.restartedWhileSubmitting() == .finish)
        if case .needsReconciliation = restored.state {} else { Issue.record("expected needsReconciliation") }
    }

    @Test func pollingStopsAtTheDeadlineAndTheLastWaitIsClipped() {
        var machine = GenerationStateMachine(schedule: .init(initialDelay: .seconds(10), deadline: .seconds(60)))
        _ = machine.start()
        _ = machine.submitted(taskID: "t1", at: .zero)
        #expect(machine.fetched(snapshot(.running), at: .seconds(55)) == .schedulePoll(after: .seconds(5)))
        #expect(machine.fetched(snapshot(.running), at: .seconds(60)) == .finish)
        #expect(machine.state == .failed(reason: "provider task t1 did not finish within 60 s"))
    }

    @Test func transientFetchFailuresKeepWaitingOthersFail() {
        var machine = GenerationStateMachine()
        _ = machine.start()
        _ = machine.submitted(taskID: "t1", at: .zero)
        #expect(machine.fetchFailed(.transport("reset"), at: .seconds(5)) == .schedulePoll(after: .milliseconds(7500)))
        #expect(machine.fetchFailed(.authentication("HTTP 401"), at: .seconds(12)) == .finish)
        #expect(machine.state.isFinal)
    }

    @Test func aSucceededTaskWithoutVideoFails() {
        var machine = GenerationStateMachine()
        _ = machine.start()
        _ = machine.submitted(taskID: "t1", at: .zero)
        #expect(machine.fetched(snapshot(.succeeded), at: .seconds(5)) == .finish)
        #expect(machine.state == .failed(reason: "the task finished without a video URL"))
    }
}
