import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct LastFrameTests {
    /// Clip layouts that change where the last frame in display order sits in the file.
    static let layouts: [(name: String, frames: Int, configure: @Sendable (inout VideoEncodingSettings) -> Void)] = [
        ("bframes-one-gop.mp4", 121, { _ in }),
        ("no-bframes.mp4", 121, { $0.bFrames = 0 }),
        ("many-gops.mp4", 100, { $0.keyframeInterval = 24 }),
        ("moov-at-end.mp4", 121, { $0.layout = .moovAtEnd }),
        ("fragmented.mp4", 97, { $0.layout = .fragmented; $0.keyframeInterval = 24 }),
        ("with-audio.mp4", 121, { $0.audio = true }),
        ("ten-bit.mp4", 49, { $0.tenBit = true }),
        ("hevc.mp4", 61, { $0.codec = .hevc }),
        ("vp9.webm", 61, { $0.codec = .vp9 }),
        ("nine-seconds.mp4", 217, { _ in }),
    ]

    @Test(arguments: layouts.indices)
    func returnsTheLastFrameInDisplayOrder(index: Int) throws {
        let layout = Self.layouts[index]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip(layout.name, in: directory, frames: layout.frames, layout.configure)
        let frame = try LastFrameExtractor.extract(path: path)
        #expect(FixtureFactory.frameIndex(in: frame.image) == layout.frames - 1)
        #expect(frame.frameIndex == layout.frames - 1)
        #expect(frame.image.width == 320 && frame.image.height == 180)
        #expect(abs(frame.ptsSeconds - Double(layout.frames - 1) / 24) < 0.002)
    }

    @Test func matchesTheFrameAFullFFmpegDecodeEndsOn() throws {
        try #require(ReferenceTools.available)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("hd.mp4", in: directory, frames: 121, width: 1280, height: 720)
        let ours = try LastFrameExtractor.extract(path: path)
        try ReferenceTools.lastFrame(path, to: directory.file("reference.png"))
        let reference = try ImageCodec.read(path: directory.file("reference.png"))
        #expect(ours.image.width == reference.width && ours.image.height == reference.height)
        #expect(ours.image.psnr(to: reference) > 50)
    }

    @Test(arguments: [90, 180, 270])
    func turnsTheFrameAsTheDisplayMatrixSays(degrees: Int) throws {
        try #require(ReferenceTools.available)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("rotated.mp4", in: directory, frames: 24) { $0.rotation = degrees }
        let frame = try LastFrameExtractor.extract(path: path)
        #expect(frame.image.width == (degrees == 180 ? 320 : 180))
        // The ffmpeg CLI autorotates: its picture is the reference for which way is up.
        try ReferenceTools.lastFrame(path, to: directory.file("reference.png"))
        let reference = try ImageCodec.read(path: directory.file("reference.png"))
        #expect(frame.image.psnr(to: reference) > 40)
        #expect(FixtureFactory.frameIndex(in: frame.image.rotated(clockwise: 360 - degrees)) == 23)
    }

    @Test func resamplesNonSquarePixelsToSquare() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("anamorphic.mp4", in: directory, frames: 24, width: 360, height: 270) {
            $0.sampleAspectRatio = Ratio(4, 3)
        }
        let frame = try LastFrameExtractor.extract(path: path)
        #expect(frame.image.width == 480 && frame.image.height == 270)
    }

    @Test func scalesToARequestedWidthKeepingTheDisplayAspect() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("clip.mp4", in: directory, frames: 24)
        let frame = try LastFrameExtractor.extract(path: path, width: 160)
        #expect(frame.image.width == 160 && frame.image.height == 90)
    }

    /// The frame goes back to a generator; a colour shift would compound over a chain.
    @Test(arguments: [false, true])
    func keepsColoursThroughARoundTrip(tenBit: Bool) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try FixtureFactory.gradient(width: 640, height: 360).resized(width: 640, height: 360)
        var settings = VideoEncodingSettings(width: 640, height: 360)
        settings.crf = 12
        settings.tenBit = tenBit
        let path = try FixtureFactory.makeClip(
            at: directory.file("roundtrip.mp4"), settings: settings, frames: 12, content: { _ in original })
        let frame = try LastFrameExtractor.extract(path: path)
        #expect(frame.image.psnr(to: original) > 42)
        let (r0, g0, b0) = original.meanColor
        let (r1, g1, b1) = frame.image.meanColor
        #expect(abs(r1 - r0) < 0.5 && abs(g1 - g0) < 0.5 && abs(b1 - b0) < 0.5)
    }

    @Test func givesTheLastDecodableFrameOfACutFileWithAWarning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("whole.mp4", in: directory, frames: 121) { $0.keyframeInterval = 24 }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = directory.file("cut.mp4")
        try data.prefix(data.count * 6 / 10).write(to: URL(fileURLWithPath: cut))
        let frame = try LastFrameExtractor.extract(path: cut)
        let index = FixtureFactory.frameIndex(in: frame.image)
        #expect(index > 30 && index < 100)
        #expect(frame.warnings.contains { $0.contains("cut short") })
    }
}
