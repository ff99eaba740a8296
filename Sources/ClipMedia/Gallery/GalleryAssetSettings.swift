/// What ``GalleryAssetRenderer`` makes for each clip: poster sizes, the scrubbing sprite and the
/// animated preview. Part of the gallery's cache key: changing any value re-renders every clip.
public struct GalleryAssetSettings: Sendable, Codable, Hashable {
    /// Poster widths in pixels, each written as JPEG and WebP (never wider than the clip).
    public var posterWidths: [Int]
    public var posterQuality: Int
    /// The poster is chosen from this leading fraction of the clip (later frames only if all of it is black).
    public var posterSearchFraction: Double
    /// Candidate frames scored for the poster within that fraction.
    public var posterCandidates: Int
    /// Sprite tile width; the height follows the clip's display aspect.
    public var spriteTileWidth: Int
    /// One tile per this many seconds, between 4 and ``spriteMaxTiles`` tiles.
    public var spriteInterval: Double
    public var spriteMaxTiles: Int
    public var spriteQuality: Int
    /// Animated preview width; the height follows the clip's display aspect.
    public var previewWidth: Int
    /// Preview frames per second of playback.
    public var previewFPS: Int
    /// The preview plays the whole clip, sped up if needed to last at most this long.
    public var previewSeconds: Double
    public var previewQuality: Int

    public init(
        posterWidths: [Int] = [640, 320], posterQuality: Int = 82, posterSearchFraction: Double = 0.4,
        posterCandidates: Int = 10, spriteTileWidth: Int = 160, spriteInterval: Double = 0.25,
        spriteMaxTiles: Int = 60, spriteQuality: Int = 70, previewWidth: Int = 320, previewFPS: Int = 6,
        previewSeconds: Double = 4, previewQuality: Int = 55
    ) {
        self.posterWidths = posterWidths
        self.posterQuality = posterQuality
        self.posterSearchFraction = posterSearchFraction
        self.posterCandidates = posterCandidates
        self.spriteTileWidth = spriteTileWidth
        self.spriteInterval = spriteInterval
        self.spriteMaxTiles = spriteMaxTiles
        self.spriteQuality = spriteQuality
        self.previewWidth = previewWidth
        self.previewFPS = previewFPS
        self.previewSeconds = previewSeconds
        self.previewQuality = previewQuality
    }

    /// Checks the values make sense.
    /// - Throws: ``MediaError`` naming the first bad value.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MediaError(.invalidArgument, message) }
        }
        try require(!posterWidths.isEmpty && posterWidths.allSatisfy { (16...4096).contains($0) }, "poster widths must be 16-4096")
        try require((16...1024).contains(spriteTileWidth), "sprite tile width must be 16-1024")
        try require((16...1920).contains(previewWidth), "preview width must be 16-1920")
        try require((1...30).contains(previewFPS), "preview fps must be 1-30")
        try require(previewSeconds > 0 && previewSeconds <= 60, "preview length must be 0-60 s")
        try require(spriteInterval > 0 && (4...400).contains(spriteMaxTiles), "sprite interval must be positive, max tiles 4-400")
        try require(posterSearchFraction > 0 && posterSearchFraction <= 1, "poster search fraction must be in (0, 1]")
        try require((1...100).contains(posterCandidates), "poster candidates must be 1-100")
        for quality in [posterQuality, spriteQuality, previewQuality] {
            try require((1...100).contains(quality), "qualities must be 1-100")
        }
    }
}
