import Foundation

/// KKIAI's wire format: the Dream Machine web app's generation fields, relayed.
enum KKIAIWire {
    /// `POST /luma/generations`.
    ///
    /// The seed example names four fields; every other field ClipKit knows is sent explicitly too, so the
    /// journal records what was asked rather than what a relay might default to. `aspect_ratio` is the web
    /// app's own field (its shapes 16:9, 9:16, 1:1, 4:3, 3:4): without it the relay renders 16:9 from text.
    struct CreateBody: Codable, Equatable {
        var userPrompt: String
        /// `--enhance-prompt`: the web app rewrites the prompt before generating.
        var expandPrompt: Bool
        var loop: Bool
        var imageURL: String?
        var imageEndURL: String?
        var notifyHook: String?
        var resolution: String
        var duration: String
        var modelName: String
        var aspectRatio: String

        enum CodingKeys: String, CodingKey {
            case userPrompt = "user_prompt"
            case expandPrompt = "expand_prompt"
            case loop
            case imageURL = "image_url"
            case imageEndURL = "image_end_url"
            case notifyHook = "notify_hook"
            case resolution, duration
            case modelName = "model_name"
            case aspectRatio = "aspect_ratio"
        }
    }

    /// `POST /luma/generations/{id}/extend`. No aspect ratio, duration or resolution: the extension follows
    /// the generation it continues.
    struct ExtendBody: Codable, Equatable {
        var userPrompt: String
        var expandPrompt: Bool
        var imageURL: String?
        var imageEndURL: String?
        var notifyHook: String?

        enum CodingKeys: String, CodingKey {
            case userPrompt = "user_prompt"
            case expandPrompt = "expand_prompt"
            case imageURL = "image_url"
            case imageEndURL = "image_end_url"
            case notifyHook = "notify_hook"
        }
    }

    /// KKIAI answers in two families (and a relay row shape on sibling sites); this reads any of them.
    ///
    /// - Luma-like: `{id, state, video:{url, download_url}, video_raw:{url}, artifact:{...}, thumbnail, last_frame}`
    /// - Envelope: `{code, message, request_id, data:{task_id, task_status, task_status_msg, ...}}`, with
    ///   `task_status` `submitted`/`processing`/`succeed`/`failed` and the failure text in `task_status_msg`
    /// - Relay row: `{task_id, status:"IN_PROGRESS", fail_reason, data:{...generation...}}`
    struct Answer {
        let json: JSONValue

        var taskID: String? {
            for path in ["id", "data.task_id", "task_id", "data.id", "data.data.id"] {
                if let s = json.string(at: path), !s.isEmpty { return s }
            }
            return nil
        }

        var status: String? {
            for path in ["state", "data.task_status", "data.state", "status", "data.status", "task_status"] {
                if let s = json.string(at: path), !s.isEmpty { return s }
            }
            return nil
        }

        var failureReason: String? {
            for path in [
                "failure_reason", "fail_reason", "data.failure_reason", "data.fail_reason", "data.data.failure_reason",
                "data.task_status_msg", "task_status_msg",
            ] {
                if let s = json.string(at: path), !s.isEmpty { return s }
            }
            return nil
        }

        /// The object holding `video`/`video_raw`: the root, `data`, or the relay's `data.data`.
        var generation: JSONValue {
            for candidate in [json, json["data"], json["data"]?["data"]] {
                guard let candidate else { continue }
                if candidate["video"] != nil || candidate["video_raw"] != nil || candidate["artifact"] != nil {
                    return candidate
                }
            }
            return json
        }

        /// The envelope's `message` (or `msg`), if any.
        var message: String? {
            json.string(at: "message") ?? json.string(at: "msg")
        }

        /// The envelope's error, when it carries no task and a code that is not a success code
        /// (`{code: 401, message}`). A success code without a task is not an error but an unreadable answer.
        var envelopeError: (code: String, message: String)? {
            guard taskID == nil, let code = json.string(at: "code"), !Self.successCodes.contains(code.lowercased())
            else { return nil }
            return (code, message ?? "")
        }

        /// Codes that mean success in the envelope families seen on KKIAI and its siblings.
        static let successCodes: Set<String> = ["0", "200", "success", "ok"]
    }
}
