import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct GalleryAssetRendererTests {
    @Test func spriteSheetAndWebVTTCoordinatesAgree() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try GalleryFixtures.clip("clip.mp4", in: directory)
        let output = directory.file("assets")
        let assets = try GalleryAssetRenderer.render(path: clip, into: output)
        let sheet = assets.spriteSheet
        let sprite = try ImageCodec.read(path: output + "/" + assets.sprite.file)
        #expect(sprite.width == sheet.columns * sheet.tileWidth && sprite.height == sheet.rows * sheet.tileHeight)
        #expect(sheet.tileWidth == 160 && sheet.tileHeight == 90)
        // 5.04 s at one tile per 0.25 s.
        #expect(sheet.tiles.count == 21)

        let cues = try VTT.parse(String(contentsOfFile: output + "/" + assets.spriteTrack, encoding: .utf8))
        #expect(cues.count == sheet.tiles.count)
        #expect(abs(cues.last!.end - assets.durationSeconds) < 0.001)
        for (number, cue) in cues.enumerated() {
            #expect(cue.image == assets.sprite.file)
            #expect(cue.rect.width == sheet.tileWidth && cue.rect.height == sheet.tileHeight)
            #expect(cue.rect.x + cue.rect.width <= sprite.width && cue.rect.y + cue.rect.height <= sprite.height)
            // The tile shows a frame from its cue's stretch, within two frames of its middle (frames
            // nothing refers to are not decoded).
            let tile = try sprite.resized(width: cue.rect.width, height: cue.rect.height, crop: cue.rect)
            let shown = Double(FixtureFactory.frameIndex(in: tile)) / 24
            #expect(shown >= cue.start - 0.01 && shown < cue.end, "tile \(number) shows \(shown) s")
            #expect(abs(shown - (cue.start + cue.end) / 2) <= 2.0 / 24 + 0.001, "tile \(number)")
        }
    }

    @Test func postersComeAsJPEGAndWebPAtTwoWidths() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try GalleryFixtures.clip("wide.mp4", in: directory, width: 640, height: 360)
        let output = directory.file("assets")
        let assets = try GalleryAssetRenderer.render(
            path: clip, into: output, settings: GalleryAssetSettings(posterWidths: [640, 320]))
        #expect(assets.posters.map(\.file) == ["poster-640.jpg", "poster-640.webp", "poster-320.jpg", "poster-320.webp"])
        for poster in assets.posters {
            let data = try Data(contentsOf: URL(fileURLWithPath: output + "/" + poster.file))
            #expect(data.count == poster.bytes)
            let image = try ImageCodec.decode(data)
            #expect(image.width == poster.width && image.height == poster.width * 9 / 16)
        }
        #expect(assets.displayWidth == 640 && assets.displayHeight == 360)
    }

    @Test func posterIsNotBlackWhenTheClipStartsBlack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try GalleryFixtures.clip("fade-in.mp4", in: directory, blackFrames: 30)
        let output = directory.file("assets")
        let assets = try GalleryAssetRenderer.render(path: clip, into: output)
        let poster = try ImageCodec.read(path: output + "/poster-320.jpg")
        #expect(GalleryFixtures.meanLuma(poster) > 60)
        #expect(assets.posterSeconds >= 30.0 / 24)
        #expect(assets.posterSeconds <= 5.05 * 0.4 + 0.05, "the poster comes from the first part")
        #expect(assets.warnings.isEmpty)
    }

    @Test func posterComesFromLaterWhenTheWholeFirstPartIsBlack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try GalleryFixtures.clip("late.mp4", in: directory, blackFrames: 72)
        let output = directory.file("assets")
        let assets = try GalleryAssetRenderer.render(path: clip, into: output)
        let poster = try ImageCodec.read(path: output + "/poster-320.webp")
        #expect(GalleryFixtures.meanLuma(poster) > 60)
        #expect(assets.posterSeconds >= 3)
    }

    @Test func placeholderRecordsTheDisplayAspect() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try GalleryFixtures.clip("portrait.mp4", in: directory, frames: 48, width: 180, height: 320)
        let assets = try GalleryAssetRenderer.render(path: clip, into: directory.file("assets"))
        let placeholder = try ThumbHash.decode(assets.thumbHash)
        #expect(placeholder.height == 32 && placeholder.width < placeholder.height)
        #expect(abs(ThumbHash.approximateAspectRatio(assets.thumbHash) - 9.0 / 16) < 0.1)
        #expect(assets.spriteSheet.tileWidth == 160 && assets.spriteSheet.tileHeight == 284)
    }

    @Test func previewIsALoopingAnimatedWebP() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try GalleryFixtures.clip("clip.mp4", in: directory)
        let output = directory.file("assets")
        let assets = try GalleryAssetRenderer.render(path: clip, into: output)
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/" + assets.preview.file))
        #expect(data.prefix(4) == Data("RIFF".utf8) && data.subdata(in: 8..<12) == Data("WEBP".utf8))
        #expect(data.range(of: Data("ANIM".utf8)) != nil)
        // One ANMF chunk per frame: 5 s at 6 fps, capped at 4 s of playback.
        #expect(assets.preview.frames == 24)
        #expect(chunks("ANMF", in: data) == assets.preview.frames)
        #expect(assets.preview.width == 320 && assets.preview.height == 180)
        // The first ANMF frame's preview decodes as an ordinary WebP picture.
        let first = try ImageCodec.decode(stillWebP(fromFirstFrameOf: data))
        #expect(first.width == 320)
    }

    @Test func badClipFailsWithAClearError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let html = directory.file("error.mp4")
        try Data("<!doctype html><html><body>502 Bad Gateway</body></html>".utf8).write(to: URL(fileURLWithPath: html))
        let error = try #require(throws: MediaError.self) {
            try GalleryAssetRenderer.render(path: html, into: directory.file("assets"))
        }
        #expect(error.description.contains("HTML"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("assets")))
    }

    private func chunks(_ fourCC: String, in data: Data) -> Int {
        // RIFF chunks: 4-byte tag, 4-byte little-endian size, payload padded to even length.
        var count = 0
        func walk(_ range: Range<Int>) {
            var offset = range.lowerBound
            while offset + 8 <= range.upperBound {
                let tag = String(decoding: data[offset..<offset + 4], as: UTF8.self)
                let size = data[offset + 4..<offset + 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
                if tag == fourCC { count += 1 }
                offset += 8 + size + (size & 1)
            }
        }
        walk(12..<data.count)
        return count
    }

    /// The first frame's bitstream (VP8/VP8L chunk inside the first ANMF) wrapped as a still WebP.
    private func stillWebP(fromFirstFrameOf data: Data) throws -> Data {
        let anmf = try #require(data.range(of: Data("ANMF".utf8)))
        // ANMF payload: 16 bytes of frame header, then the frame's own chunks.
        let start = anmf.upperBound + 4 + 16
        var offset = start
        while offset + 8 <= data.count {
            let tag = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let size = data[offset + 4..<offset + 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            if tag == "VP8 " || tag == "VP8L" {
                let chunk = data[offset..<offset + 8 + size + (size & 1)]
                var still = Data("RIFF".utf8)
                let total = UInt32(4 + chunk.count)
                still.append(contentsOf: withUnsafeBytes(of: total.littleEndian, Array.init))
                still.append(Data("WEBP".utf8))
                still.append(chunk)
                return still
            }
            offset += 8 + size + (size & 1)
        }
        throw MediaError(.notAMediaFile, "no VP8 chunk in the first animation frame")
    }
}
