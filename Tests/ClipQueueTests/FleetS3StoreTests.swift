import ClipMedia
import ClipPipeline
import ClipQueue
import ClipSandbox
import ClipTestSupport
import Crypto
import Foundation
import Logging
import PostgresNIO
import Testing

/// The fleet on a bucket (`--store s3://bucket/prefix`): real `clipkit worker` processes, each with its own
/// working folder, against real PostgreSQL, moto (an S3-compatible server) and the sandbox in this process.
@Suite(
    .enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason),
    .enabled(if: MotoServer.usable, "moto is not installed: python3 -m pip install 'moto[server]' (scripts/setup.sh)"),
    .serialized)
struct FleetS3StoreTests {
    static let lease = 3.0
    /// Generous: a busy machine may take a few seconds to start a process and connect.
    static let startup = 60.0
    static let credentials = [
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ]
    static let environment = credentials.merging([
        "KKIAI_API_KEY": SandboxConfiguration.defaultAPIKey, "LUMA_API_KEY": SandboxConfiguration.defaultAPIKey,
        "PIXWITH_API_KEY": SandboxConfiguration.defaultAPIKey,
    ]) { $1 }


    static func settled(_ queue: PostgresJobQueue) async throws -> Bool {
        try await queue.status().jobs.allSatisfy { $0.state == .done || $0.state == .failed || $0.state == .needsAttention }
    }

    @Test func chainsRunOnABucketStoreAcrossWorkersAndLumaAndPixwithReadTheirFramesThroughPresignedLinks() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-s3")
        defer { directory.remove() }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let name = try await moto.newBucket("clipkit-fleet")
        let store = "s3://\(name)/fleet"
        let sandbox = try await FleetChainTests.sandbox()
        let fullSize = try await FleetChainTests.sandbox(renderScale: 1)
        defer { Task { await fullSize.stop() } }
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                // Luma and Pixwith read images by URL only: their frames are hosted by the bucket. KKIAI takes them
                // inline. (Pixwith has Ray 2 only, whose QA expects the sizes Pixwith delivers: its own sandbox
                // renders them at full size, at 540p; its job is submitted once worker b runs, and b makes it all.)
                let pixwith = #"{"id": "p", "kind": "extend", "provider": "pixwith", "prompts": ["a paper boat", "a paper boat on a pond"], "segments": 2, "duration": 5, "aspect": "16:9", "resolution": "540p", "output": "p.mp4", "base_url": "\#(fullSize.baseURL)"}"#
                let lines = [
                    #"{"id": "l", "kind": "extend", "provider": "luma", "prompts": ["a red kite", "a red kite over the sea"], "model": "ray-1-6", "segments": 2, "duration": 5, "aspect": "16:9", "output": "l.mp4", "base_url": "\#(sandbox.baseURL)"}"#,
                    #"{"id": "k", "kind": "extend", "provider": "kkiai", "model": "ray-v1", "prompts": ["a lighthouse at dusk", "the sea at night"], "segments": 3, "duration": 5, "aspect": "16:9", "output": "out/k.mp4", "base_url": "\#(sandbox.baseURL)"}"#,
                ]
                let file = directory.file("jobs.jsonl")
                try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
                let submitted = try await runClipKit(["batch", "submit", file, "--queue", WorkerProcess.address(url)], in: directory.path)
                #expect(submitted.status == 0, "\(submitted.stderr)")

