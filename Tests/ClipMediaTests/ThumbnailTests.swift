import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct ThumbnailTests {
    @Test(arguments: [nil, 24] as [Int?])
    func takesTheFrameDisplayedAtEachRequestedTime(keyframeInterval: Int?) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("clip.mp4", in: directory, frames: 121) { $0.keyframeInterval = keyframeInterval }
        let times = [0, 0.99, 1.0, 2.51, 4.2, 5.04, 7.0]
        let frames = try ThumbnailExtractor.frames(path: path, times: .at(times))
        #expect(frames.count == times.count)
        let expected = times.map { min(120, Int(($0 * 24).rounded(.down))) }
        #expect(frames.map { FixtureFactory.frameIndex(in: $0.image) } == expected)
        #expect(frames.map { $0.frameIndex } == expected)
    }

    @Test func spacesCountThumbnailsEvenly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("clip.mp4", in: directory, frames: 120)
        let frames = try ThumbnailExtractor.frames(path: path, times: .count(10))
        // The middle of each of ten half-second parts: 0.25 s, 0.75 s, ... = frames 6, 18, ...
        #expect(frames.map { FixtureFactory.frameIndex(in: $0.image) } == stride(from: 6, to: 120, by: 12).map { $0 })
    }

    @Test func takesOneEverySoManySeconds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("clip.mp4", in: directory, frames: 121)
        let frames = try ThumbnailExtractor.frames(path: path, times: .every(2))
        #expect(frames.map { FixtureFactory.frameIndex(in: $0.image) } == [0, 48, 96])
    }

    @Test func fastModeGivesKeyframesOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("clip.mp4", in: directory, frames: 96) { $0.keyframeInterval = 24 }
        let frames = try ThumbnailExtractor.frames(path: path, times: .at([0.5, 1.5, 3.9]), fast: true)
        #expect(frames.map { FixtureFactory.frameIndex(in: $0.image) } == [0, 24, 72])
    }

    @Test func writesScaledImagesKeepingTheDisplayAspect() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("anamorphic.mp4", in: directory, frames: 48, width: 360, height: 270) {
            $0.sampleAspectRatio = Ratio(4, 3)
        }
        let output = directory.file("thumbs")
        let written = try ThumbnailExtractor.write(path: path, to: output, times: .count(4), width: 160, format: .jpeg)
        #expect(written.count == 4)
        for thumbnail in written {
            let image = try ImageCodec.read(path: thumbnail.path)
            #expect(image.width == 160 && image.height == 90)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted() == [
            "thumb-0001.jpg", "thumb-0002.jpg", "thumb-0003.jpg", "thumb-0004.jpg",
        ])
    }
}
