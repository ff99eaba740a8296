import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct MediaCommandTests {
    @Test func probePrintsOneObjectForOneFileAndAnArrayForSeveral() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try FixtureFactory.makeGeneratorLikeClip(at: directory.file("a.mp4"))
        let one = try await CLI.running(["probe", "--json", clip])
        #expect(one.status == 0)
        let object = try #require(try one.json() as? [String: Any])
        #expect(object["path"] as? String == clip)
        let video = try #require(object["video"] as? [String: Any])
        #expect(video["frame_count"] as? Int == 121)
        #expect(video["display_aspect_ratio"] as? String == "16:9")
        #expect(object.keys.contains("audio"))
        let many = try await CLI.running(["probe", "--json", clip, clip])
        #expect((try many.json() as? [Any])?.count == 2)
    }

    @Test func probeReadsAsATableByDefault() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try FixtureFactory.makeGeneratorLikeClip(at: directory.file("a.mp4"))
        let result = try await CLI.running(["probe", clip])
        #expect(result.status == 0)
        #expect(result.stdout.contains("121 frames"))
        #expect(result.stdout.contains("320x180"))
    }

    @Test func lastFrameWritesThePictureAndDescribesIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try FixtureFactory.makeGeneratorLikeClip(at: directory.file("a.mp4"))
        let output = directory.file("last.png")
        let result = try await CLI.running(["last-frame", clip, "-o", output, "--json"])
        #expect(result.status == 0)
        let object = try #require(try result.json() as? [String: Any])
        #expect(object["frame_index"] as? Int == 120)
        #expect(object["output"] as? String == output)
        #expect(object["width"] as? Int == 320)
        #expect(FixtureFactory.frameIndex(in: try ImageCodec.read(path: output)) == 120)
    }

    @Test(arguments: ["empty", "html", "noise", "missing", "directory", "cut"])
    func badInputGetsOneLineAndNoOutputFile(kind: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var input = directory.file("input.mp4")
        switch kind {
        case "empty": try Data().write(to: URL(fileURLWithPath: input))
        case "html": try Data("<!doctype html><title>404</title>".utf8).write(to: URL(fileURLWithPath: input))
        case "noise": try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: input))
        case "directory": input = directory.path
        case "cut":
            // moov at the end and the file cut before it: nothing can be read.
            var settings = VideoEncodingSettings(width: 160, height: 90)
            settings.layout = .moovAtEnd
            let whole = try FixtureFactory.makeClip(at: directory.file("whole.mp4"), settings: settings, frames: 48)
            let data = try Data(contentsOf: URL(fileURLWithPath: whole))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: input))
        default: break
        }
        let output = directory.file("out/last.png")
        try FileManager.default.createDirectory(atPath: directory.file("out"), withIntermediateDirectories: true)
        for arguments in [["last-frame", input, "-o", output], ["probe", input], ["thumbs", input, "-o", directory.file("out")]] {
            let result = try await CLI.running(arguments)
            #expect(result.status > 0 && result.status < 128)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.contains(input) == true)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("out")).isEmpty)
        }
    }

    @Test func thumbsAtGivenTimesAreFrameAccurate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try FixtureFactory.makeGeneratorLikeClip(at: directory.file("a.mp4"))
        let result = try await CLI.running(["thumbs", clip, "-o", directory.file("t"), "--at", "1,2.5,5", "--format", "png", "--json"])
        #expect(result.status == 0)
        let thumbs = try #require(try result.json() as? [[String: Any]])
        #expect(thumbs.compactMap { $0["frame_index"] as? Int } == [24, 60, 120])
        let images = try thumbs.map { try ImageCodec.read(path: $0["path"] as! String) }
        #expect(images.map(FixtureFactory.frameIndex) == [24, 60, 120])
    }

    @Test func usageErrorsAreRefusedBeforeAnyWork() async throws {
        let result = try await CLI.running(["thumbs", "x.mp4", "-o", "/tmp/never", "--count", "3", "--every", "1"])
        #expect(result.status != 0 && result.status != 1)
        #expect(result.stderr.contains("--count"))
    }
}