                // Worker a runs alone until every job's first clip is downloaded (into the bucket), then drains.
                // Worker b, with an empty folder of its own, does the rest: its hand-overs and joins must fetch
                // the clips a made from the bucket. One finds the endpoint in --s3-endpoint, the other in
                // AWS_ENDPOINT_URL.
                let a = try WorkerProcess(
                    name: "a", url: url, store: store, concurrency: 2, lease: Self.lease,
                    extra: ["--work-dir", directory.file("a"), "--s3-endpoint", moto.endpoint.absoluteString],
                    environment: Self.environment, logDirectory: directory.path)
                let firstClips = try await eventually(timeout: Self.startup + 60) {
                    let jobs = try await queue.status().jobs
                    return jobs.count == 2 && jobs.allSatisfy { job in
                        job.tasks.contains { $0.segment == 0 && $0.kind == "download" && $0.state == .done }
                    } || !a.process.isRunning
                }
                #expect(firstClips, "\(a.log)")
                a.signal(SIGTERM)
                #expect(await a.waitForExit(timeout: Self.lease * 10) == 0, "\(a.log)")
                var bEnvironment = Self.environment
                bEnvironment["AWS_ENDPOINT_URL"] = moto.endpoint.absoluteString
                let b = try WorkerProcess(
                    name: "b", url: url, store: store, concurrency: 2, lease: Self.lease,
                    extra: ["--work-dir", directory.file("b")], environment: bEnvironment, logDirectory: directory.path)
                try pixwith.write(toFile: directory.file("pixwith.jsonl"), atomically: true, encoding: .utf8)
                let added = try await runClipKit(
                    ["batch", "submit", directory.file("pixwith.jsonl"), "--queue", WorkerProcess.address(url)], in: directory.path)
                #expect(added.status == 0, "\(added.stderr)")
                let settled = try await eventually(timeout: Self.startup + 120) { try await Self.settled(queue) }
                #expect(settled, "a: \(a.log)\nb: \(b.log)")
                b.signal(SIGTERM)
                #expect(await b.waitForExit(timeout: Self.lease * 10) == 0, "\(b.log)")

                let status = try await queue.status()
                #expect(status.summary.done == 3, "\(status.jobs.compactMap(\.error))")
                // Exactly one create per segment.
                #expect(await sandbox.creates(of: .luma).count == 2)
                #expect(await sandbox.creates(of: .kkiai).count == 3)
                #expect(await fullSize.creates(of: .pixwith).count == 2)
                let bucket = try S3Bucket.configured(
                    name: name, endpoint: moto.endpoint.absoluteString, region: "us-east-1", environment: Self.credentials)
                for (id, output, segments) in [("l", "l", 2), ("k", "out/k", 3), ("p", "p", 2)] {
                    let job = try #require(status.jobs.first { $0.id == id })
                    #expect(job.state == .done, "\(job.error ?? "")")
                    #expect(job.output == "\(store)/\(output).mp4")
                    // The first clip was downloaded by a (but p's, all b's), the join made by b, which fetched that
                    // clip from the bucket.
                    #expect(job.tasks.first { $0.segment == 0 && $0.kind == "download" }?.completedBy == (id == "p" ? "b" : "a"))
                    #expect(job.tasks.first { $0.segment == segments - 1 && $0.kind == "handover" }?.completedBy == "b")
                    #expect(FileManager.default.fileExists(atPath: directory.file("b/jobs/\(id)/segment-01-take-1.mp4")))
                    // The output is in the bucket, with every segment's frames but the repeated one at each seam.
                    let joined = directory.file("fetched-\(id).mp4")
                    try await bucket.get(key: "fleet/\(output).mp4", to: joined)
                    let clip = directory.file("fetched-\(id)-segment.mp4")
                    try await bucket.get(key: "fleet/jobs/\(id)/segment-0\(segments)-take-1.mp4", to: clip)
                    let segmentFrames = try #require(try MediaProbe.probe(path: clip).video?.frameCount)
                    #expect(try MediaProbe.probe(path: joined).video?.frameCount == segments * segmentFrames - (segments - 1))
                    // Its sidecar is there too.
                    try await bucket.get(key: "fleet/\(output).clip.json", to: directory.file("fetched-\(id).clip.json"))
                }
                // Each second segment started from the first one's last frame, fetched by the sandbox through a
                // presigned GET link to the frame in the bucket (on moto).
                for (provider, id, prompt, server) in [(SandboxProvider.luma, "l", "over the sea", sandbox), (.pixwith, "p", "on a pond", fullSize)] {
                    let tasks = await server.inspect().tasks.filter { $0.provider == provider }
                    let second = try #require(tasks.first { $0.prompt.contains(prompt) }, "\(provider)")
                    let link = try #require(second.startImage.flatMap(URL.init(string:)), "\(provider)")
                    #expect(link.host == moto.endpoint.host && link.port == moto.endpoint.port)
                    #expect(link.path == "/\(name)/fleet/jobs/\(id)/segment-01-last.png")
                    #expect(link.query?.contains("X-Amz-Signature=") == true)
                    #expect(second.state == .succeeded && second.startImageSHA256 != nil, "\(provider)")
                }
                // KKIAI's continuations took their frames inline.
                let kkiai = await sandbox.inspect().tasks.filter { $0.provider == .kkiai }
                #expect(kkiai.filter { $0.startImage?.hasPrefix("data:") == true }.count == 2)

