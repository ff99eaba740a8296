import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct ProbeTests {
    @Test func reportsAGeneratorClipsGeometryRateAndExactFrameCount() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("ray.mp4", in: directory)
        let info = try MediaProbe.probe(path: path)
        let video = try #require(info.video)
        #expect(info.container == "mp4")
        #expect(info.faststart == true)
        #expect(info.fragmented == false)
        #expect(info.audio == nil)
        #expect(video.codec == "h264")
        #expect(video.width == 320 && video.height == 180)
        #expect(video.displayAspectRatio == "16:9")
        #expect(video.frameRate == "24/1")
        #expect(video.frameCount == 121)
        #expect(abs((video.durationSeconds ?? 0) - 121.0 / 24) < 0.001)
        #expect(video.pixelFormat == "yuv420p")
        #expect(video.bitDepth == 8)
        #expect(video.colorSpace == "bt709")
        #expect(video.colorRange == "tv")
        #expect(video.keyframeCount == 1)
        #expect(video.maxKeyframeInterval == 121)
        #expect(video.hasBFrames)
        if ReferenceTools.available { #expect(try ReferenceTools.packetCount(path) == video.frameCount) }
    }

    @Test func countsKeyframesAndTheLongestInterval() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("gop.mp4", in: directory, frames: 100) { $0.keyframeInterval = 24 }
        let video = try #require(try MediaProbe.probe(path: path).video)
        #expect(video.keyframeCount == 5)
        #expect(video.maxKeyframeInterval == 24)
    }

    @Test(arguments: [(180, 320, "9:16"), (240, 240, "1:1"), (320, 240, "4:3")])
    func reportsPortraitSquareAndClassicShapes(width: Int, height: Int, aspect: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("shape.mp4", in: directory, frames: 12, width: width, height: height)
        let video = try #require(try MediaProbe.probe(path: path).video)
        #expect(video.displayAspectRatio == aspect)
        #expect(video.nearestAspectRatio == aspect)
        #expect(video.displayWidth == width && video.displayHeight == height)
    }

    @Test func resamplesNonSquarePixelsForTheDisplaySize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 1440x1080 stored, 16:9 displayed, scaled down by 4.
        let path = try Fixtures.clip("anamorphic.mp4", in: directory, frames: 12, width: 360, height: 270) {
            $0.sampleAspectRatio = Ratio(4, 3)
        }
        let video = try #require(try MediaProbe.probe(path: path).video)
        #expect(video.width == 360 && video.height == 270)
        #expect(video.sampleAspectRatio == "4:3")
        #expect(video.displayWidth == 480 && video.displayHeight == 270)
        #expect(video.displayAspectRatio == "16:9")
    }

    @Test(arguments: [90, 180, 270])
    func appliesTheDisplayMatrixRotation(degrees: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("rotated.mp4", in: directory, frames: 12) { $0.rotation = degrees }
        let video = try #require(try MediaProbe.probe(path: path).video)
        #expect(video.rotation == degrees)
        let quarter = degrees % 180 == 90
        #expect(video.displayWidth == (quarter ? 180 : 320))
        #expect(video.displayHeight == (quarter ? 320 : 180))
    }

    @Test func tellsMoovAtTheEndFromFastStart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("slow.mp4", in: directory, frames: 24) { $0.layout = .moovAtEnd }
        let info = try MediaProbe.probe(path: path)
        #expect(info.faststart == false)
        #expect(info.video?.frameCount == 24)
    }

    @Test func countsTheFramesOfAFragmentedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("frag.mp4", in: directory, frames: 73) {
            $0.layout = .fragmented
            $0.keyframeInterval = 24
        }
        let info = try MediaProbe.probe(path: path)
        #expect(info.fragmented == true)
        #expect(info.video?.frameCount == 73)
        #expect(info.video?.keyframeCount == 4)
        if ReferenceTools.available { #expect(try ReferenceTools.packetCount(path) == 73) }
    }

    @Test func describesAnAudioTrack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("sound.mp4", in: directory, frames: 48) { $0.audio = true }
        let audio = try #require(try MediaProbe.probe(path: path).audio)
        #expect(audio.codec == "aac")
        #expect(audio.sampleRate == 48_000)
        #expect(audio.channels == 2)
        #expect(abs((audio.durationSeconds ?? 0) - 2) < 0.1)
    }

    @Test func reportsTenBitVideo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("ten.mp4", in: directory, frames: 12) { $0.tenBit = true }
        let video = try #require(try MediaProbe.probe(path: path).video)
        #expect(video.bitDepth == 10)
        #expect(video.pixelFormat == "yuv420p10le")
    }

    @Test func countsVariableFrameRateFramesExactly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 60 frames at irregular times (1 ms ticks): alternately 30 ms and 50 ms apart.
        var settings = Fixtures.settings()
        settings.timeScale = 1000
        settings.bFrames = 0
        let path = try FixtureFactory.makeClip(
            at: directory.file("vfr.mp4"), settings: settings, frames: 60,
            pts: { index in Int64(index / 2 * 80 + (index % 2) * 30) })
        let video = try #require(try MediaProbe.probe(path: path).video)
        #expect(video.frameCount == 60)
        #expect(abs(video.fps - 25) < 1.5)  // 60 frames over about 2.4 s
    }

    @Test(arguments: [("hevc.mp4", VideoEncodingSettings.Codec.hevc, "hevc", "mp4"), ("vp9.webm", .vp9, "vp9", "webm")])
    func probesHEVCAndVP9(name: String, codec: VideoEncodingSettings.Codec, expected: String, container: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip(name, in: directory, frames: 30) { $0.codec = codec }
        let info = try MediaProbe.probe(path: path)
        #expect(info.container == container)
        #expect(info.video?.codec == expected)
        #expect(info.video?.frameCount == 30)
    }
}

struct BadInputTests {
    static let cases: [(name: String, contents: Data?, kind: MediaError.Kind)] = [
        ("empty.mp4", Data(), .emptyFile),
        ("page.mp4", Data("<!DOCTYPE html><html><body>403 Forbidden</body></html>".utf8), .notAMediaFile),
        ("noise.mp4", Data((0..<65_536).map { _ in UInt8.random(in: 0...255) }), .notAMediaFile),
        ("missing.mp4", nil, .fileNotFound),
    ]

    @Test(arguments: cases.indices)
    func refusesWithAReasonNamingTheFile(index: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let testCase = Self.cases[index]
        let path = directory.file(testCase.name)
        if let contents = testCase.contents { try contents.write(to: URL(fileURLWithPath: path)) }
        let error = try #require(throws: MediaError.self) { try MediaProbe.probe(path: path) }
        #expect(error.kind == testCase.kind)
        #expect(error.description.hasPrefix(path))
        #expect(!error.description.contains("\n"))
        #expect(throws: MediaError.self) { try LastFrameExtractor.extract(path: path) }
    }

    @Test func refusesADirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(throws: MediaError.self) { try MediaProbe.probe(path: directory.path) }
        #expect(error.kind == .notAFile)
    }

    @Test func saysAnHTMLPageIsNotAVideo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("clip.mp4")
        try Data("<html><head><title>Error</title></head><body>expired</body></html>".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: MediaError.self) { try MediaProbe.probe(path: path) }
        #expect(error.description.contains("HTML"))
    }
}
