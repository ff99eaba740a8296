import ClipProviders
import Foundation

/// The task ids that webhook callbacks reported, by the client reference in their URL: a create
/// request whose answer was lost can be tied to its task by the callback the task sends.
public actor CallbackInbox {
    private var taskIDs: [String: String] = [:]

    public init() {}

    /// Records what a callback for `reference` said.
    public func record(reference: String, taskID: String) {
        guard !taskID.isEmpty else { return }
        taskIDs[reference] = taskID
    }

    /// The task id reported for `reference`, waiting up to `timeout` for a callback to arrive.
    public func taskID(for reference: String, waitingUpTo timeout: Duration) async -> String? {
        if let id = taskIDs[reference] { return id }
        guard timeout > .zero else { return nil }
        let deadline = ContinuousClock.now + timeout
        while taskIDs[reference] == nil && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(200))
        }
        return taskIDs[reference]
    }
}

extension CallbackInbox {
    /// Records a verified callback under the client reference its URL carried.
    public func record(_ callback: ClipServer.Callback) {
        record(reference: callback.reference, taskID: callback.event.taskID)
    }
}