                // No secret, and no signed link, in the queue's rows (each step's payload, result and error), its
                // status or the workers' logs; the queue names the frames by their keys and s3:// addresses.
                var rows = ""
                let query: PostgresQuery = "SELECT payload::text || coalesce(result::text, '') || coalesce(error, '') FROM clipkit_steps"
                for try await (text) in try await queue.client.query(query).decode(String.self) { rows += text + "\n" }
                #expect(rows.contains("jobs/l/segment-01-last.png") && rows.contains("s3://\(name)/fleet/jobs/l/segment-01-last.png"))
                let shown = try await runClipKit(["batch", "status", "--queue", WorkerProcess.address(url), "--json"], in: directory.path)
                #expect(shown.status == 0, "\(shown.stderr)")
                #expect(shown.stdout.contains("\(store)/l.mp4"))
                #expect(try await JSONSchemaValidation.violations(of: shown.stdout, schema: "batch-status") == [], "\(shown.stdout)")
                for text in [rows, shown.stdout, a.log, b.log] {
                    #expect(!text.contains(Self.credentials["AWS_SECRET_ACCESS_KEY"]!))
                    #expect(!text.contains("X-Amz-Signature"))
                }
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func startImagesSubmittedWithTheStoreReachAWorkerThatNeverSawThem() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-s3-inputs")
        defer { directory.remove() }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let name = try await moto.newBucket("clipkit-fleet")
        let store = "s3://\(name)/fleet"
        let sandbox = try await FleetChainTests.sandbox()
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                // The product shot lives only beside the batch file, on the submitting machine.
                let submitter = directory.file("submitter")
                try FileManager.default.createDirectory(atPath: submitter, withIntermediateDirectories: true)
                var pixels: [UInt8] = []
                for y in 0..<90 { for x in 0..<160 { pixels += [UInt8(x), UInt8(y * 2), UInt8((x + y) % 256)] } }
                let product = RGBImage(width: 160, height: 90, pixels: pixels)
                try ImageCodec.write(product, to: submitter + "/product.png", as: .png)
                let digest = SHA256.hash(data: Data(product.pixels)).map { String(format: "%02x", $0) }.joined()
                let lines = [
                    #"{"id": "k", "kind": "generate", "provider": "kkiai", "model": "ray-v1", "prompt": "a teapot on a table", "start_image": "product.png", "duration": 5, "aspect": "16:9", "base_url": "\#(sandbox.baseURL)"}"#,
                    #"{"id": "l", "kind": "generate", "provider": "luma", "model": "ray-1-6", "prompt": "a teapot on a shelf", "start_image": "product.png", "duration": 5, "aspect": "16:9", "base_url": "\#(sandbox.baseURL)"}"#,
                ]
                try lines.joined(separator: "\n").write(toFile: submitter + "/jobs.jsonl", atomically: true, encoding: .utf8)
                var environment = Self.credentials
                environment["AWS_ENDPOINT_URL"] = moto.endpoint.absoluteString

