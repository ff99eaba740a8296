import Foundation

/// PiAPI's wire format (Dialect A of `POST /api/v1/task`, as in the seed create document).
enum PiAPIWire {
    /// `POST /api/v1/task`.
    struct CreateBody: Codable, Equatable {
        var model = "luma"
        var taskType = "video_generation"
        var input: Input
        var config: Config?

        enum CodingKeys: String, CodingKey {
            case model
            case taskType = "task_type"
            case input, config
        }
    }

    struct Input: Codable, Equatable {
        var model: String
        var prompt: String
        var duration: Int
        var aspectRatio: String
        var startImage: String?
        var endImage: String?
        var loop: Bool

        enum CodingKeys: String, CodingKey {
            case model, prompt, duration
            case aspectRatio = "aspect_ratio"
            case startImage = "start_image"
            case endImage = "end_image"
            case loop
        }
    }

    struct Config: Codable, Equatable {
        var webhookConfig: WebhookConfig

        enum CodingKeys: String, CodingKey {
            case webhookConfig = "webhook_config"
        }
    }

    struct WebhookConfig: Codable, Equatable {
        var endpoint: String
        var secret: String
    }

    /// The task object in `data` (create answer, poll answer, webhook body).
    struct TaskData: Decodable {
        var taskID: String
        var status: String?
        var output: JSONValue?
        var error: TaskError?
        /// `{created_at, started_at, ended_at, usage:{type, frozen, consume}, ...}`.
        var meta: JSONValue?

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case status, output, error, meta
        }
    }

    /// `data.error`; `code` 0 and empty messages mean no error.
    struct TaskError: Decodable {
        var code: Int?
        var rawMessage: String?
        var message: String?
        var detail: JSONValue?

        enum CodingKeys: String, CodingKey {
            case code
            case rawMessage = "raw_message"
            case message, detail
        }

        /// The best human-readable reason, or `nil` when the object is the empty placeholder.
        var reason: String? {
            for candidate in [message, rawMessage] {
                if let candidate, !candidate.trimmingCharacters(in: .whitespaces).isEmpty { return candidate }
            }
            if case .string(let s)? = detail, !s.isEmpty { return s }
            if let code, code != 0 { return "error code \(code)" }
            return nil
        }
    }

    /// `POST {upload}/api/ephemeral_resource`.
    struct UploadBody: Encodable {
        var fileName: String
        var fileData: String

        enum CodingKeys: String, CodingKey {
            case fileName = "file_name"
            case fileData = "file_data"
        }
    }
}
