import ClipMedia
import ClipPipeline
import ClipSandbox
import ClipTestSupport
import Foundation
import Testing

/// `clipkit batch run`: a batch file run in one process against the sandbox (outside the CLI process), on
/// the SQLite journal in the store: one create per segment, reruns that pay nothing twice, every job
/// proven before the first create, costs summed as the provider states them, and plain lines when piped.
@Suite(.serialized)
struct BatchRunTests {
    /// Full-size clips: QA checks each one against its 720p preset, and smaller renders would fail it.
    static func sandbox() async throws -> SandboxServer {
        try await SandboxServer.start(SandboxConfiguration(stepDelay: 0))
    }

    /// The keys come from the environment, as a batch file never carries one.
    static let keys = ["PIAPI_API_KEY", "KKIAI_API_KEY", "LUMA_API_KEY", "PIXWITH_API_KEY"]
        .reduce(into: [String: String]()) { $0[$1] = SandboxConfiguration.defaultAPIKey }

    static func write(_ lines: [[String: Any]], to path: String) throws {
        let text = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        try Data((["# a comment line"] + text).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A generous deadline: several minutes per segment on an idle machine, scaled by the load.
    static func timeout(segments: Int) -> TimeInterval { 300 * Double(max(1, segments)) * HeavyWork.loadFactor }

    static func report(_ result: CLI.Result) throws -> (jobs: [String: [String: Any]], summary: [String: Any]) {
        let document = try #require(try result.json() as? [String: Any], "\(result.stdout.prefix(400)) \(result.stderr)")
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        return (Dictionary(uniqueKeysWithValues: jobs.map { ($0["id"] as? String ?? "", $0) }), try #require(document["summary"] as? [String: Any]))
    }

    @Test func aBatchRunsEachSegmentOnceSumsItsCostAndARerunPaysNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let file = directory.file("jobs.jsonl")
        // Relative outputs and paths are taken from the file's directory; the check reads job a's output,
        // so it runs after a.
        try Self.write([
            ["id": "a", "kind": "extend", "provider": "piapi", "prompts": ["a paper boat", "a paper boat at sea"], "segments": 2,
             "output": "a.mp4", "base_url": sandbox.baseURL, "upload_base_url": sandbox.baseURL],
            ["id": "b", "kind": "extend", "provider": "luma", "prompt": "a red kite", "segments": 2, "duration": 5,
             "resolution": "540p", "base_url": sandbox.baseURL],
            ["id": "q", "kind": "check", "path": "a.mp4"],
        ], to: file)

        let first = try await CLI.running(
            ["batch", "run", file, "--concurrency", "2", "--json"], environment: Self.keys, timeout: Self.timeout(segments: 4))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try JSONSchemaTests.violations(first.stdout, command: "batch-run") == [])
        #expect(try JSONSchemaTests.nonSnakeKeys(first.stdout) == [])
        var inspection = await sandbox.inspect()
        #expect(inspection.createCalls(for: .piapi) == 2)
        #expect(inspection.createCalls(for: .luma) == 2)
        let (jobs, summary) = try Self.report(first)
        #expect(summary["done"] as? Int == 3)
        #expect(summary["failed"] as? Int == 0)
        #expect(summary["needs_attention"] as? Int == 0)
        for id in ["a", "b", "q"] { #expect(jobs[id]?["state"] as? String == "done", "\(id): \(jobs[id] ?? [:])") }
        #expect(jobs["a"]?["output"] as? String == directory.file("a.mp4"))
        #expect(jobs["b"]?["output"] as? String == directory.file("b.mp4"))
        #expect(jobs["q"]?["verdict"] as? String != "fail")
        #expect(FileManager.default.fileExists(atPath: directory.file(".clipkit/journal.sqlite")))
        // One task per segment, each with the cost PiAPI states (meta.usage.consume), summed for the job
        // and for the batch; the Luma sandbox states none.
        let tasks = try #require(jobs["a"]?["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["segment"] as? Int } == [0, 1])
        #expect(Set(tasks.compactMap { $0["task_id"] as? String }) == Set(inspection.tasks.filter { $0.provider == .piapi }.map(\.id)))
        let perTask = tasks.compactMap { ($0["cost"] as? [String: Any])?["amount"] as? Double }
        #expect(perTask.count == 2 && perTask.allSatisfy { $0 > 0 })
        let jobCost = try #require((jobs["a"]?["cost"] as? [[String: Any]])?.first)
        #expect(jobCost["amount"] as? Double == perTask.reduce(0, +))
        #expect(jobCost["unit"] as? String == "point")
        #expect((jobs["b"]?["cost"] as? [Any])?.isEmpty == true)
        let batchCost = try #require((summary["cost"] as? [[String: Any]])?.first)
        #expect(batchCost["amount"] as? Double == perTask.reduce(0, +))
        // Piped, progress is plain lines per job event: no carriage return, no escape sequence.
        #expect(!first.stderr.contains("\r") && !first.stderr.contains("\u{1B}"))
        #expect(first.stderr.contains("clipkit: a: segment 1/2: submitting"), "\(first.stderr)")
        #expect(first.stderr.contains("clipkit: q: done"))

        // The same file again: every job is found done by its output, nothing is created. On a terminal
        // (forced here) the progress is one line rewritten in place.
        var environment = Self.keys
        environment["CLIPKIT_PROGRESS"] = "1"
        let again = try await CLI.running(
            ["batch", "run", file, "--json"], environment: environment, timeout: Self.timeout(segments: 1))
        #expect(again.status == 0, "\(again.stderr)")
        inspection = await sandbox.inspect()
        #expect(inspection.createCalls.values.reduce(0, +) == 4)
        let (rerun, rerunSummary) = try Self.report(again)
        #expect(rerunSummary["done"] as? Int == 3)
        #expect(rerun["a"]?["already_done"] as? Bool == true)
        #expect(rerun["b"]?["already_done"] as? Bool == true)
        #expect(again.stderr.contains("\r\u{1B}[2Kbatch 3/3 done"), "\(again.stderr)")
    }

    @Test func aFailedJobFailsTheBatchAndARerunRunsOnlyWhatIsNotDone() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let file = directory.file("jobs.jsonl")
        try Self.write([
            ["id": "g", "kind": "generate", "provider": "piapi", "prompt": "a lighthouse", "base_url": sandbox.baseURL],
            ["id": "x", "kind": "generate", "provider": "piapi", "prompt": "a windmill", "base_url": sandbox.baseURL],
        ], to: file)
        // One at a time, in file order: g's task fails at the provider (no retries for a generate job).
        await sandbox.inject(try SandboxFaults(spec: "fail-task:1"))
        let first = try await CLI.running(
            ["batch", "run", file, "--concurrency", "1"], environment: Self.keys, timeout: Self.timeout(segments: 2))
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stdout.contains("1 done, 1 failed"), "\(first.stdout)")
        #expect(first.stdout.split(separator: "\n").first?.hasPrefix("failed") == true, "\(first.stdout)")
        #expect(await sandbox.inspect().createCalls(for: .piapi) == 2)

        let again = try await CLI.running(
            ["batch", "run", file, "--json"], environment: Self.keys, timeout: Self.timeout(segments: 1))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(await sandbox.inspect().createCalls(for: .piapi) == 3)
        let (jobs, _) = try Self.report(again)
        #expect(jobs["x"]?["already_done"] as? Bool == true)
        #expect(jobs["g"]?["already_done"] as? Bool == false)
        // g's run is the same run, now with its failed attempt and the new one.
        #expect((jobs["g"]?["tasks"] as? [[String: Any]])?.map { $0["step"] as? String } == ["failed", "checked"])
    }

