import ClipMedia
import ClipPipeline
import ClipSandbox
import ClipTestSupport
import Crypto
import Foundation
import Testing

/// `generate` and `extend` end to end: the built CLI against the sandbox on loopback.
@Suite(.serialized)
struct ChainCommandTests {
    static func pixelDigest(_ path: String) throws -> String {
        let image = try ImageCodec.read(path: path)
        return SHA256.hash(data: Data(image.pixels)).map { String(format: "%02x", $0) }.joined()
    }

    /// A sandbox outside the CLI process, so the CLI can be killed and restarted while tasks go on.
    static func externalSandbox(delay: Double = 0, faults: String? = nil) async throws -> SandboxServer {
        // Full-size clips: QA checks them against what PiAPI really returns (1360x752 for 16:9).
        var configuration = SandboxConfiguration(stepDelay: delay)
        if let faults { configuration.faults = try SandboxFaults(spec: faults) }
        return try await SandboxServer.start(configuration)
    }

    static func providerArguments(_ sandbox: SandboxServer) -> [String] {
        [
            "--provider", "piapi", "--base-url", sandbox.baseURL, "--upload-base-url", sandbox.baseURL,
            "--api-key", SandboxConfiguration.defaultAPIKey,
        ]
    }

    @Test func extendChainsThreeSegmentsThroughTheirExactLastFrames() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.externalSandbox()
        defer { Task { await sandbox.stop() } }
        let output = directory.file("sequence.mp4")
        let result = try await CLI.running(
            ["extend", "--prompt", "a lighthouse", "--prompt", "the sea", "--segments", "3", "-o", output, "--json"]
                + Self.providerArguments(sandbox))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        let segments = try #require(json["segments"] as? [[String: Any]])
        #expect(segments.count == 3)
        // 121 frames per "5 s" segment, one repeated frame dropped at each of the two seams.
        let video = try #require(try MediaProbe.probe(path: output).video)
        #expect(video.frameCount == 3 * 121 - 2)
        #expect(abs((video.durationSeconds ?? 0) - 361.0 / 24) < 0.01)

