import ArgumentParser
import ClipPipeline
import ClipQueue
import Foundation
import Logging

/// `clipkit batch run`: a batch of jobs in this process on the SQLite journal; `clipkit batch submit|status`:
/// batches of jobs on the PostgreSQL work queue, run by `clipkit worker`s.
struct Batch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run many jobs (one JSON line each): here (batch run), or on a PostgreSQL work queue shared by any number of workers.",
        subcommands: [Run.self, Submit.self, Status.self, Resolve.self, Bench.self, BenchChains.self])

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every line of JOBS.jsonl, then enqueue the jobs (a job id already queued is left as it is).",
            discussion: """
                One job a line: {"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["..."], "segments": 3, \
                "duration": 5, "aspect": "16:9", "resolution": "720p", "output": "c1.mp4"}, "kind": "generate" \
                (one clip), or "kind": "check" with a "path". A bad line refuses the whole file. Relative input paths \
                ("path", "start_image", "end_image") are taken from the file's directory; a relative "output" is \
                written in the workers' --store. With --store (the workers' store), every job's local start and end \
                images are put in it (under inputs/) and the jobs name them there, so workers on other machines \
                read them; without it, a local image must exist at the same path on every worker.
                """)

        @Argument(help: "The batch file (JSON lines).")
        var jobs: String

        @Option(help: "The queue: postgres://user[:password]@host[:port]/database[?schema=NAME].")
        var queue: String

        @Option(help: "The workers' store (a folder or s3://BUCKET/PREFIX): local start and end images are put in it.")
        var store: String?

        @OptionGroup var bucket: BucketStoreOptions

        @Flag(help: "Print {enqueued: [...], already_present: [...]} as JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let url = try QueueURL(parsing: queue)
                let text: String
                do { text = try String(contentsOfFile: jobs, encoding: .utf8) } catch {
                    throw Failure(message: "\(jobs): cannot read the batch file: \(error.localizedDescription)")
                }
                let directory = URL(fileURLWithPath: jobs).deletingLastPathComponent()
                let name = (jobs as NSString).lastPathComponent
                let inputs = ["path", "start_image", "end_image"]
                func isLocal(_ text: String) -> Bool {
                    !text.hasPrefix("http://") && !text.hasPrefix("https://") && !text.lowercased().hasPrefix("s3://")
                }
                func absolute(_ object: inout [String: Any]) {
                    for key in inputs {
                        if let path = object[key] as? String, isLocal(path), !path.hasPrefix("/") {
                            object[key] = directory.appendingPathComponent(path).standardizedFileURL.path
                        }
                    }
                }
                var file = try BatchFile(name: name, text: text, rewrite: absolute)
                if let store {
                    // Every local image goes into the store once (named by its content); the lines then name it there.
                    let artefacts: ArtefactStore
                    do {
                        artefacts = try bucket.store(store, cache: NSTemporaryDirectory())
                    } catch {
                        throw Failure(message: "\(error)")
                    }
                    var published: [String: String] = [:]
                    for line in file.lines {
                        guard let object = try? JSONSerialization.jsonObject(with: Data(line.spec.utf8)) as? [String: Any] else { continue }
                        for key in ["start_image", "end_image"] {
                            guard let path = object[key] as? String, isLocal(path), published[path] == nil else { continue }
                            guard FileManager.default.fileExists(atPath: path) else {
                                throw Failure(message: "\(name):\(line.number): \"\(key)\" \(path): no such file; nothing was enqueued")
                            }
                            do { published[path] = try await artefacts.publishInput(path) } catch {
                                throw Failure(message: "\(name):\(line.number): \"\(key)\": \(error); nothing was enqueued")
                            }
                        }
                    }
                    file = try BatchFile(name: name, text: text) { object in
                        absolute(&object)
                        for key in ["start_image", "end_image"] {
                            if let path = object[key] as? String, let stored = published[path] { object[key] = stored }
                        }
                    }
                }
                let newJobs = file.jobs
                let result = try await QueueSession.with(url) { queue in try await queue.enqueue(newJobs) }
                if json {
                    try Output.json(["enqueued": result.enqueued, "already_present": result.alreadyPresent])
                } else {
                    Output.line("\(result.enqueued.count) job(s) enqueued, \(result.alreadyPresent.count) already present (\(url))")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every job's state, output, tasks and error, and the totals.")

        @Option(help: "The queue: postgres://user[:password]@host[:port]/database[?schema=NAME].")
        var queue: String

        @Flag(help: "Print {jobs: [{id, state, output, tasks, error}], summary: {queued, running, done, failed, needs_attention}}.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let url = try QueueURL(parsing: queue)
                let status = try await QueueSession.with(url) { queue in try await queue.status() }
                if json {
                    try Output.json(status)
                    return
                }
                for job in status.jobs {
                    var line = "\(job.state.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(job.id)  \(job.kind)"
                    if let output = job.output { line += "  \(output)" }
                    if job.cost > 0 { line += "  cost \(job.cost)" }
                    if let error = job.error { line += "  (\(error))" }
                    Output.line(line)
                }
                let s = status.summary
                Output.line("\(status.jobs.count) job(s): \(s.queued) queued, \(s.running) running, \(s.done) done, \(s.failed) failed, \(s.needsAttention) needs attention; spend \(s.spend)")
            }
        }
    }
}

