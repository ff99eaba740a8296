/// What a create call asked for, normalised across the four wire formats.
struct GenerationSpec: Sendable, Hashable {
    /// Where a keyframe comes from: an image (http(s) URL, data URI or bare Base64) or an earlier task.
    enum Keyframe: Sendable, Hashable {
        case image(String)
        case generation(id: String)
    }

    var prompt: String
    var model: String
    /// Seconds as asked (5, 9 or 10); the clip has `duration * 24 + 1` frames.
    var durationSeconds: Int
    var aspectRatio: String
    var resolution: String?
    var loop: Bool
    var start: Keyframe?
    var end: Keyframe?
    /// Where to POST state changes, if the caller gave a webhook / callback / notify hook.
    var callbackURL: String?
    /// PiAPI's `webhook_config.secret`, sent back verbatim in `x-webhook-secret`.
    var webhookSecret: String?

    /// Frames per second of every rendered clip, as Ray 2 outputs.
    static let frameRate = 24

    /// Ray 2's frame count for a duration: one frame more than `seconds * 24` (121 for 5 s, 217 for 9 s).
    static func frameCount(seconds: Int) -> Int { seconds * frameRate + 1 }
}

/// A task's state in the sandbox's own words; each wire format maps it to its vocabulary.
public enum SandboxTaskState: String, Sendable, Codable, Hashable {
    case queued, running, succeeded, failed, cancelled

    var isTerminal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}
