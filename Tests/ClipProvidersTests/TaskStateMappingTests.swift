import ClipProviders
import Testing

/// Every provider status maps to the normalised state, case-insensitively.
struct TaskStateMappingTests {
    @Test(arguments: [
        ("pending", TaskState.queued), ("Pending", .queued), ("staged", .queued), ("Staged", .queued),
        ("processing", .running), ("Processing", .running), ("completed", .succeeded), ("Completed", .succeeded),
        ("failed", .failed(reason: "")), ("FAILED", .failed(reason: "")), ("cancelled", .cancelled),
        ("mystery", .unknown(raw: "mystery")),
    ])
    func piapiStatusesMap(status: String, expected: TaskState) {
        #expect(TaskState.piapi(status) == expected)
    }

    @Test(arguments: [
        ("pending", TaskState.queued), ("processing", .running), ("completed", .succeeded),
        ("failed", .failed(reason: "")),
        ("NOT_START", .queued), ("SUBMITTED", .queued), ("QUEUED", .queued), ("IN_PROGRESS", .running),
        ("SUCCESS", .succeeded), ("FAILURE", .failed(reason: "")), ("in_progress", .running), ("", .unknown(raw: "")),
        ("submitted", .queued), ("succeed", .succeeded), ("Succeed", .succeeded),
    ])
    func kkiaiStatusesOfBothFamiliesMap(status: String, expected: TaskState) {
        #expect(TaskState.kkiai(status) == expected)
    }

    @Test(arguments: [
        (1, TaskState.running), (2, .succeeded), (3, .failed(reason: "")), (0, .unknown(raw: "0")),
        (7, .unknown(raw: "7")),
    ])
    func pixwithIntegerStatusesMap(status: Int, expected: TaskState) {
        #expect(TaskState.pixwith(status) == expected)
    }

    @Test(arguments: [
        ("queued", TaskState.queued), ("dreaming", .running), ("Dreaming", .running), ("completed", .succeeded),
        ("failed", .failed(reason: "")), ("COMPLETED", .succeeded),
    ])
    func lumaStatesMap(state: String, expected: TaskState) {
        #expect(TaskState.luma(state) == expected)
    }

    @Test func failureReasonsAreKept() {
        #expect(
            TaskState.luma("failed", failureReason: "Frame moderation failed")
                == .failed(reason: "Frame moderation failed"))
        #expect(TaskState.pixwith(3, failureReason: "bad image") == .failed(reason: "bad image"))
    }

    @Test func onlySucceededFailedAndCancelledAreTerminal() {
        #expect(TaskState.succeeded.isTerminal)
        #expect(TaskState.failed(reason: "x").isTerminal)
        #expect(TaskState.cancelled.isTerminal)
        #expect(!TaskState.queued.isTerminal)
        #expect(!TaskState.running.isTerminal)
        #expect(!TaskState.unknown(raw: "weird").isTerminal)
    }
}
