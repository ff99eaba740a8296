import Foundation

/// Where each thumbnail of a scrubbing sprite sheet sits, and which stretch of the clip it stands for.
///
/// Tile `i` covers `[i, i + 1) * duration / count` and shows the frame displayed in the middle of
/// that stretch. Tiles fill rows left to right, top to bottom, with no gaps.
public struct SpriteSheet: Sendable, Codable, Hashable {
    public struct Tile: Sendable, Codable, Hashable {
        public var x: Int
        public var y: Int
        public var startSeconds: Double
        public var endSeconds: Double

        enum CodingKeys: String, CodingKey {
            case x, y
            case startSeconds = "start_s"
            case endSeconds = "end_s"
        }
    }

    public var columns: Int
    public var rows: Int
    public var tileWidth: Int
    public var tileHeight: Int
    public var tiles: [Tile]

    public var width: Int { columns * tileWidth }
    public var height: Int { rows * tileHeight }

    enum CodingKeys: String, CodingKey {
        case columns, rows, tiles
        case tileWidth = "tile_width"
        case tileHeight = "tile_height"
    }

    /// Lays out `count` tiles of `tileWidth` x `tileHeight` for a clip of `duration` seconds, in a
    /// near-square grid.
    public init(count: Int, duration: Double, tileWidth: Int, tileHeight: Int) {
        let count = max(1, count)
        let columns = Int(Double(count).squareRoot().rounded(.up))
        self.columns = columns
        rows = (count + columns - 1) / columns
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        let span = max(0, duration) / Double(count)
        tiles = (0..<count).map { i in
            Tile(
                x: (i % columns) * tileWidth, y: (i / columns) * tileHeight,
                startSeconds: Double(i) * span, endSeconds: Double(i + 1) * span)
        }
    }

    /// The time each tile shows: the middle of its stretch.
    public var frameTimes: [Double] { tiles.map { ($0.startSeconds + $0.endSeconds) / 2 } }

    /// Pastes tile pictures (each `tileWidth` x `tileHeight`, in tile order) into one sheet; missing
    /// tiles repeat the previous one, and the space after the last tile stays dark grey.
    public func compose(_ pictures: [RGBImage?]) -> RGBImage {
        var sheet = RGBImage(width: width, height: height, red: 24, green: 24, blue: 24)
        var previous: RGBImage?
        sheet.pixels.withUnsafeMutableBufferPointer { destination in
            for (index, tile) in tiles.enumerated() {
                guard let picture = (index < pictures.count ? pictures[index] : nil) ?? previous else { continue }
                previous = picture
                let rows = min(tileHeight, picture.height)
                let bytes = min(tileWidth, picture.width) * 3
                picture.pixels.withUnsafeBufferPointer { source in
                    for row in 0..<rows {
                        let to = ((tile.y + row) * width + tile.x) * 3
                        let from = row * picture.bytesPerRow
                        for i in 0..<bytes { destination[to + i] = source[from + i] }
                    }
                }
            }
        }
        return sheet
    }

    /// The WebVTT thumbnail track players use to scrub: one cue per tile, `image#xywh=x,y,w,h`.
    /// - Parameter imageName: the sheet's URL relative to the VTT file.
    public func webVTT(imageName: String) -> String {
        var text = "WEBVTT\n"
        for tile in tiles {
            text += "\n\(Self.timestamp(tile.startSeconds)) --> \(Self.timestamp(tile.endSeconds))\n"
            text += "\(imageName)#xywh=\(tile.x),\(tile.y),\(tileWidth),\(tileHeight)\n"
        }
        return text
    }

    /// `hh:mm:ss.ttt`, the WebVTT cue time format.
    public static func cueTime(_ seconds: Double) -> String { timestamp(seconds) }

    static func timestamp(_ seconds: Double) -> String {
        let millis = Int((max(0, seconds) * 1000).rounded())
        return String(
            format: "%02d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60, millis / 1000 % 60, millis % 1000)
    }
}
