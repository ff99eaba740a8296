/// What tests see of one task through ``SandboxServer/inspect()`` or `GET /_sandbox/tasks`.
public struct SandboxTaskRecord: Sendable, Codable, Hashable {
    public var provider: SandboxProvider
    public var id: String
    /// `video_generation` or `extend_video`.
    public var taskType: String
    public var prompt: String
    public var model: String
    public var durationSeconds: Int
    public var aspectRatio: String
    public var resolution: String?
    public var loop: Bool
    /// The start keyframe as given: a URL, `data:` (shortened), or `generation:<id>`.
    public var startImage: String?
    public var endImage: String?
    public var callbackURL: String?
    public var state: SandboxTaskState
    public var failureReason: String?
    /// SHA-256 (lowercase hex) of the start image's decoded RGB24 pixels, so a test can prove that
    /// task k+1 started from clip k's last frame.
    public var startImageSHA256: String?
    public var endImageSHA256: String?
    /// Rendered width, height and frame count, once succeeded.
    public var width: Int?
    public var height: Int?
    public var frameCount: Int?
}

/// Everything the sandbox has seen: every task and the number of create calls per provider.
public struct SandboxInspection: Sendable, Codable, Hashable {
    public var tasks: [SandboxTaskRecord]
    /// Create (and extend) calls received per provider, counting refused ones (401, 400, 429).
    public var createCalls: [String: Int]
    /// Webhook callbacks the caller answered with a 2xx, per task id.
    public var webhooksDelivered: [String: Int]? = nil

    public func createCalls(for provider: SandboxProvider) -> Int { createCalls[provider.rawValue] ?? 0 }
    public func webhooksDelivered(for taskID: String) -> Int { webhooksDelivered?[taskID] ?? 0 }
}

extension SandboxTaskRecord {
    init(_ task: SandboxTask) {
        func describe(_ keyframe: GenerationSpec.Keyframe?) -> String? {
            switch keyframe {
            case nil: return nil
            case .generation(let id): return "generation:\(id)"
            case .image(let source):
                return source.hasPrefix("http") ? source : "data:(\(source.utf8.count) characters)"
            }
        }
        self.init(
            provider: task.provider, id: task.id, taskType: task.taskType, prompt: task.spec.prompt,
            model: task.spec.model, durationSeconds: task.spec.durationSeconds, aspectRatio: task.spec.aspectRatio,
            resolution: task.spec.resolution, loop: task.spec.loop, startImage: describe(task.spec.start),
            endImage: describe(task.spec.end), callbackURL: task.spec.callbackURL, state: task.state,
            failureReason: task.failureReason, startImageSHA256: task.startImageSHA256,
            endImageSHA256: task.endImageSHA256, width: task.clip?.width, height: task.clip?.height,
            frameCount: task.clip?.frameCount
        )
    }
}
