import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct ClipWriterTests {
    @Test func writesAnH264ClipWhosePicturesReadBackByIndex() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("pattern.mp4")
        try FixtureFactory.makeClip(at: path, settings: VideoEncodingSettings(width: 320, height: 180), frames: 30)
        #expect(FileManager.default.fileExists(atPath: path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".part") }
        #expect(leftovers.isEmpty)
    }

    @Test func leavesNoFileWhenDroppedBeforeFinishing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let writer = try ClipWriter(path: directory.file("never.mp4"), settings: VideoEncodingSettings(width: 64, height: 64))
            try writer.append(RGBImage(width: 64, height: 64, red: 10, green: 20, blue: 30))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func rejectsAPictureOfTheWrongSize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try ClipWriter(path: directory.file("x.mp4"), settings: VideoEncodingSettings(width: 64, height: 64))
        #expect(throws: MediaError.self) { try writer.append(RGBImage(width: 32, height: 32, red: 0, green: 0, blue: 0)) }
    }
}

struct ImageCodecTests {
    @Test(arguments: [ImageFormat.png, .jpeg, .webp])
    func roundTripsAPicture(format: ImageFormat) throws {
        let image = FixtureFactory.pattern(index: 613, width: 160, height: 96)
        let data = try ImageCodec.encode(image, as: format, quality: 95)
        let decoded = try ImageCodec.decode(data)
        #expect(decoded.width == 160 && decoded.height == 96)
        if format == .png {
            #expect(decoded == image)
        } else {
            #expect(decoded.psnr(to: image) > 30)
        }
        #expect(FixtureFactory.frameIndex(in: decoded) == 613)
    }

    @Test func refusesBytesThatAreNoImage() {
        #expect(throws: MediaError.self) { try ImageCodec.decode(Data("<html>nope</html>".utf8)) }
    }
}
