import ClipMedia
import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

/// A chain's output gets a chain card: chapters, seam pictures, and each segment from the sidecar.
struct GalleryChainTests {
    @Test func chainOutputGetsChaptersSeamPairsAndSegmentsFromItsSidecar() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let parts = try GalleryTestClips.makeFolder(directory.file("parts"))
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        let lengths = [49, 37, 25]
        let joined = try GalleryTestClips.chain("chain.mp4", in: clips, parts: parts, lengths: lengths)
        #expect(joined.segments.map(\.frameCount) == lengths)

        let site = directory.file("site")
        let report = try await GalleryBuilder(inputs: [clips], site: site, qualityCheck: GalleryPresetCheck()).build()
        let entry = try #require(report.manifest.clips.first)
        #expect(entry.qa?.source == .sidecar && entry.qa?.verdict == .pass)
        let chain = try #require(entry.chain)
        #expect(chain.segments.map(\.segment) == [1, 2, 3])
        #expect(chain.segments.map(\.taskID) == ["task-1", "task-2", "task-3"])
        #expect(chain.segments.map(\.provider) == ["kkiai", "kkiai", "kkiai"])
        #expect(chain.segments[0].cost == GalleryChain.Cost(amount: 2_000_000, unit: "point"))
        #expect(chain.segments[1].cost == nil)
        #expect(chain.segments[0].seamPSNR == nil && chain.segments[2].seamPSNR == 45.1)

        // The chapters track: one cue per segment, at the segment's first frame.
        let folder = site + "/" + (try #require(entry.assetDirectory))
        let vtt = try String(contentsOfFile: folder + "/" + (try #require(chain.chapters)), encoding: .utf8)
        #expect(vtt.hasPrefix("WEBVTT\n"))
        #expect(vtt.contains("00:00:00.000 --> 00:00:02.042\nSegment 1: shot 1 <b>"))
        #expect(vtt.contains("00:00:02.042 --> 00:00:03.583\nSegment 2: shot 2"))
        #expect(vtt.contains("00:00:03.583 --> 00:00:04.625\nSegment 3: shot 3"))

        // Each seam: the last frame of the segment before and the first frame of the one after.
        #expect(chain.seams.map(\.frame) == [49, 86])
        #expect(chain.seams.map(\.psnr) == [44.1, 45.1])
        for (seam, lastBefore) in zip(chain.seams, [48, 36]) {
            let before = try ImageCodec.read(path: folder + "/" + (try #require(seam.before)))
            let after = try ImageCodec.read(path: folder + "/" + (try #require(seam.after)))
            #expect(FixtureFactory.frameIndex(in: before) == lastBefore)
            #expect(FixtureFactory.frameIndex(in: after) == 0)
        }
        let page = try String(contentsOfFile: site + "/index.html", encoding: .utf8)
        #expect(page.contains("\"task_id\":\"task-2\""))
        #expect(!page.contains("shot 1 <b>"), "prompts are escaped in the embedded manifest")
    }

    @Test func storyboardTilesAgreeWithTheSpriteAndItsTrack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("a.mp4", in: clips, frames: 97)
        let site = directory.file("site")
        let report = try await GalleryBuilder(inputs: [clips], site: site).build()
        let entry = try #require(report.manifest.clips.first)
        let assets = try #require(entry.assets)
        let folder = site + "/" + (try #require(entry.assetDirectory))
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + (try #require(assets.storyboard))))
        let board = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let sprite = try ImageCodec.read(path: folder + "/" + assets.sprite.file)
        let sheet = assets.spriteSheet

        #expect(board["url"] as? String == assets.sprite.file)
        #expect(board["width"] as? Int == sprite.width && board["height"] as? Int == sprite.height)
        #expect(board["tile_width"] as? Int == sheet.tileWidth && board["tile_height"] as? Int == sheet.tileHeight)
        #expect(board["columns"] as? Int == sheet.columns && board["rows"] as? Int == sheet.rows)
        let tiles = try #require(board["tiles"] as? [[String: Any]])
        #expect(tiles.count == sheet.tiles.count && tiles.count >= 4)
        let interval = try #require(board["interval"] as? Double)
        let vtt = try String(contentsOfFile: folder + "/" + assets.spriteTrack, encoding: .utf8)
        for (i, tile) in tiles.enumerated() {
            let x = try #require(tile["x"] as? Int), y = try #require(tile["y"] as? Int)
            let start = try #require(tile["start"] as? Double), end = try #require(tile["end"] as? Double)
            // Inside the sprite picture, on the grid, and the same cell and time as the WebVTT cue.
            #expect(x + sheet.tileWidth <= sprite.width && y + sheet.tileHeight <= sprite.height)
            #expect(x == (i % sheet.columns) * sheet.tileWidth && y == (i / sheet.columns) * sheet.tileHeight)
            #expect(abs(start - sheet.tiles[i].startSeconds) < 0.001 && abs(end - sheet.tiles[i].endSeconds) < 0.001)
            #expect(abs(end - start - interval) < 0.002)
            #expect(vtt.contains("\(SpriteSheet.cueTime(start)) --> \(SpriteSheet.cueTime(end))\nsprite.jpg#xywh=\(x),\(y),\(sheet.tileWidth),\(sheet.tileHeight)"))
        }
        #expect(abs(try #require(board["duration"] as? Double) - assets.durationSeconds) < 0.002)
    }
}
