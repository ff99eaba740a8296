import ClipMedia
import ClipQueue
import ClipSandbox
import ClipTestSupport
import Foundation
import Logging
import Testing

/// `extend` jobs through real `clipkit worker` processes, one step of one segment at a time, against real
/// PostgreSQL and a sandbox provider in this process (no render delay, small clips).
@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason), .serialized)
struct FleetChainTests {
    static let lease = 3.0
    /// Generous: a busy machine may take a few seconds to start a process and connect.
    static let startup = 60.0
    static let prompts = ["a lighthouse at dusk", "the sea at night"]

    /// A quiet sandbox without render delay, its clips at `renderScale` of the providers' sizes.
    static func sandbox(faults: String? = nil, renderScale: Double = 0.125) async throws -> SandboxServer {
        var logger = Logger(label: "test.sandbox")
        logger.logLevel = .warning
        var configuration = SandboxConfiguration(stepDelay: 0, renderScale: renderScale)
        if let faults { configuration.faults = try SandboxFaults(spec: faults) }
        return try await SandboxServer.start(configuration, logger: logger)
    }

    /// A KKIAI chain on Ray 1.6 (no preset vouches for its size, so the small clips pass QA with a warning,
    /// as they do for a single-process `extend`), its frames handed over inline.
    static func line(_ id: String, sandbox: SandboxServer, segments: Int = 3, extra: String = "") -> String {
        #"{"id": "\#(id)", "kind": "extend", "provider": "kkiai", "model": "ray-v1", "prompts": ["\#(prompts[0])", "\#(prompts[1])"], "segments": \#(segments), "duration": 5, "aspect": "16:9", "output": "\#(id).mp4", "base_url": "\#(sandbox.baseURL)"\#(extra)}"#
    }

    static let environment = ["KKIAI_API_KEY": SandboxConfiguration.defaultAPIKey]