        let tasks = await sandbox.inspect().tasks
        #expect(tasks.count == 3)
        let work = directory.file(".clipkit")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: work).first { $0.hasPrefix("run-") })
        for k in 1...2 {
            let frame = "\(work)/\(run)/segment-0\(k)-last.png"
            // The frame handed over is the exact last frame of segment k ...
            let segmentFile = "\(work)/\(run)/segment-0\(k)-attempt-1.mp4"
            #expect(try LastFrameExtractor.extract(path: segmentFile).image == ImageCodec.read(path: frame))
            // ... and task k+1 started from exactly those pixels.
            #expect(tasks[k].startImageSHA256 == (try Self.pixelDigest(frame)))
        }
        for seam in (json["seams"] as? [String: Any])?["seams"] as? [[String: Any]] ?? [] {
            #expect((seam["psnr"] as? Double ?? 0) > 35)
        }
        let sidecar = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.file("sequence.clip.json")))) as? [String: Any])
        #expect((sidecar["request"] as? [String: Any])?["provider"] as? String == "piapi")
        #expect(sidecar["seam_frames"] as? [Int] == [121, 241])
        let checks = try #require((sidecar["qa"] as? [String: Any])?["checks"] as? [[String: Any]])
        #expect(checks.first { $0["name"] as? String == "seams" }?["status"] as? String == "pass")
        // The joined chain passes `check` as a whole: its sidecar asks for three segments' duration.
        let checked = try await CLI.running(["check", output])
        #expect(checked.status == 0, "\(checked.stdout)")
    }

    @Test func checkFailsAJoinWhoseSeamJumps() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Two unrelated clips joined as if one continued the other.
        let first = try FixtureFactory.makeClip(
            at: directory.file("a.mp4"), settings: VideoEncodingSettings(width: 320, height: 180), frames: 24)
        let second = try FixtureFactory.makeClip(
            at: directory.file("b.mp4"), settings: VideoEncodingSettings(width: 320, height: 180), frames: 24,
            content: { _ in RGBImage(width: 320, height: 180, red: 250, green: 20, blue: 20) })
        let joined = directory.file("joined.mp4")
        #expect(try await CLI.running(["join", first, second, "-o", joined, "--seam", "keep"]).status == 0)
        try Data(#"{"seam_frames": [24]}"#.utf8).write(to: URL(fileURLWithPath: directory.file("joined.clip.json")))
        let result = try await CLI.running(["check", joined, "--json"])
        let clip = try #require(((try result.json() as? [String: Any])?["clips"] as? [[String: Any]])?.first)
        let seams = try #require((clip["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "seams" })
        #expect(seams["status"] as? String == "fail")
        #expect(result.status == 1)
    }

    @Test func aRunKilledAfterSubmittingResumesWithoutSubmittingAgain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.externalSandbox(delay: 1.5)
        defer { Task { await sandbox.stop() } }
        let output = directory.file("sequence.mp4")
        let arguments = ["extend", "--prompt", "a forest", "--segments", "2", "-o", output] + Self.providerArguments(sandbox)

        // Start, wait until the first task is submitted (and journalled), then kill -9.
        try await CLI.killAfterFirstTask(arguments, sandbox: sandbox, settle: .milliseconds(300))
        #expect(await sandbox.inspect().tasks.count == 1)
        #expect(!FileManager.default.fileExists(atPath: output))

        let journal = try SQLiteJournal(path: directory.file(".clipkit/journal.sqlite"))
        let run = try #require(try await journal.runs().first)
        #expect(try await journal.attempts(runID: run.id).first?.step == .submitted)

        let resumed = try await CLI.running(arguments)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming"))
        let inspection = await sandbox.inspect()
        #expect(inspection.tasks.count == 2)  // exactly one task per segment
        #expect(inspection.createCalls(for: .piapi) == 2)
        #expect(try MediaProbe.probe(path: output).video?.frameCount == 2 * 121 - 1)
    }

    @Test func aFailedTaskIsRetriedAndTheRunStillFinishes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.externalSandbox(faults: "fail-task:1")
        defer { Task { await sandbox.stop() } }
        let output = directory.file("sequence.mp4")
        let result = try await CLI.running(
            ["extend", "--prompt", "a field", "--segments", "2", "-o", output, "--json"] + Self.providerArguments(sandbox))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("retrying"))
        let segments = try #require((try result.json() as? [String: Any])?["segments"] as? [[String: Any]])
        #expect(segments.first?["attempts"] as? Int == 2)
        #expect(await sandbox.inspect().tasks.count == 3)
        #expect(try MediaProbe.probe(path: output).video?.frameCount == 241)
    }

    @Test func generateWritesTheClipAndItsSidecarWithoutTheKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.externalSandbox()
        defer { Task { await sandbox.stop() } }
        let output = directory.file("clip.mp4")
        let result = try await CLI.running(
            ["generate", "--prompt", "a cat", "--aspect", "9:16", "-o", output, "--json"] + Self.providerArguments(sandbox))
        #expect(result.status == 0, "\(result.stderr)")
        let sidecarText = try String(contentsOfFile: directory.file("clip.clip.json"), encoding: .utf8)
        let sidecar = try #require(try JSONSerialization.jsonObject(with: Data(sidecarText.utf8)) as? [String: Any])
        #expect(sidecar["task_id"] as? String == (await sandbox.inspect().tasks.first?.id))
        #expect((sidecar["qa"] as? [String: Any])?["verdict"] as? String != "fail")
        #expect((sidecar["probe"] as? [String: Any]) != nil)
        #expect((sidecar["provider_urls"] as? [String: Any])?["video"] != nil)
        #expect(try MediaProbe.probe(path: output).video?.displayAspectRatio.hasPrefix("47:") == true)  // 752x1360
        for text in [sidecarText, result.stdout, result.stderr] {
            #expect(!text.contains(SandboxConfiguration.defaultAPIKey))
        }
        let journal = try Data(contentsOf: URL(fileURLWithPath: directory.file(".clipkit/journal.sqlite")))
        #expect(journal.range(of: Data(SandboxConfiguration.defaultAPIKey.utf8)) == nil)
    }

    @Test func aFailedTaskWithNoRetriesExitsWithTheProvidersReason() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.externalSandbox(faults: "fail-task:1")
        defer { Task { await sandbox.stop() } }
        let result = try await CLI.running(
            ["generate", "--prompt", "a cat", "-o", directory.file("clip.mp4")] + Self.providerArguments(sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.contains("failed"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("clip.mp4")))
    }

    @Test func theSandboxIsTheDefaultProvider() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await CLI.running(["generate", "--prompt", "a quiet harbour", "--sandbox-delay", "0", "-o", directory.file("clip.mp4")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try MediaProbe.probe(path: directory.file("clip.mp4")).video?.frameCount == 121)
    }

    @Test func anInvalidRequestIsRefusedBeforeAnythingIsSubmitted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.externalSandbox()
        defer { Task { await sandbox.stop() } }
        let result = try await CLI.running(
            ["generate", "--prompt", "a cat", "--duration", "7", "-o", directory.file("clip.mp4")] + Self.providerArguments(sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("duration"))
        #expect(await sandbox.inspect().createCalls(for: .piapi) == 0)
    }

    @Test func webhooksReachClipKitsServerAndPollingStaysTheFallback() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.externalSandbox(delay: 0.5)
        defer { Task { await sandbox.stop() } }
        let port = Int.random(in: 20_000...40_000)
        let result = try await CLI.running(
            ["generate", "--prompt", "a boat", "-o", directory.file("clip.mp4"), "--webhook-url", "http://127.0.0.1:\(port)",
             "--listen-port", "\(port)"] + Self.providerArguments(sandbox),
            environment: ["CLIPKIT_LOG": "info"])
        #expect(result.status == 0, "\(result.stderr)")
        let task = try #require(await sandbox.inspect().tasks.first)
        #expect(task.callbackURL?.hasPrefix("http://127.0.0.1:\(port)/hooks/piapi/") == true)
        // The callback was verified (PiAPI's secret header) and accepted.
        #expect(result.stderr.contains("webhook"))
    }
}
