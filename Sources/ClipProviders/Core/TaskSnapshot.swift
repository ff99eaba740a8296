import Foundation

/// What a provider reports about one task at one moment.
///
/// `Codable` writes ``raw`` as embedded JSON (not base64), with secrets such as PiAPI's echoed webhook
/// secret already redacted by the client, so a snapshot can go into a sidecar as is.
public struct TaskSnapshot: Codable, Hashable, Sendable {
    /// The provider's task (generation) id.
    public var taskID: String
    /// The normalised state.
    public var state: TaskState
    /// The video to download: the un-watermarked copy when the provider offers one.
    public var videoURL: URL?
    /// The watermarked copy, when the provider returns both.
    public var watermarkedVideoURL: URL?
    /// The provider's thumbnail image, if any.
    public var thumbnailURL: URL?
    /// The provider's last-frame image, if any (PiAPI, KKIAI).
    public var lastFrameURL: URL?
    /// Pixel size, when the provider reports it.
    public var width: Int?
    public var height: Int?
    /// Progress in 0...1, when the provider reports it.
    public var progress: Double?
    /// What the task cost, when the provider states it per task (PiAPI); `nil` when it does not.
    public var cost: TaskCost?
    /// The provider's response body (redacted), for the sidecar and for debugging.
    public var raw: Data

    public init(
        taskID: String,
        state: TaskState,
        videoURL: URL? = nil,
        watermarkedVideoURL: URL? = nil,
        thumbnailURL: URL? = nil,
        lastFrameURL: URL? = nil,
        width: Int? = nil,
        height: Int? = nil,
        progress: Double? = nil,
        cost: TaskCost? = nil,
        raw: Data = Data("{}".utf8)
    ) {
        self.taskID = taskID
        self.state = state
        self.videoURL = videoURL
        self.watermarkedVideoURL = watermarkedVideoURL
        self.thumbnailURL = thumbnailURL
        self.lastFrameURL = lastFrameURL
        self.width = width
        self.height = height
        self.progress = progress
        self.cost = cost
        self.raw = raw
    }

    private enum CodingKeys: String, CodingKey {
        case taskID, state, videoURL, watermarkedVideoURL, thumbnailURL, lastFrameURL, width, height, progress, cost
        case raw
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskID = try c.decode(String.self, forKey: .taskID)
        state = try c.decode(TaskState.self, forKey: .state)
        videoURL = try c.decodeIfPresent(URL.self, forKey: .videoURL)
        watermarkedVideoURL = try c.decodeIfPresent(URL.self, forKey: .watermarkedVideoURL)
        thumbnailURL = try c.decodeIfPresent(URL.self, forKey: .thumbnailURL)
        lastFrameURL = try c.decodeIfPresent(URL.self, forKey: .lastFrameURL)
        width = try c.decodeIfPresent(Int.self, forKey: .width)
        height = try c.decodeIfPresent(Int.self, forKey: .height)
        progress = try c.decodeIfPresent(Double.self, forKey: .progress)
        cost = try c.decodeIfPresent(TaskCost.self, forKey: .cost)
        raw = (try c.decodeIfPresent(JSONValue.self, forKey: .raw))?.encoded() ?? Data("{}".utf8)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(taskID, forKey: .taskID)
        try c.encode(state, forKey: .state)
        try c.encodeIfPresent(videoURL, forKey: .videoURL)
        try c.encodeIfPresent(watermarkedVideoURL, forKey: .watermarkedVideoURL)
        try c.encodeIfPresent(thumbnailURL, forKey: .thumbnailURL)
        try c.encodeIfPresent(lastFrameURL, forKey: .lastFrameURL)
        try c.encodeIfPresent(width, forKey: .width)
        try c.encodeIfPresent(height, forKey: .height)
        try c.encodeIfPresent(progress, forKey: .progress)
        try c.encodeIfPresent(cost, forKey: .cost)
        try c.encode((try? JSONValue.parse(raw)) ?? .null, forKey: .raw)
    }
}

extension TaskSnapshot {
    /// A copy whose provider text (a failure reason, an unknown status) went through `redact`, so a key a
    /// provider echoes never reaches an error, the journal or `jobs list`. ``raw`` is redacted separately.
    func redactingText(_ redact: (String) -> String) -> TaskSnapshot {
        var copy = self
        switch state {
        case .failed(let reason): copy.state = .failed(reason: redact(reason))
        case .unknown(let raw): copy.state = .unknown(raw: redact(raw))
        default: break
        }
        return copy
    }
}
