import ClipMedia
import ClipPipeline
import ClipSandbox
import ClipTestSupport
import Foundation
import Testing

/// `generate` and `extend` against each provider's wire format (the sandbox, outside the CLI process):
/// one create per segment, QA against the expectations of the request that was sent, invalid chains
/// refused before any create, and runs found again by their output.
@Suite(.serialized)
struct MoneySafetyTests {
    static func sandbox() async throws -> SandboxServer {
        try await SandboxServer.start(SandboxConfiguration(stepDelay: 0))
    }

    static func arguments(_ provider: String, _ sandbox: SandboxServer) -> [String] {
        [
            "--provider", provider, "--base-url", sandbox.baseURL, "--upload-base-url", sandbox.baseURL,
            "--api-key", SandboxConfiguration.defaultAPIKey,
        ]
    }

    static func segments(_ result: CLI.Result) throws -> [[String: Any]] {
        try #require((try result.json() as? [String: Any])?["segments"] as? [[String: Any]])
    }

    /// Each segment: one attempt, checked against the preset (or derivation) named for the request that
    /// the sandbox received.
    static func expectOneCleanAttemptPerSegment(
        _ segments: [[String: Any]], tasks: [SandboxTaskRecord], source: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(segments.count == tasks.count, sourceLocation: sourceLocation)
        for (segment, task) in zip(segments, tasks) {
            #expect(segment["attempts"] as? Int == 1, "\(segment["expectation_source"] ?? "")", sourceLocation: sourceLocation)
            #expect(segment["verdict"] as? String != "fail", sourceLocation: sourceLocation)
            #expect((segment["expectation_source"] as? String)?.hasPrefix(source) == true,
                "\(segment["expectation_source"] ?? "none")", sourceLocation: sourceLocation)
            let request = segment["request"] as? [String: Any]
            #expect(request?["resolution"] as? String == task.resolution, sourceLocation: sourceLocation)
            #expect(request?["aspect_ratio"] as? String == task.aspectRatio, sourceLocation: sourceLocation)
            #expect(request?["duration_s"] as? Double == Double(task.durationSeconds), sourceLocation: sourceLocation)
            #expect(segment["wire_body"] != nil, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        ("piapi", "preset piapi-ray2-5s"), ("kkiai", "preset kkiai-ray2-720p-5s"),
        ("pixwith", "preset pixwith-ray2-720p-5s"), ("luma", "preset luma-ray2-720p-5s"),
    ])
    func aChainWithNoOptionalFlagsPaysOncePerSegment(provider: String, source: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let result = try await CLI.running(
            ["extend", "--prompt", "a paper boat", "--segments", "2", "-o", directory.file("long.mp4"), "--json"]
                + Self.arguments(provider, sandbox), timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        let inspection = await sandbox.inspect()
        #expect(inspection.createCalls(for: SandboxProvider(rawValue: provider)!) == 2)
        Self.expectOneCleanAttemptPerSegment(try Self.segments(result), tasks: inspection.tasks, source: source)
        #expect(try JSONSchemaTests.violations(result.stdout, command: "extend") == [])
        #expect(try JSONSchemaTests.nonSnakeKeys(result.stdout) == [])
    }

    @Test(arguments: ["piapi", "kkiai", "pixwith", "luma"])
    func aStartImageAndAPortraitAspectAreSentAndChecked(provider: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let start = directory.file("start.png")
        try ImageCodec.write(RGBImage(width: 720, height: 1280, red: 40, green: 120, blue: 200), to: start, as: .png)
        let result = try await CLI.running(
            ["generate", "--prompt", "a tall tower", "--start-image", start, "--aspect", "9:16", "-o", directory.file("tall.mp4"),
             "--json"] + Self.arguments(provider, sandbox), timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        let tasks = await sandbox.inspect().tasks
        #expect(tasks.count == 1)
        #expect(tasks.first?.aspectRatio == "9:16")
        #expect(tasks.first?.startImage != nil)
        let segments = try Self.segments(result)
        Self.expectOneCleanAttemptPerSegment(segments, tasks: tasks, source: provider == "luma" ? "preset luma" : "preset")
        let video = try #require(try MediaProbe.probe(path: directory.file("tall.mp4")).video)
        #expect(video.displayHeight > video.displayWidth)
    }

    @Test(arguments: [
        ("kkiai", ["--resolution", "1080p", "--enhance-prompt"], "preset kkiai-ray2-1080p-5s"),
        ("luma", ["--resolution", "540p", "--duration", "9", "--loop"], "preset luma-ray2-540p-9s"),
        ("pixwith", ["--resolution", "540p", "--duration", "9", "--enhance-prompt"], "preset pixwith-ray2-540p-9s"),
        ("piapi", ["--duration", "10", "--aspect", "4:3"], "preset piapi-ray2-10s"),
        ("luma", ["--model", "ray-flash-2", "--aspect", "21:9"], "derived from the request"),
    ])
    func eachDocumentedOptionIsSentAndItsClipCheckedAgainstIt(provider: String, options: [String], source: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let result = try await CLI.running(
            ["generate", "--prompt", "a red kite", "-o", directory.file("clip.mp4"), "--json"] + options
                + Self.arguments(provider, sandbox), timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        let inspection = await sandbox.inspect()
        #expect(inspection.createCalls(for: SandboxProvider(rawValue: provider)!) == 1)
        #expect(try JSONSchemaTests.violations(result.stdout, command: "generate") == [])
        Self.expectOneCleanAttemptPerSegment(try Self.segments(result), tasks: inspection.tasks, source: source)
        if options.contains("--loop") { #expect(inspection.tasks.first?.loop == true) }
    }

    @Test(arguments: [
        ("pixwith", ["--mode", "native"]),
        ("luma", ["--loop", "--end-image", "https://example.com/end.png"]),
        ("piapi", ["--duration", "10"]),
        ("kkiai", ["--mode", "native", "--loop"]),
        ("kkiai", ["--aspect", "21:9"]),
    ])
    func anInvalidChainIsRefusedBeforeAnyCreate(provider: String, options: [String]) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let result = try await CLI.running(
            ["extend", "--prompt", "a paper boat", "--segments", "3", "-o", directory.file("long.mp4")] + options
                + Self.arguments(provider, sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(await sandbox.inspect().createCalls.values.reduce(0, +) == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.file("long.mp4")))
    }

    @Test func aLoopbackFrameURLIsRefusedForARemoteProviderBeforePaying() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Luma fetches frames by URL; without --public-url ClipKit's server is loopback only. Nothing listens
        // at the base URL: the refusal must come before any request.
        let result = try await CLI.running(
            ["extend", "--prompt", "a paper boat", "--segments", "2", "-o", directory.file("long.mp4"),
             "--provider", "luma", "--base-url", "https://api.lumalabs.invalid", "--api-key", "k"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--public-url"), "\(result.stderr)")
    }

    @Test func aMissingOutputFolderIsRefusedBeforePaying() async throws {
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let result = try await CLI.running(
            ["generate", "--prompt", "a cat", "-o", "/no/such/folder/clip.mp4"] + Self.arguments("kkiai", sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.contains("no such folder"), "\(result.stderr)")
        #expect(await sandbox.inspect().createCalls.values.reduce(0, +) == 0)
    }

    @Test func aRerunFindsTheRunByItsOutputWhateverTheRetryBudgetSays() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let output = directory.file("long.mp4")
        let base = ["extend", "--prompt", "a paper boat", "--segments", "2", "-o", output] + Self.arguments("kkiai", sandbox)
        let first = try await CLI.running(base + ["--json"], timeout: 600)
        #expect(first.status == 0, "\(first.stderr)")
        let runID = try #require((try first.json() as? [String: Any])?["run_id"] as? String)

        let again = try await CLI.running(base + ["--max-retries", "5", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let json = try #require(try again.json() as? [String: Any])
        #expect(json["run_id"] as? String == runID)
        #expect(json["already_done"] as? Bool == true)
        #expect(await sandbox.inspect().createCalls(for: .kkiai) == 2)

        // Changing what would be paid for on the same output is refused, naming the difference.
        let changed = try await CLI.running(base + ["--segments", "3"])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("--segments 2 (now 3)"), "\(changed.stderr)")
        #expect(await sandbox.inspect().createCalls(for: .kkiai) == 2)
    }

    @Test func jobsResumeWithNoFlagsGoesBackToTheRunsOwnProvider() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await SandboxServer.start(SandboxConfiguration(stepDelay: 1.0))
        defer { Task { await sandbox.stop() } }
        let output = directory.file("long.mp4")
        try await CLI.killAfterFirstTask(
            ["extend", "--prompt", "a forest", "--segments", "2", "-o", output] + Self.arguments("kkiai", sandbox),
            sandbox: sandbox, settle: .milliseconds(300))
        let journal = try SQLiteJournal(path: directory.file(".clipkit/journal.sqlite"))
        let run = try #require(try await journal.runs().first)
        #expect(run.provider == "kkiai")
        #expect(run.baseURL == sandbox.baseURL)
        // No --provider, no --base-url: both come from the journal; only the key from the environment.
        let resumed = try await CLI.running(
            ["jobs", "resume", run.id, "--work-dir", directory.file(".clipkit")],
            environment: ["KKIAI_API_KEY": SandboxConfiguration.defaultAPIKey], timeout: 600)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(await sandbox.inspect().createCalls(for: .kkiai) == 2)
        #expect(try MediaProbe.probe(path: output).video?.frameCount == 2 * 121 - 1)

        let elsewhere = try await CLI.running(["jobs", "resume", run.id, "--work-dir", directory.file(".clipkit"), "--provider", "luma"])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.contains("was paid for on kkiai"), "\(elsewhere.stderr)")
    }
}
