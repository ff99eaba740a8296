import Foundation

/// A provider task's state, normalised across providers.
public enum TaskState: Codable, Hashable, Sendable {
    /// Accepted and waiting (PiAPI `pending`/`staged`, Luma `queued`, KKIAI `pending`).
    case queued
    /// Being generated (PiAPI `processing`, Luma `dreaming`, Pixwith 1).
    case running
    /// Finished; the video can be downloaded.
    case succeeded
    /// Finished without a video; `reason` is the provider's explanation (moderation, bad input image ...).
    case failed(reason: String)
    /// Cancelled before it finished.
    case cancelled
    /// A status this client does not know; treated as not finished.
    case unknown(raw: String)

    /// Whether the task will not change any more.
    public var isTerminal: Bool {
        switch self {
        case .succeeded, .failed, .cancelled: true
        case .queued, .running, .unknown: false
        }
    }

    /// A short name, `queued`, `running`, `succeeded`, `failed`, `cancelled` or `unknown`.
    public var name: String {
        switch self {
        case .queued: "queued"
        case .running: "running"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .cancelled: "cancelled"
        case .unknown: "unknown"
        }
    }
}

extension TaskState {
    /// Maps a PiAPI status (`Pending`, `Staged`, `Processing`, `Completed`, `Failed`, `Cancelled`),
    /// case-insensitively.
    public static func piapi(_ status: String, failureReason: String? = nil) -> TaskState {
        switch normalized(status) {
        case "pending", "staged": .queued
        case "processing", "running": .running
        case "completed", "success", "succeeded": .succeeded
        case "failed", "failure", "error": .failed(reason: failureReason ?? "")
        case "cancelled", "canceled": .cancelled
        default: .unknown(raw: status)
        }
    }

    /// Maps a KKIAI status: the web-app states (`pending`, `processing`, `completed`, `failed`), the
    /// `code`/`data` envelope's `data.task_status` (`submitted`, `processing`, `succeed`, `failed`) and the
    /// relay states (`NOT_START`, `SUBMITTED`, `QUEUED`, `IN_PROGRESS`, `SUCCESS`, `FAILURE`), case-insensitively.
    public static func kkiai(_ status: String, failureReason: String? = nil) -> TaskState {
        switch normalized(status) {
        case "pending", "queued", "not_start", "submitted", "waiting": .queued
        case "processing", "dreaming", "in_progress", "running": .running
        case "completed", "success", "succeeded", "succeed": .succeeded
        case "failed", "failure", "error": .failed(reason: failureReason ?? "")
        case "cancelled", "canceled": .cancelled
        default: .unknown(raw: status)
        }
    }

    /// Maps a Pixwith integer status: 1 processing, 2 completed, 3 failed.
    public static func pixwith(_ status: Int, failureReason: String? = nil) -> TaskState {
        switch status {
        case 1: .running
        case 2: .succeeded
        case 3: .failed(reason: failureReason ?? "")
        default: .unknown(raw: String(status))
        }
    }

    /// Maps a Luma state (`queued`, `dreaming`, `completed`, `failed`), case-insensitively.
    public static func luma(_ state: String, failureReason: String? = nil) -> TaskState {
        switch normalized(state) {
        case "queued", "pending": .queued
        case "dreaming", "processing": .running
        case "completed": .succeeded
        case "failed": .failed(reason: failureReason ?? "")
        default: .unknown(raw: state)
        }
    }

    private static func normalized(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
