import Foundation

/// The pictures made for one clip's gallery card, as files in one directory.
///
/// File names are relative to that directory, so a manifest can move the whole folder.
public struct GalleryAssets: Sendable, Codable, Hashable {
    /// One still picture file.
    public struct Image: Sendable, Codable, Hashable {
        public var file: String
        public var format: ImageFormat
        public var width: Int
        public var height: Int
        public var bytes: Int
    }

    /// The animated preview.
    public struct Preview: Sendable, Codable, Hashable {
        public var file: String
        public var width: Int
        public var height: Int
        public var frames: Int
        public var fps: Int
        public var bytes: Int
    }

    /// Posters, largest first, each width as JPEG then WebP.
    public var posters: [Image]
    /// When the poster frame is shown in the clip, in seconds.
    public var posterSeconds: Double
    /// The sprite sheet picture.
    public var sprite: Image
    /// The WebVTT thumbnail track (cues point into ``sprite`` with `#xywh=`).
    public var spriteTrack: String
    /// The storyboard JSON (``Storyboard``) describing the same sheet, for players that take one.
    public var storyboard: String?
    public var spriteSheet: SpriteSheet
    public var preview: Preview
    /// The ThumbHash of the poster (``ThumbHash``), which also records the display aspect.
    public var thumbHash: [UInt8]
    public var displayWidth: Int
    public var displayHeight: Int
    public var durationSeconds: Double
    /// Things worth telling the user (a damaged tail, a clip that is black throughout).
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case posters, sprite, preview, warnings, storyboard
        case posterSeconds = "poster_s"
        case spriteTrack = "sprite_vtt"
        case spriteSheet = "sprite_sheet"
        case thumbHash = "thumbhash"
        case displayWidth = "display_width"
        case displayHeight = "display_height"
        case durationSeconds = "duration_s"
    }

    public init(
        posters: [Image], posterSeconds: Double, sprite: Image, spriteTrack: String, storyboard: String? = nil,
        spriteSheet: SpriteSheet, preview: Preview, thumbHash: [UInt8], displayWidth: Int, displayHeight: Int,
        durationSeconds: Double, warnings: [String]
    ) {
        self.posters = posters
        self.posterSeconds = posterSeconds
        self.sprite = sprite
        self.spriteTrack = spriteTrack
        self.storyboard = storyboard
        self.spriteSheet = spriteSheet
        self.preview = preview
        self.thumbHash = thumbHash
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.durationSeconds = durationSeconds
        self.warnings = warnings
    }

    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        posters = try container.decode([Image].self, forKey: .posters)
        posterSeconds = try container.decode(Double.self, forKey: .posterSeconds)
        sprite = try container.decode(Image.self, forKey: .sprite)
        spriteTrack = try container.decode(String.self, forKey: .spriteTrack)
        storyboard = try container.decodeIfPresent(String.self, forKey: .storyboard)
        spriteSheet = try container.decode(SpriteSheet.self, forKey: .spriteSheet)
        preview = try container.decode(Preview.self, forKey: .preview)
        let hash = try container.decode(String.self, forKey: .thumbHash)
        guard let bytes = Data(base64Encoded: hash) else {
            throw DecodingError.dataCorruptedError(forKey: .thumbHash, in: container, debugDescription: "not base64")
        }
        thumbHash = [UInt8](bytes)
        displayWidth = try container.decode(Int.self, forKey: .displayWidth)
        displayHeight = try container.decode(Int.self, forKey: .displayHeight)
        durationSeconds = try container.decode(Double.self, forKey: .durationSeconds)
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }

    /// Encodes the ThumbHash as base64, the form the gallery page decodes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(posters, forKey: .posters)
        try container.encode(posterSeconds, forKey: .posterSeconds)
        try container.encode(sprite, forKey: .sprite)
        try container.encode(spriteTrack, forKey: .spriteTrack)
        try container.encodeIfPresent(storyboard, forKey: .storyboard)
        try container.encode(spriteSheet, forKey: .spriteSheet)
        try container.encode(preview, forKey: .preview)
        try container.encode(Data(thumbHash).base64EncodedString(), forKey: .thumbHash)
        try container.encode(displayWidth, forKey: .displayWidth)
        try container.encode(displayHeight, forKey: .displayHeight)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(warnings, forKey: .warnings)
    }

    /// Every file this set consists of, relative to its directory.
    public var files: [String] { posters.map(\.file) + [sprite.file, spriteTrack, preview.file] + (storyboard.map { [$0] } ?? []) }
}
