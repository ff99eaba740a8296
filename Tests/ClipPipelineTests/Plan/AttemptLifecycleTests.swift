import ClipPipeline
import Testing

/// A journal attempt has one lifecycle; `submitting` sits between the plan and the provider's answer.
struct AttemptLifecycleTests {
    typealias Step = JournalAttempt.Step

    @Test func theHappyPathGoesForwardOneStepAtATime() {
        let path: [Step] = [.planned, .submitting, .submitted, .completed, .downloaded, .checked, .frameExtracted, .frameHosted]
        for (from, to) in zip(path, path.dropFirst()) { #expect(from.canMove(to: to), "\(from) -> \(to)") }
    }

    @Test func aPlannedAttemptCannotSkipTheSubmittingRecord() {
        #expect(!Step.planned.canMove(to: .submitted))
        #expect(Step.planned < Step.submitting && Step.submitting < Step.submitted)
    }

    @Test func aFailedAttemptIsOverAndCheckedClipsAreNotFailedLater() {
        for step in Step.allCases { #expect(!Step.failed.canMove(to: step)) }
        #expect(Step.submitting.canMove(to: .failed))
        #expect(!Step.frameHosted.canMove(to: .failed))
    }

    @Test func aMissingFileSendsTheAttemptBackToItsTask() {
        #expect(Step.downloaded.canMove(to: .submitted))
        #expect(!Step.submitting.canMove(to: .planned))
    }
}