    @Test(.enabled(if: MotoServer.usable, "moto is not installed: python3 -m pip install 'moto[server]' (scripts/setup.sh)"))
    func framesHandedOverThroughAnS3BucketReachTheProvider() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let bucket = try await moto.newBucket("clipkit-batch")
        let file = directory.file("jobs.jsonl")
        try Self.write([
            ["id": "s", "kind": "extend", "provider": "luma", "prompt": "a harbour", "segments": 2, "resolution": "540p",
             "base_url": sandbox.baseURL],
        ], to: file)
        var environment = Self.keys
        environment["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE"
        environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let result = try await CLI.running(
            ["batch", "run", file, "--json", "--frame-hosting", "s3", "--s3-endpoint", moto.endpoint.absoluteString,
             "--s3-bucket", bucket], environment: environment, timeout: Self.timeout(segments: 2))
        #expect(result.status == 0, "\(result.stderr)")
        let tasks = await sandbox.inspect().tasks
        #expect(tasks.count == 2)
        // Segment 2 started from a presigned GET on the bucket, and the provider read exactly segment 1's
        // last frame through it.
        let start = try #require(tasks.last?.startImage)
        #expect(start.hasPrefix("\(moto.endpoint.absoluteString)/\(bucket)/") && start.contains("X-Amz-Signature="), "\(start)")
        let run = try #require(try Self.report(result).jobs["s"]?["run_id"] as? String)
        #expect(tasks.last?.startImageSHA256 == (try ChainCommandTests.pixelDigest(directory.file(".clipkit/\(run)/segment-01-last.png"))))
    }

