import Foundation

/// Luma Dream Machine API wire format.
enum LumaWire {
    /// `POST /dream-machine/v1/generations`.
    struct CreateBody: Codable, Equatable {
        var model: String
        var prompt: String?
        var aspectRatio: String
        var duration: String?
        var resolution: String?
        var loop: Bool
        var keyframes: Keyframes?
        var callbackURL: String?

        enum CodingKeys: String, CodingKey {
            case model, prompt
            case aspectRatio = "aspect_ratio"
            case duration, resolution, loop, keyframes
            case callbackURL = "callback_url"
        }
    }

    struct Keyframes: Codable, Equatable {
        var frame0: Keyframe?
        var frame1: Keyframe?
    }

    /// `{type:"image", url}` or `{type:"generation", id}`.
    struct Keyframe: Codable, Equatable {
        var type: String
        var url: String?
        var id: String?

        static func image(_ url: String) -> Keyframe { Keyframe(type: "image", url: url) }
        static func generation(_ id: String) -> Keyframe { Keyframe(type: "generation", id: id) }
    }

    /// The Generation object (poll answer and callback body).
    struct Generation: Decodable {
        var id: String
        var state: String?
        var failureReason: String?
        var assets: Assets?

        enum CodingKeys: String, CodingKey {
            case id, state
            case failureReason = "failure_reason"
            case assets
        }
    }

    struct Assets: Decodable {
        var video: String?
        var image: String?
        var progressVideo: String?
        var thumbnail: String?

        enum CodingKeys: String, CodingKey {
            case video, image
            case progressVideo = "progress_video"
            case thumbnail
        }
    }
}
