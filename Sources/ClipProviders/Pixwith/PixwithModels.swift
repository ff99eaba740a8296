import Foundation

/// Pixwith's wire format.
enum PixwithWire {
    /// `POST /api/task/create`.
    struct CreateBody: Codable, Equatable {
        var prompt: String
        var imageURLs: [String]?
        var modelID: String
        var options: Options

        enum CodingKeys: String, CodingKey {
            case prompt
            case imageURLs = "image_urls"
            case modelID = "model_id"
            case options
        }
    }

    struct Options: Codable, Equatable {
        var promptOptimization: Bool
        var aspectRatio: String
        var resolution: String
        var duration: Int
        var loop: Bool

        enum CodingKeys: String, CodingKey {
            case promptOptimization = "prompt_optimization"
            case aspectRatio = "aspect_ratio"
            case resolution, duration, loop
        }
    }

    /// `POST /api/task/get`.
    struct GetBody: Codable, Equatable {
        var taskID: String

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
        }
    }

    /// `{code, message, data}`: code 1 success, 0 failure, 2 authentication failure.
    struct Envelope: Decodable {
        var code: Int?
        var message: String?
        var data: JSONValue?

        enum CodingKeys: String, CodingKey { case code, message, data }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let i = try? c.decodeIfPresent(Int.self, forKey: .code) {
                code = i
            } else if let s = try? c.decodeIfPresent(String.self, forKey: .code) {
                code = Int(s)
            }
            message = try? c.decodeIfPresent(String.self, forKey: .message)
            data = try c.decodeIfPresent(JSONValue.self, forKey: .data)
        }
    }
}
