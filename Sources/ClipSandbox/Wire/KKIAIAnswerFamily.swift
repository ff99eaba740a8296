/// Which of KKIAI's documented answer shapes the sandbox's KKIAI routes use (providers.md §3.2): the seed
/// shows the Dream Machine web app's generation object, and its response table (and a sibling document) the
/// `{code, message, request_id, data: {task_id, task_status, ...}}` family. Clients must parse both.
public enum KKIAIAnswerFamily: String, Sendable, Codable, CaseIterable, Hashable {
    /// The web app's generation object: `id`, `state` (pending, processing, completed, failed), `video_raw`...
    case generation
    /// Only the envelope: `code` 200, `message`, `request_id`, `data.task_id`, `data.task_status` (submitted,
    /// processing, succeed, failed), `data.task_status_msg`, epoch-second `created_at`/`updated_at`, and the
    /// clip under `data.task_result.videos[0].url` (a place no document names: clients find it by searching).
    case taskStatus = "task-status"
    /// Both families merged in one object, as the sibling document shows.
    case merged
}
