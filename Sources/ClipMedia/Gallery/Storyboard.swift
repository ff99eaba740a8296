import Foundation

/// The storyboard JSON video platforms publish beside a sprite sheet (Mux's `storyboard.json`
/// shape): the sheet's URL and size, the tile size and grid, the interval between tiles and, per
/// tile, where it sits and which stretch of the clip it stands for. Players that take a storyboard
/// instead of a WebVTT thumbnail track scrub from this.
public struct Storyboard: Sendable, Codable, Hashable {
    public struct Tile: Sendable, Codable, Hashable {
        public var start: Double
        public var end: Double
        public var x: Int
        public var y: Int
    }

    /// The sheet's URL, relative to the storyboard file.
    public var url: String
    public var width: Int
    public var height: Int
    public var tileWidth: Int
    public var tileHeight: Int
    public var columns: Int
    public var rows: Int
    /// Seconds between the starts of consecutive tiles.
    public var interval: Double
    public var duration: Double
    public var tiles: [Tile]

    enum CodingKeys: String, CodingKey {
        case url, width, height, columns, rows, interval, duration, tiles
        case tileWidth = "tile_width"
        case tileHeight = "tile_height"
    }

    /// The storyboard of `sheet`, whose picture is at `url`.
    public init(sheet: SpriteSheet, url: String) {
        self.url = url
        width = sheet.width
        height = sheet.height
        tileWidth = sheet.tileWidth
        tileHeight = sheet.tileHeight
        columns = sheet.columns
        rows = sheet.rows
        tiles = sheet.tiles.map { Tile(start: Self.round($0.startSeconds), end: Self.round($0.endSeconds), x: $0.x, y: $0.y) }
        let first = sheet.tiles.first
        interval = first.map { Self.round($0.endSeconds - $0.startSeconds) } ?? 0
        duration = Self.round(sheet.tiles.last?.endSeconds ?? 0)
    }

    /// The JSON text (sorted keys).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
