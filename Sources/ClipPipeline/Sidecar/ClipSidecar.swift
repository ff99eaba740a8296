import Foundation

/// The `NAME.clip.json` file `clipkit generate` writes beside `NAME.mp4`: the request that made the
/// clip and the preset it was made under. Only these keys are read; anything else is ignored.
public struct ClipSidecar: Sendable, Codable, Hashable {
    public struct Request: Sendable, Codable, Hashable {
        public var provider: String?
        public var model: String?
        public var prompt: String?
        /// Seconds asked for; read from a number (5) or a string ("5s", "5").
        public var durationSeconds: Double?
        public var aspectRatio: String?
        public var resolution: String?
        public var loop: Bool?

        public init(
            provider: String? = nil, model: String? = nil, prompt: String? = nil, durationSeconds: Double? = nil,
            aspectRatio: String? = nil, resolution: String? = nil, loop: Bool? = nil
        ) {
            self.provider = provider
            self.model = model
            self.prompt = prompt
            self.durationSeconds = durationSeconds
            self.aspectRatio = aspectRatio
            self.resolution = resolution
            self.loop = loop
        }

        enum CodingKeys: String, CodingKey {
            case provider, model, prompt, resolution, loop
            case durationSeconds = "duration_s"
            case aspectRatio = "aspect_ratio"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            provider = try? c.decodeIfPresent(String.self, forKey: .provider)
            model = try? c.decodeIfPresent(String.self, forKey: .model)
            prompt = try? c.decodeIfPresent(String.self, forKey: .prompt)
            if let number = try? c.decodeIfPresent(Double.self, forKey: .durationSeconds) {
                durationSeconds = number
            } else if let text = try? c.decodeIfPresent(String.self, forKey: .durationSeconds) {
                durationSeconds = Double(text.trimmingCharacters(in: CharacterSet(charactersIn: "sS ")))
            }
            aspectRatio = try? c.decodeIfPresent(String.self, forKey: .aspectRatio)
            resolution = try? c.decodeIfPresent(String.self, forKey: .resolution)
            loop = try? c.decodeIfPresent(Bool.self, forKey: .loop)
        }
    }

    public var request: Request?
    /// The preset the clip was generated under, when there was one.
    public var preset: String?

    public init(request: Request? = nil, preset: String? = nil) {
        self.request = request
        self.preset = preset
    }

    /// `dir/NAME.clip.json` for `dir/NAME.mp4`.
    public static func path(for clipPath: String) -> String {
        let url = URL(fileURLWithPath: clipPath)
        return url.deletingPathExtension().appendingPathExtension("clip.json").path
    }

    /// Reads the sidecar beside `clipPath`.
    /// - Returns: nil when there is none.
    /// - Throws: an error naming the sidecar when it exists but is not a JSON object.
    public static func load(for clipPath: String) throws -> ClipSidecar? {
        let path = path(for: clipPath)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(ClipSidecar.self, from: data)
        } catch {
            throw SidecarError(path: path, reason: error is DecodingError ? "not a JSON object" : error.localizedDescription)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        request = try? c.decodeIfPresent(Request.self, forKey: .request)
        preset = try? c.decodeIfPresent(String.self, forKey: .preset)
    }
}

/// A sidecar that exists but cannot be read.
public struct SidecarError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
