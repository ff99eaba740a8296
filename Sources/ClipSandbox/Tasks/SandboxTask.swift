import Foundation

/// One task as the sandbox keeps it: the request as received, its progress and its files.
struct SandboxTask: Sendable {
    let provider: SandboxProvider
    let id: String
    /// `video_generation` or `extend_video` (PiAPI's words, used for every provider).
    let taskType: String
    var spec: GenerationSpec
    /// The request's input object as received, echoed back by PiAPI (`data.input`) and Luma (`request`).
    var echo: JSONValue
    /// PiAPI's `config` as received (`service_mode`, `webhook_config`).
    var config: JSONValue
    var state: SandboxTaskState = .queued
    var failureReason: String?
    let createdAt: Date
    var startedAt: Date?
    var endedAt: Date?
    var clip: RenderedClip?
    /// SHA-256 (hex) of the decoded RGB pixels of the start and end images, once fetched.
    var startImageSHA256: String?
    var endImageSHA256: String?

    init(
        provider: SandboxProvider, id: String, taskType: String, spec: GenerationSpec, echo: JSONValue,
        config: JSONValue = .null, createdAt: Date = Date()
    ) {
        self.provider = provider
        self.id = id
        self.taskType = taskType
        self.spec = spec
        self.echo = echo
        self.config = config
        self.createdAt = createdAt
    }
}