    static func submit(_ lines: [String], url: QueueURL, in directory: TemporaryDirectory) async throws {
        let file = directory.file("jobs.jsonl")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await runClipKit(["batch", "submit", file, "--queue", WorkerProcess.address(url)], in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func settled(_ queue: PostgresJobQueue) async throws -> Bool {
        try await queue.status().jobs.allSatisfy { $0.state == .done || $0.state == .failed || $0.state == .needsAttention }
    }

    @Test func twelveChainsThroughThreeWorkersOneKilledAllCompleteWithOneCreatePerSegment() async throws {
        let (chains, segments) = (12, 3)
        let directory = try TemporaryDirectory("clipkit-fleet")
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        do {
            // The same chain made by one `clipkit extend` process: what every fleet output must match.
            let reference = directory.file("reference.mp4")
            let single = try await runClipKit(
                ["extend", "--provider", "kkiai", "--base-url", sandbox.baseURL, "--api-key", SandboxConfiguration.defaultAPIKey,
                 "--model", "ray-v1", "--duration", "5", "--aspect", "16:9", "--segments", "\(segments)", "-o", reference]
                    + Self.prompts.flatMap { ["--prompt", $0] },
                in: directory.path, timeout: 300)
            #expect(single.status == 0, "\(single.stderr)")
            let referenceFrames = try #require(try MediaProbe.probe(path: reference).video?.frameCount)
            let createsBefore = await sandbox.creates(of: .kkiai).count
            #expect(createsBefore == segments)

            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                try await Self.submit((0..<chains).map { Self.line("c\($0)", sandbox: sandbox) }, url: url, in: directory)
                // One worker is slow (it holds each step a few leases' worth before running it) and is killed
                // while it holds one, before that step could reach the provider.
                let doomed = try WorkerProcess(
                    name: "doomed", url: url, store: store, lease: Self.lease, stepDelay: Self.lease * 3,
                    environment: Self.environment)
                let workers = try (0..<2).map {
                    try WorkerProcess(name: "w\($0)", url: url, store: store, concurrency: 2, lease: Self.lease,
                                      environment: Self.environment)
                }
                var held: StepStatus?
                let deadline = Date().addingTimeInterval(Self.startup)
                while held == nil, doomed.process.isRunning, Date() < deadline {
                    held = try await queue.status().jobs.flatMap(\.tasks).first { $0.leaseOwner == "doomed" && $0.state == .running }
                    if held == nil { try await Task.sleep(for: .milliseconds(50)) }
                }
                let lost = try #require(held, "the doomed worker never held a step: \(doomed.log)")
                doomed.signal(SIGKILL)
                _ = await doomed.waitForExit(timeout: 10)

                // Each segment is a few seconds of work at most; the deadline only ends a broken run.
                let settled = try await eventually(timeout: Double(chains * segments) * 10 + Self.startup) {
                    try await Self.settled(queue)
                }
                #expect(settled, "log: \(workers.map(\.log).joined(separator: "\n"))")
                for worker in workers { worker.signal(SIGTERM) }
                for worker in workers { #expect(await worker.waitForExit(timeout: Self.lease * 10) == 0, "\(worker.log)") }

                let status = try await queue.status()
                #expect(status.summary.done == chains, "\(status.jobs.compactMap(\.error))")
                #expect(status.summary.running == 0 && status.summary.queued == 0)
                #expect(status.jobs.flatMap(\.tasks).allSatisfy { $0.leaseOwner == nil })
                // Exactly one create per segment, each segment's steps in one take.
                let creates = await sandbox.creates(of: .kkiai).count - createsBefore
                #expect(creates == chains * segments)
                for job in status.jobs {
                    let submits = job.tasks.filter { $0.kind == "submit" }
                    #expect(submits.map(\.segment) == Array(0..<segments), "job \(job.id)")
                    #expect(job.tasks.allSatisfy { $0.take == 1 && $0.state == .done }, "job \(job.id)")
                    #expect(job.tasks.count == segments * 5, "submit, await, download, check, handover per segment")
                    let output = try #require(job.output)
                    #expect(output == (store as NSString).appendingPathComponent("\(job.id).mp4"))
                    #expect(try MediaProbe.probe(path: output).video?.frameCount == referenceFrames, "job \(job.id)")
                    // Its sidecar, as `extend` writes one: the seams where each continuation begins.
                    let sidecar = try #require(try JSONSerialization.jsonObject(
                        with: Data(contentsOf: URL(fileURLWithPath: "\(store)/\(job.id).clip.json"))) as? [String: Any])
                    #expect((sidecar["seam_frames"] as? [Int])?.count == segments - 1, "job \(job.id)")
                }
                // A fleet output passes `check` as a whole, as a single-process one does.
                let checked = try await runClipKit(["check", "\(store)/c0.mp4"], in: directory.path)
                #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
                let rescued = try #require(status.jobs.flatMap(\.tasks).first { $0.id == lost.id })
                #expect(rescued.state == .done && rescued.completedBy != "doomed" && rescued.attempt >= 2,
                        "the killed worker's step was rescued and run again")
                // Every continuation started from an image (the previous segment's last frame, inline).
                let tasks = await sandbox.inspect().tasks.filter { $0.provider == .kkiai }
                #expect(tasks.filter { $0.startImageSHA256 != nil }.count == (chains + 1) * (segments - 1))
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func aRateLimitedCreateWaitsAndAFailedTaskIsSubmittedAgainUnderTheNextTake() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-retake")
        defer { directory.remove() }
        let sandbox = try await Self.sandbox(faults: "rate-limit-create:1,fail-task:1")
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                try await Self.submit([Self.line("r", sandbox: sandbox, segments: 2)], url: url, in: directory)
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                let worker = try WorkerProcess(name: "w", url: url, store: store, concurrency: 2, lease: Self.lease,
                                               environment: Self.environment)
                #expect(try await eventually(timeout: Self.startup + 120) { try await Self.settled(queue) }, "\(worker.log)")
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit(timeout: Self.lease * 10) == 0, "\(worker.log)")
                let job = try #require(try await queue.job("r"))
                #expect(job.state == .done, "\(job.error ?? "")")
                let submits = job.tasks.filter { $0.kind == "submit" }.map { [$0.segment, $0.take] }
                #expect(submits == [[0, 1], [0, 2], [1, 1]], "the failed task's segment went again as take 2")
                let creates = await sandbox.creates(of: .kkiai)
                #expect(creates.filter { $0.status == 429 }.count == 1)
                #expect(creates.filter { $0.taskID != nil }.count == 3, "one create per take, none repeated after the 429")
                let segmentFrames = try #require(try MediaProbe.probe(path: "\(store)/jobs/r/segment-02-take-1.mp4").video?.frameCount)
                #expect(try MediaProbe.probe(path: try #require(job.output)).video?.frameCount == 2 * segmentFrames - 1)
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func aWorkerKilledWhileItsCreateIsInFlightLeavesTheSubmitForAPersonAndResolvingItPaysNothingTwice() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-unknown")
        defer { directory.remove() }
        // The sandbox creates the task but holds its answer back, so the worker dies with the POST in flight.
        let sandbox = try await Self.sandbox(faults: "delay-create-answer:1")
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                let generate = #"{"id": "g", "kind": "generate", "provider": "kkiai", "model": "ray-v1", "prompt": "a lighthouse", "base_url": "\#(sandbox.baseURL)"}"#
                try await Self.submit([generate], url: url, in: directory)
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                let doomed = try WorkerProcess(name: "doomed", url: url, store: store, lease: Self.lease, environment: Self.environment)
                let inFlight = try await eventually(timeout: Self.startup) {
                    let count = await sandbox.creates().count
                    return try await queue.step("g", kind: "submit")?.state == .submitting && count == 1
                }
                #expect(inFlight, "\(doomed.log)")
                doomed.signal(SIGKILL)
                _ = await doomed.waitForExit(timeout: 10)
                let rescuer = try WorkerProcess(name: "rescuer", url: url, store: store, lease: Self.lease, environment: Self.environment)
                #expect(try await eventually(timeout: Self.startup + Self.lease * 10) {
                    try await queue.job("g")?.state == .needsAttention
                }, "\(rescuer.log)")
                #expect(await sandbox.creates().count == 1, "never resubmitted blindly")

                // A person finds the task at the provider and names it: the job finishes from it, without a POST.
                let task = try #require(await sandbox.inspect().tasks.first?.id)
                let resolved = try await runClipKit(
                    ["batch", "resolve", "g", "--segment", "0", "--task-id", task, "--queue", WorkerProcess.address(url)], in: directory.path)
                #expect(resolved.status == 0, "\(resolved.stderr)")
                #expect(try await eventually(timeout: Self.startup + Self.lease * 10) { try await queue.job("g")?.state == .done },
                        "\(rescuer.log)")
                rescuer.signal(SIGTERM)
                #expect(await rescuer.waitForExit(timeout: Self.lease * 10) == 0, "\(rescuer.log)")
                #expect(await sandbox.creates().count == 1)
                #expect(try await queue.step("g", kind: "submit")?.providerTaskID == task)
                #expect(try MediaProbe.probe(path: "\(store)/g.mp4").video?.frameCount ?? 0 > 0)
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func aColourAnchoredChainAnchorsEveryHandOverToSegmentOne() async throws {
        let segments = 4
        let directory = try TemporaryDirectory("clipkit-fleet-anchor")
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                try await Self.submit(
                    [Self.line("a", sandbox: sandbox, segments: segments, extra: #", "color_match": "first""#)], url: url, in: directory)
                let worker = try WorkerProcess(name: "w", url: url, store: store, lease: Self.lease, environment: Self.environment)
                #expect(
                    try await eventually(timeout: Double(segments) * 10 + Self.startup) { try await Self.settled(queue) }, "\(worker.log)")
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit(timeout: Self.lease * 10) == 0, "\(worker.log)")
                let job = try #require(try await queue.job("a"))
                #expect(job.state == .done, "\(job.error ?? "")")

                // `--color-match first`: from segment 2's hand-over on, the frame handed over is the last frame
                // corrected from its clip's closing colours to segment 1's. The fleet measures segment 1 once and
                // carries the measurement from hand-over to hand-over; each anchored frame must be exactly what
                // a fresh measurement of segment 1 gives.
                let folder = "\(store)/jobs/a/"
                let anchor = try ColorAnchor.statistics(ofClipAt: folder + "segment-01-take-1.mp4")
                for segment in 2..<segments {
                    let clip = folder + String(format: "segment-%02d-take-1.mp4", segment)
                    let plain = try ImageCodec.read(path: folder + String(format: "segment-%02d-last.png", segment))
                    let handed = try ImageCodec.read(path: folder + String(format: "segment-%02d-last-anchored.png", segment))
                    let expected = ColorAnchor.correct(plain, clip: try ColorAnchor.closingStatistics(ofClipAt: clip), anchor: anchor)
                    #expect(handed.pixels == expected.pixels, "segment \(segment)'s hand-over")
                    #expect(handed.pixels != plain.pixels, "segment \(segment)'s hand-over was corrected")
                }
                // Every continuation was sent an image: the anchored frames above, and segment 1's plain last frame.
                #expect(await sandbox.inspect().tasks.filter { $0.startImageSHA256 != nil }.count == segments - 1)
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func anExtendJobThatCannotGoThroughFailsBeforeItsFirstSubmitWhileAGenerateJobBesideItRuns() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-invalid")
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                // Only the last segment is wrong (its end image is missing): the whole plan is resolved first.
                let generate = #"{"id": "g", "kind": "generate", "provider": "kkiai", "model": "ray-v1", "prompt": "a lighthouse", "base_url": "\#(sandbox.baseURL)"}"#
                try await Self.submit(
                    [Self.line("bad", sandbox: sandbox, extra: #", "end_image": "missing.png""#), generate], url: url, in: directory)
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                let worker = try WorkerProcess(name: "w", url: url, store: store, lease: Self.lease,
                                               environment: Self.environment)
                #expect(try await eventually(timeout: Self.startup + Self.lease * 10) { try await Self.settled(queue) }, "\(worker.log)")
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit(timeout: Self.lease * 10) == 0, "\(worker.log)")
                let job = try #require(try await queue.job("bad"))
                #expect(job.state == .failed)
                #expect(job.error?.contains("missing.png") == true && job.error?.contains("nothing was submitted") == true, "\(job.error ?? "")")
                #expect(job.tasks.map(\.kind) == ["submit"] && job.tasks.first?.attempt == 1)
                // The generate job made its one clip, the only create.
                let clip = try #require(try await queue.job("g"))
                #expect(clip.state == .done && clip.output == "\(store)/g.mp4", "\(clip.error ?? "")")
                #expect(try MediaProbe.probe(path: "\(store)/g.mp4").video?.frameCount ?? 0 > 0)
                let creates = await sandbox.creates()
                #expect(creates.count == 1 && creates.first?.json?["user_prompt"] as? String == "a lighthouse")
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }
}
