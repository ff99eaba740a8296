import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// Runs the built `clipkit join` and checks what it prints and writes.
struct JoinCommandTests {
    static func clipkit(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await CLI.running(arguments)
        return (result.status, result.stdout, result.stderr)
    }

    static func clip(_ name: String, in directory: TemporaryDirectory, width: Int = 320, height: Int = 180) throws -> String {
        try FixtureFactory.makeClip(
            at: directory.file(name), settings: VideoEncodingSettings(width: width, height: height, frameRate: 24), frames: 24)
    }

    @Test func printsFrameCountDurationAndSeamReportAsJSON() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.clip("a.mp4", in: directory)
        let b = try Self.clip("b.mp4", in: directory)
        let output = directory.file("out.mp4")
        let run = try await Self.clipkit(["join", a, b, "-o", output, "--json", "--report"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["frame_count"] as? Int == 47)
        #expect(abs((object["duration_s"] as? Double ?? 0) - 47.0 / 24) < 1e-6)
        #expect(object["seam"] as? String == "drop")
        #expect(object["seam_frames"] as? [Int] == [24])
        let seams = try #require(object["seams"] as? [[String: Any]])
        #expect(seams.count == 1)
        #expect(seams.first?["psnr_y"] is Double)
        #expect((object["colour"] as? [Any])?.count == 2)
        #expect(try MediaProbe.probe(path: output).video?.frameCount == 47)
    }

    @Test func keepPrintsAReadableSummary() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.clip("a.mp4", in: directory)
        let b = try Self.clip("b.mp4", in: directory)
        let output = directory.file("out.mp4")
        let run = try await Self.clipkit(["join", a, b, "-o", output, "--seam", "keep", "--report"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("48 frames"))
        #expect(run.stdout.contains("2.000 s"))
        #expect(run.stdout.contains("seam 1 at frame 24"))
        #expect(run.stdout.contains("re-encoded 0"))
    }

    @Test func failsWithOneLineNamingTheClipWhenSizesDiffer() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.clip("a.mp4", in: directory)
        let b = try Self.clip("b.mp4", in: directory, width: 256, height: 144)
        let output = directory.file("out.mp4")
        let run = try await Self.clipkit(["join", a, b, "-o", output])
        #expect(run.status == 1)
        let lines = run.stderr.split(whereSeparator: \.isNewline)
        #expect(lines.count == 1)
        #expect(run.stderr.contains(b) && run.stderr.contains("256x144") && run.stderr.contains("--scale"))
        #expect(!FileManager.default.fileExists(atPath: output))

        let scaled = try await Self.clipkit(["join", a, b, "-o", output, "--scale"])
        #expect(scaled.status == 0, "\(scaled.stderr)")
        #expect(try MediaProbe.probe(path: output).video?.width == 320)
    }

    @Test func rejectsAnUnknownSeamMode() async throws {
        let run = try await Self.clipkit(["join", "a.mp4", "-o", "out.mp4", "--seam", "wipe"])
        #expect(run.status != 0 && run.status < 128)
        #expect(run.stderr.contains("seam"))
    }
}
