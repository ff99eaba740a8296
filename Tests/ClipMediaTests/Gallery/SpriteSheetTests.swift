import ClipMedia
import Foundation
import Testing

struct SpriteSheetTests {
    @Test func laysTilesOutInANearSquareGrid() {
        let sheet = SpriteSheet(count: 21, duration: 5.25, tileWidth: 160, tileHeight: 90)
        #expect(sheet.columns == 5 && sheet.rows == 5)
        #expect(sheet.width == 800 && sheet.height == 450)
        #expect(sheet.tiles[6].x == 160 && sheet.tiles[6].y == 90)
        #expect(sheet.tiles.last!.endSeconds == 5.25)
        #expect(abs(sheet.frameTimes[0] - 0.125) < 1e-9)
    }

    @Test func webVTTCuesCoverTheClipAndPointIntoTheSheet() throws {
        let sheet = SpriteSheet(count: 10, duration: 5, tileWidth: 120, tileHeight: 68)
        let cues = try VTT.parse(sheet.webVTT(imageName: "sprite.jpg"))
        #expect(cues.count == 10)
        #expect(cues.first!.start == 0 && abs(cues.last!.end - 5) < 0.001)
        for (cue, next) in zip(cues, cues.dropFirst()) { #expect(abs(cue.end - next.start) < 0.001) }
        for (cue, tile) in zip(cues, sheet.tiles) {
            #expect(cue.image == "sprite.jpg")
            #expect(cue.rect == PixelRect(x: tile.x, y: tile.y, width: 120, height: 68))
            #expect(cue.rect.x + cue.rect.width <= sheet.width && cue.rect.y + cue.rect.height <= sheet.height)
        }
    }
}

/// A small WebVTT thumbnail-track reader for tests.
enum VTT {
    struct Cue: Equatable {
        var start: Double
        var end: Double
        var image: String
        var rect: PixelRect
    }

    static func parse(_ text: String) throws -> [Cue] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.first == "WEBVTT")
        var cues: [Cue] = []
        var index = 1
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard line.contains("-->") else { continue }
            let times = line.components(separatedBy: " --> ")
            let target = lines[index]
            index += 1
            let parts = target.components(separatedBy: "#xywh=")
            let numbers = try #require(parts.count == 2 ? parts[1].split(separator: ",").compactMap { Int($0) } : nil)
            try #require(numbers.count == 4)
            cues.append(
                Cue(
                    start: try seconds(times[0]), end: try seconds(times[1]), image: parts[0],
                    rect: PixelRect(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])))
        }
        return cues
    }

    static func seconds(_ stamp: String) throws -> Double {
        let parts = stamp.split(separator: ":").compactMap { Double($0) }
        try #require(parts.count == 3)
        return parts[0] * 3600 + parts[1] * 60 + parts[2]
    }
}