                // A missing image refuses the whole file before anything is enqueued.
                try (lines[0] + "\n" + lines[1].replacingOccurrences(of: "product.png", with: "missing.png"))
                    .write(toFile: submitter + "/bad.jsonl", atomically: true, encoding: .utf8)
                let refused = try await runClipKit(
                    ["batch", "submit", submitter + "/bad.jsonl", "--queue", WorkerProcess.address(url), "--store", store],
                    in: directory.path, environment: environment)
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("bad.jsonl:2") && refused.stderr.contains("missing.png"), "\(refused.stderr)")
                #expect(try await queue.status().jobs.isEmpty)

                let submitted = try await runClipKit(
                    ["batch", "submit", submitter + "/jobs.jsonl", "--queue", WorkerProcess.address(url), "--store", store],
                    in: directory.path, environment: environment)
                #expect(submitted.status == 0, "\(submitted.stderr)")
                // The queue names the image in the bucket, never by the submitting machine's path.
                var specs = ""
                for try await (text) in try await queue.client.query("SELECT spec::text FROM clipkit_jobs").decode(String.self) {
                    specs += text + "\n"
                }
                #expect(specs.contains("\(store)/inputs/") && !specs.contains(submitter), "\(specs)")

                let worker = try WorkerProcess(
                    name: "w", url: url, store: store, lease: Self.lease,
                    extra: ["--work-dir", directory.file("w"), "--s3-endpoint", moto.endpoint.absoluteString],
                    environment: Self.environment, logDirectory: directory.path)
                #expect(try await eventually(timeout: Self.startup + 60) { try await Self.settled(queue) }, "\(worker.log)")
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit(timeout: Self.lease * 10) == 0, "\(worker.log)")
                let status = try await queue.status()
                #expect(status.summary.done == 2, "\(status.jobs.compactMap(\.error))")
                // Both providers were given exactly the product shot: KKIAI inline, Luma by a presigned link on the bucket.
                let tasks = await sandbox.inspect().tasks
                #expect(tasks.count == 2)
                for task in tasks {
                    #expect(task.startImageSHA256 == digest, "\(task.provider)")
                }
                let luma = try #require(tasks.first { $0.provider == .luma }?.startImage.flatMap(URL.init(string:)))
                #expect(luma.host == moto.endpoint.host && luma.port == moto.endpoint.port)
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func aWorkerWhoseBucketCannotBeReachedExitsInOneLineBeforeClaimingAnything() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-s3-down")
        defer { directory.remove() }
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            let line = #"{"id": "k", "kind": "extend", "provider": "kkiai", "prompts": ["a lighthouse"], "segments": 2, "base_url": "http://127.0.0.1:9"}"#
            let file = directory.file("jobs.jsonl")
            try line.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try await runClipKit(["batch", "submit", file, "--queue", WorkerProcess.address(url)], in: directory.path).status == 0)
            // Nothing listens on port 9 of loopback.
            let worker = try WorkerProcess(
                name: "w", url: url, store: "s3://clip-fleet/p", lease: Self.lease,
                extra: ["--work-dir", directory.file("w"), "--s3-endpoint", "http://127.0.0.1:9"],
                environment: Self.environment, logDirectory: directory.path)
            let status = await worker.waitForExit(timeout: Self.startup + 60)
            #expect(status != nil && status != 0)
            let lines = worker.log.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.contains("s3://clip-fleet/p: the bucket cannot be written and read back") == true,
                    "\(worker.log)")
            #expect(!worker.log.contains(Self.credentials["AWS_SECRET_ACCESS_KEY"]!))
            let job = try #require(try await queue.job("k"))
            #expect(job.state == .queued && job.tasks.allSatisfy { $0.attempt == 0 && $0.state == .available })
        }
    }
}