extension Batch {
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer for a paid submit left needs_attention: the provider's task id, or --resubmit.",
            discussion: """
                Look the task up at the provider first (its dashboard or task list, by the step's client_ref from \
                `batch status --json`). With --task-id the step resumes from that task, without a new request; \
                with --resubmit it is submitted again under a new client reference (and paid again).
                """)

        @Argument(help: "The job id.")
        var job: String

        @Option(help: "The segment (0-based) whose submit needs attention.")
        var segment: Int = 0

        @Option(help: "The provider's task id for this submit.")
        var taskID: String?

        @Flag(help: "The provider has no such task: submit again.")
        var resubmit = false

        @Option(help: "The queue: postgres://user[:password]@host[:port]/database[?schema=NAME].")
        var queue: String

        func validate() throws {
            if (taskID == nil) == !resubmit { throw ValidationError("give exactly one of --task-id ID and --resubmit") }
            if segment < 0 { throw ValidationError("--segment must be 0 or more") }
        }

        func run() async throws {
            try await reportingErrors {
                let url = try QueueURL(parsing: queue)
                let (job, segment, taskID) = (self.job, self.segment, self.taskID)
                try await QueueSession.with(url) { queue in
                    if let taskID {
                        try await queue.resolve(job: job, segment: segment, taskID: taskID)
                    } else {
                        try await queue.resolve(job: job, segment: segment, resubmit: true)
                    }
                }
                Output.line("job \(job) segment \(segment): \(taskID.map { "resumes with task \($0)" } ?? "will be submitted again")")
            }
        }
    }

    /// The queue's own cost per step (claim + commit), apart from any provider: enqueues no-op steps in a
    /// fresh schema and times claim + complete for each, with 1 and 2 claimers.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the queue's own overhead per step (claim + commit).", shouldDisplay: false)

        @Option(help: "The queue (a scratch schema is created in it and dropped afterwards).")
        var queue: String

        @Option(help: "Steps per run.")
        var steps: Int = 500

        func run() async throws {
            try await reportingErrors {
                var url = try QueueURL(parsing: queue)
                for claimers in [1, 2] {
                    url.schema = "bench_\(UUID().uuidString.prefix(8).lowercased())"
                    let (count, scratch) = (steps, url)
                    let (perStep, elapsed) = try await QueueSession.with(scratch) { queue in
                        _ = try await queue.enqueue((0..<count).map {
                            NewJob(id: "b\($0)", batch: "bench", kind: "bench", spec: "{}", firstSteps: [NewStep(segment: 0, kind: "noop")])
                        })
                        let clock = ContinuousClock()
                        let started = clock.now
                        let times = try await withThrowingTaskGroup(of: [Double].self) { group in
                            for claimer in 0..<claimers {
                                group.addTask {
                                    var times: [Double] = []
                                    while true {
                                        let t0 = clock.now
                                        guard let step = try await queue.claim(
                                            owner: "bench-\(claimer)", limit: 1, leaseSeconds: 30, jobKinds: ["bench"]).first
                                        else { return times }
                                        try await queue.complete(step, .done(StepResult()))
                                        let d = (clock.now - t0).components
                                        times.append(Double(d.seconds) * 1000 + Double(d.attoseconds) / 1e15)
                                    }
                                }
                            }
                            var all: [Double] = []
                            for try await part in group { all += part }
                            return all
                        }
                        let total = (clock.now - started).components
                        try await queue.dropSchema()
                        return (times.sorted(), Double(total.seconds) + Double(total.attoseconds) / 1e18)
                    }
                    let median = perStep.isEmpty ? 0 : perStep[perStep.count / 2]
                    let p95 = perStep.isEmpty ? 0 : perStep[min(perStep.count - 1, perStep.count * 95 / 100)]
                    Output.line(String(format: "queue overhead, %d claimer(s): %d steps, claim+commit median %.2f ms, p95 %.2f ms, %.0f steps/s",
                                       claimers, perStep.count, median, p95, Double(perStep.count) / elapsed))
                }
            }
        }
    }
}

/// A connection to the queue for one command: connects, migrates the schema, runs `body`, disconnects.
enum QueueSession {
    static func with<T: Sendable>(
        _ url: QueueURL, _ body: @Sendable (PostgresJobQueue) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "clipkit.queue")
        logger.logLevel = .error
        try await PostgresJobQueue.checkReachable(url, logger: logger)
        let client = PostgresJobQueue.client(for: url, logger: logger)
        let queue = PostgresJobQueue(client: client, schema: url.schema, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            do {
                try await queue.migrate()
            } catch {
                throw Failure(message: "cannot use the queue at \(url): \(error)")
            }
            return try await body(queue)
        }
    }
}