    @Test(.enabled(if: MotoServer.usable, "moto is not installed: python3 -m pip install 'moto[server]' (scripts/setup.sh)"))
    func aBucketStoreKeepsTheJournalLocalAndReceivesEachOutput() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Small clips on Ray 1.6, which no preset vouches for: QA passes them with a warning.
        let sandbox = try await SandboxServer.start(SandboxConfiguration(stepDelay: 0, renderScale: 0.125))
        defer { Task { await sandbox.stop() } }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let bucket = try await moto.newBucket("clipkit-batch")
        let file = directory.file("jobs.jsonl")
        try Self.write([
            ["id": "g", "kind": "generate", "provider": "kkiai", "model": "ray-v1", "prompt": "a harbour", "base_url": sandbox.baseURL],
        ], to: file)
        let arguments = ["batch", "run", file, "--json", "--store", "s3://\(bucket)/runs", "--work-dir", directory.file("state")]
        // Without credentials (empty, whatever this machine's environment holds): one line, before anything is paid for.
        let refused = try await CLI.running(
            arguments, environment: Self.keys.merging(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]) { $1 })
        #expect(refused.status == 1 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("AWS_ACCESS_KEY_ID"), "\(refused.stderr)")
        #expect(await sandbox.inspect().createCalls.values.reduce(0, +) == 0)

        var environment = Self.keys
        environment["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE"
        environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        environment["AWS_ENDPOINT_URL"] = moto.endpoint.absoluteString
        let first = try await CLI.running(arguments, environment: environment, timeout: Self.timeout(segments: 1))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try JSONSchemaTests.violations(first.stdout, command: "batch-run") == [])
        #expect(try Self.report(first).jobs["g"]?["output"] as? String == "s3://\(bucket)/runs/g.mp4")
        #expect(FileManager.default.fileExists(atPath: directory.file("state/journal.sqlite")))
        // The object is the clip made here.
        let store = try ArtefactStore.parse(
            "s3://\(bucket)/runs", cache: directory.file("fetched"), endpoint: nil, region: "us-east-1", environment: environment)
        let fetched = try await store.localFile(for: "g.mp4")
        #expect(FileManager.default.contents(atPath: fetched) == FileManager.default.contents(atPath: directory.file("g.mp4")))
        #expect(try MediaProbe.probe(path: fetched).video?.frameCount ?? 0 > 0)
        _ = try await store.localFile(for: "g.clip.json")

        // A rerun pays nothing and names the same object.
        let again = try await CLI.running(arguments, environment: environment, timeout: Self.timeout(segments: 1))
        #expect(again.status == 0, "\(again.stderr)")
        let job = try #require(try Self.report(again).jobs["g"])
        #expect(job["already_done"] as? Bool == true && job["output"] as? String == "s3://\(bucket)/runs/g.mp4")
        #expect(await sandbox.inspect().createCalls(for: .kkiai) == 1)
        for text in [first.stdout, first.stderr, again.stdout] { #expect(!text.contains("wJalrXUtnFEMI")) }
    }

    @Test func oneBadJobRefusesTheWholeBatchBeforeAnyCreate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let file = directory.file("jobs.jsonl")
        let good: [String: Any] = [
            "id": "a", "kind": "extend", "provider": "piapi", "prompt": "a paper boat", "segments": 2, "base_url": sandbox.baseURL,
            "upload_base_url": sandbox.baseURL,
        ]
        var other = good
        other["id"] = "b"
        // Each is refused by a different check: the provider's documented values (PiAPI: 5 or 10 s), an
        // unknown key, a key in the file, a second job writing the same output.
        let bad: [(String, [String: Any])] = [
            ("duration", ["id": "c", "kind": "extend", "provider": "piapi", "prompt": "a kite", "segments": 2, "duration": 7,
                          "base_url": sandbox.baseURL]),
            ("unknown key \"segmnts\"", ["id": "c", "kind": "generate", "provider": "kkiai", "prompt": "a kite", "segmnts": 3]),
            ("API key", ["id": "c", "kind": "generate", "provider": "kkiai", "prompt": "a kite", "api_key": "secret-in-file"]),
            ("also the output of job a", ["id": "c", "kind": "generate", "provider": "kkiai", "prompt": "a kite", "output": "a.mp4"]),
        ]
        for (reason, job) in bad {
            try Self.write([good, other, job], to: file)
            // The comment line is line 1: the bad job is on line 4.
            let result = try await CLI.running(["batch", "run", file], environment: Self.keys)
            #expect(result.status == 1, "\(reason): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(reason): \(result.stderr)")
            #expect(result.stderr.contains("jobs.jsonl:4: job c:") && result.stderr.contains(reason), "\(result.stderr)")
            #expect(!result.stderr.contains("secret-in-file"))
        }
        #expect(await sandbox.inspect().createCalls.values.reduce(0, +) == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.file("a.mp4")))

        // A queue belongs to `batch submit`: one line saying so.
        let queued = try await CLI.running(["batch", "run", file, "--queue", "postgres://localhost/db"])
        #expect(queued.status == 64)
        #expect(queued.stderr.split(separator: "\n").count == 1 && queued.stderr.contains("batch submit"), "\(queued.stderr)")
    }
}
