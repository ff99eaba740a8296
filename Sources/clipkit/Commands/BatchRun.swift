import ArgumentParser
import ClipMedia
import ClipPipeline
import ClipProviders
import ClipQueue
import Foundation

extension Batch {
    /// `clipkit batch run JOBS.jsonl`: the batch in this process, against the SQLite journal in the store,
    /// through the same sessions and chain engine as `extend`, `generate` and `check`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every job of JOBS.jsonl in this process, at most --concurrency at once, resumable.",
            discussion: """
                The same lines as `batch submit`, with the options of extend/generate as keys (duration, aspect, \
                resolution, loop, model, enhance_prompt, preset, start_image, end_image, max_retries, mode, seam, \
                color_match, base_url, upload_base_url) and of check (path, preset, expect_*). Keys come from the \
                providers' *_API_KEY variables or --config, never from the file. Every job is resolved and \
                checked before the first task is paid for; one bad job refuses the whole batch. Runs are journalled \
                in --store and found again by their output: rerun the same file after a crash or a failure, and \
                jobs already done are not paid for again. A check job whose path is another job's output runs \
                after it. Exit status 1 when any job failed or needs attention. For a queue shared by many \
                machines use `batch submit` and `worker`.
                """)

        @Argument(help: "The batch file (JSON lines).")
        var jobs: String

        @Option(help: ArgumentHelp(
            "The folder for the journal, segments and frames (default: .clipkit beside the batch file); or an S3-compatible bucket, s3://BUCKET/PREFIX, that each output is uploaded to (the journal stays in --work-dir).",
            valueName: "dir|s3://bucket/prefix"))
        var store: String?

        @Option(help: "With an s3:// store: the local folder for the journal, segments and frames (default: .clipkit beside the batch file).")
        var workDir: String?

        @Option(help: "Jobs run at once.")
        var concurrency: Int = 4

        @Option(help: "Configuration file (JSON) with keys and base URLs.")
        var config: String?

        @Option(help: "Not for batch run (it runs here): use `batch submit --queue URL` and `worker`.")
        var queue: String?

        @OptionGroup var hosting: HostingOptions

        @Flag(help: "Print {jobs: [{id, kind, state, output, tasks, cost, error}], summary: {done, failed, needs_attention, cost}}.")
        var json = false

        func validate() throws {
            guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1-64") }
        }

        func run() async throws {
            if queue != nil {
                Output.error("batch run runs the jobs in this process; to put them on a queue use `clipkit batch submit \(jobs) --queue URL` and start `clipkit worker`s")
                throw ExitCode.validationFailure
            }
            var failed = false
            try await reportingErrors {
                let batch = try await PreparedBatch.prepare(
                    file: jobs, store: store, workDir: workDir, config: config, hosting: try hosting.settings(webhooks: false))
                let report = await batch.run(concurrency: concurrency)
                if json {
                    try Output.json(report)
                } else {
                    for job in report.jobs { Output.line(job.line) }
                    Output.line(report.summary.line)
                }
                failed = report.summary.failed + report.summary.needsAttention > 0
            }
            if failed { throw ExitCode.failure }
        }
    }
}

/// A batch file read, every job resolved and proven, ready to run.
struct PreparedBatch: Sendable {
    enum Work: Sendable {
        case chain(ChainJob, ResolvedChain, PipelineSession)
        case check(CheckJob)
    }

    struct Job: Sendable {
        var line: BatchFile.Line
        var work: Work
        /// The index of the job whose output this check job reads.
        var after: Int?
    }

    let name: String
    let jobs: [Job]
    /// The store's folder: the journal, each run's segments and frames.
    let store: String
    let journal: SQLiteJournal
    let sessions: [PipelineSession]
    /// With `--store s3://...`: the bucket each chain's output (and its sidecar) is uploaded to, its keys taken
    /// relative to the batch file's folder.
    var outputs: ArtefactStore? = nil

    /// Reads and checks every line, opens one session per provider endpoint, and resolves every chain.
    /// - Throws: ``Failure``-style errors naming the file and line; nothing is submitted.
    static func prepare(
        file: String, store: String?, workDir: String? = nil, config: String?, hosting: HostingSettings
    ) async throws -> PreparedBatch {
        var hosting = hosting
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw Failure(message: "\(file): cannot read the batch file: \(error.localizedDescription)")
        }
        let name = (file as NSString).lastPathComponent
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path
        let batch = try BatchFile(name: name, text: text) { object in
            if let path = object["path"] as? String, !path.hasPrefix("/") {
                object["path"] = URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
            }
        }
        func bad(_ line: BatchFile.Line, _ message: Any) -> Failure { Failure(message: "\(name):\(line.number): job \(line.id): \(message)") }

        // The lines, decoded.
        var decoded: [(BatchFile.Line, Either)] = []
        enum Either { case chain(ChainJob), check(CheckJob) }
        var outputs: [String: BatchFile.Line] = [:]
        let library = PresetLibrary.standard()
        for line in batch.lines {
            if line.kind == "check" {
                let job: CheckJob
                do { job = try CheckJob(spec: line.spec) } catch { throw bad(line, "not a check job: \(error)") }
                if let preset = job.preset {
                    do { _ = try library.load(preset) } catch { throw bad(line, error) }
                }
                if let aspect = job.expectAspect, Ratio(parsing: aspect) == nil { throw bad(line, "\"expect_aspect\" '\(aspect)' is not a ratio such as 16:9") }
                if let resolution = job.expectResolution, ResolutionExpectation(parsing: resolution) == nil {
                    throw bad(line, "\"expect_resolution\" '\(resolution)' is not a class (720p) or a size (1280x720)")
                }
                decoded.append((line, .check(job)))
            } else {
                let job: ChainJob
                do { job = try ChainJob(spec: line.spec, directory: directory) } catch { throw bad(line, error) }
                if let other = outputs[job.output] { throw bad(line, "\(job.output) is also the output of job \(other.id) on line \(other.number)") }
                outputs[job.output] = line
                decoded.append((line, .chain(job)))
            }
        }

        // The store and its journal. A bucket store keeps the journal in a local folder and receives the outputs,
        // each under its path relative to the batch file (`PREFIX/OUTPUT`), as the fleet's do.
        var storePath = store ?? (directory as NSString).appendingPathComponent(".clipkit")
        var bucketOutputs: ArtefactStore?
        if storePath.lowercased().hasPrefix("s3://") {
            let bucketStore: ArtefactStore
            do {
                bucketStore = try ArtefactStore.parse(
                    storePath, cache: directory, endpoint: hosting.s3Endpoint?.absoluteString, region: hosting.s3Region,
                    environment: ProcessInfo.processInfo.environment)
            } catch { throw Failure(message: "\(error)") }
            for (line, either) in decoded {
                if case .chain(let job) = either, bucketStore.relativeKey(of: job.output) == nil {
                    throw bad(line, "\(job.output) is outside the batch file's folder: with an S3 store, \"output\" must be a relative path (its key below \(bucketStore))")
                }
            }
            // An unreachable bucket is found now, before anything is paid for.
            do { try await bucketStore.probe(name: "batch-run-\(ProcessInfo.processInfo.processIdentifier)") } catch {
                throw Failure(message: "\(error)")
            }
            // --frame-hosting s3 without --s3-bucket hosts frames in the store's bucket.
            if hosting.s3Bucket == nil { hosting.s3Bucket = bucketStore.bucket?.bucket }
            bucketOutputs = bucketStore
            storePath = workDir ?? (directory as NSString).appendingPathComponent(".clipkit")
        } else if workDir != nil {
            throw Failure(message: "--work-dir is for an s3:// store; with a folder store the journal is in --store")
        }
        let storeDirectory = URL(fileURLWithPath: storePath).standardizedFileURL.path
        let journal: SQLiteJournal
        do {
            try FileManager.default.createDirectory(atPath: storeDirectory, withIntermediateDirectories: true)
            journal = try SQLiteJournal(path: (storeDirectory as NSString).appendingPathComponent("journal.sqlite"))
        } catch {
            throw Failure(message: "--store \(storeDirectory): cannot open the journal there (\(error))")
        }

        // One session per provider endpoint, every chain resolved and proven before anything is paid for.
        let logger = pipelineLogger()
        var sessions: [String: PipelineSession] = [:]
        var jobs: [Job] = []
        do {
            for (line, either) in decoded {
                switch either {
                case .check(let job):
                    jobs.append(Job(line: line, work: .check(job), after: nil))
                case .chain(let job):
                    // A line's own frame_hosting wins over --frame-hosting for that job.
                    var jobHosting = hosting
                    if job.frameHosting != .auto { jobHosting.frameHosting = job.frameHosting }
                    let key = [job.provider.rawValue, job.baseURL ?? "", job.uploadBaseURL ?? "", jobHosting.frameHosting.rawValue]
                        .joined(separator: "\u{1}")
                    var session = sessions[key]
                    if session == nil {
                        let configuration: ProviderConfiguration
                        do {
                            configuration = try ProviderOptions.configuration(
                                job.provider, apiKey: nil, baseURL: job.baseURL, uploadBaseURL: job.uploadBaseURL, config: config)
                        } catch { throw bad(line, error) }
                        do {
                            session = try await PipelineSession.open(
                                configuration: configuration, hosting: jobHosting, workDirectory: storeDirectory,
                                fastPolling: PipelineSession.isLoopback(configuration.baseURL), journal: journal, logger: logger)
                        } catch { throw bad(line, error) }
                        sessions[key] = session
                    }
                    let chain: ResolvedChain
                    do { chain = try await session!.prepare(job.plan) } catch { throw bad(line, error) }
                    jobs.append(Job(line: line, work: .chain(job, chain, session!), after: nil))
                }
            }
        } catch {
            for session in sessions.values { await session.close() }
            throw error
        }
        // A check of another job's output waits for that job.
        for index in jobs.indices {
            guard case .check(let check) = jobs[index].work else { continue }
            jobs[index].after = jobs.firstIndex { job in
                if case .chain(let chain, _, _) = job.work { return chain.output == check.path }
                return false
            }
        }
        return PreparedBatch(
            name: name, jobs: jobs, store: storeDirectory, journal: journal, sessions: Array(sessions.values), outputs: bucketOutputs)
    }

    /// Runs every job, at most `concurrency` at once, and reports each one's end.
    func run(concurrency: Int) async -> BatchRunReport {
        let totalSegments = jobs.reduce(0) { total, job in
            if case .chain(let chain, _, _) = job.work { return total + chain.segments }
            return total
        }
        let progress = BatchProgress(jobs: jobs.count, segments: totalSegments)
        var results = [BatchRunJob?](repeating: nil, count: jobs.count)
        var dependents: [Int: [Int]] = [:]
        var ready: [Int] = []
        for (index, job) in jobs.enumerated() {
            if let after = job.after { dependents[after, default: []].append(index) } else { ready.append(index) }
        }
        await withTaskGroup(of: (Int, BatchRunJob).self) { group in
            var running = 0
            func startReady() {
                while running < concurrency, !ready.isEmpty {
                    let index = ready.removeFirst()
                    running += 1
                    let job = jobs[index]
                    progress.started(job.line.id)
                    group.addTask { (index, await self.execute(job, progress: progress)) }
                }
            }
            startReady()
            while let (index, result) = await group.next() {
                running -= 1
                results[index] = result
                progress.finished(result)
                for dependent in dependents[index] ?? [] {
                    if result.state == .done {
                        ready.append(dependent)
                    } else {
                        let job = jobs[dependent]
                        let skipped = BatchRunJob(
                            id: job.line.id, kind: job.line.kind, state: .failed, output: result.output,
                            error: "not checked: job \(result.id), which writes it, \(result.state.rawValue.replacingOccurrences(of: "_", with: " "))")
                        results[dependent] = skipped
                        progress.finished(skipped)
                    }
                }
                startReady()
            }
        }
        progress.finish()
        for session in sessions { await session.close() }
        return BatchRunReport(jobs: results.map { $0! })
    }

    private func execute(_ job: Job, progress: BatchProgress) async -> BatchRunJob {
        let id = job.line.id
        switch job.work {
        case .check(let check):
            var result = BatchRunJob(id: id, kind: "check", state: .done, output: check.path)
            do {
                let report = try await check.run()
                result.verdict = report.verdict.rawValue
                if report.verdict == .fail {
                    result.state = .failed
                    result.error = report.checks.filter { $0.status == .fail }.map { "\($0.name.rawValue): \($0.message)" }.joined(separator: "; ")
                }
            } catch {
                result.state = .failed
                result.error = String(describing: error)
            }
            return result
        case .chain(let chainJob, let chain, let session):
            var result = BatchRunJob(id: id, kind: chainJob.kind.rawValue, state: .done, output: chainJob.output)
            do {
                let outcome = try await session.reporting { progress.event(id, $0) }.run(chain)
                result.alreadyDone = outcome.alreadyDone == true
                if let failing = outcome.segments.first(where: { $0.verdict == "fail" }) {
                    result.state = .failed
                    result.error = "segment \(failing.segment) failed its check"
                }
            } catch {
                result.state = .failed
                result.error = String(describing: error)
            }
            if let outputs, result.state == .done {
                // Uploaded again on a rerun too (cheap), so the bucket has every output the journal says is done.
                do {
                    let sidecar = ClipSidecar.path(for: chainJob.output)
                    if FileManager.default.fileExists(atPath: sidecar) { try await outputs.publish(sidecar) }
                    try await outputs.publish(chainJob.output)
                    result.output = outputs.address(ofLocal: chainJob.output)
                } catch {
                    result.state = .failed
                    result.error = "made \(chainJob.output), but \(error)"
                }
            }
            if let run = try? await journal.runs(output: chainJob.output).first {
                result.runID = run.id
                if run.state == .needsAttention, result.state != .done {
                    result.state = .needsAttention
                    // `jobs resolve` finds the run in the batch's store.
                    result.error = (result.error ?? run.message ?? "a submit's outcome is unknown") + " (with --work-dir \(store))"
                }
                let attempts = (try? await journal.attempts(runID: run.id)) ?? []
                result.tasks = attempts.filter { $0.step != .planned }.map { attempt in
                    BatchRunTask(
                        segment: attempt.segment, attempt: attempt.attempt, provider: run.provider, taskID: attempt.taskID,
                        clientRef: attempt.clientRef, step: attempt.step.rawValue, verdict: attempt.verdict,
                        cost: attempt.cost.flatMap { try? JSONDecoder().decode(TaskCost.self, from: Data($0.utf8)) },
                        failure: attempt.failure)
                }
                result.cost = Spend.total(result.tasks.compactMap(\.cost))
            }
            return result
        }
    }
}

/// Amounts summed per unit (providers state costs in their own units: PiAPI points, Luma credits).
enum Spend {
    static func total(_ costs: [TaskCost]) -> [TaskCost] {
        var amounts: [String: Double] = [:]
        for cost in costs { amounts[cost.unit, default: 0] += cost.amount }
        return amounts.keys.sorted().map { TaskCost(amount: amounts[$0]!, unit: $0) }
    }

    static func describe(_ costs: [TaskCost]) -> String {
        costs.isEmpty ? "none stated" : costs.map { "\(number($0.amount)) \($0.unit)" }.joined(separator: " + ")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
    }
}

/// The document `batch run --json` prints.
struct BatchRunReport: Encodable {
    var jobs: [BatchRunJob]
    var summary: BatchRunSummary

    init(jobs: [BatchRunJob]) {
        self.jobs = jobs
        summary = BatchRunSummary(jobs)
    }
}

struct BatchRunSummary: Encodable {
    var jobs = 0
    var done = 0
    var failed = 0
    var needsAttention = 0
    /// What every job's tasks cost, summed per unit.
    var cost: [TaskCost] = []

    init(_ jobs: [BatchRunJob]) {
        self.jobs = jobs.count
        for job in jobs {
            switch job.state {
            case .done: done += 1
            case .failed: failed += 1
            case .needsAttention: needsAttention += 1
            }
        }
        cost = Spend.total(jobs.flatMap(\.cost))
    }

    var line: String {
        "\(jobs) job(s): \(done) done, \(failed) failed, \(needsAttention) needs attention; spend \(Spend.describe(cost))"
    }
}

struct BatchRunJob: Encodable {
    enum State: String, Encodable {
        case done, failed
        case needsAttention = "needs_attention"
    }

    var id: String
    var kind: String
    var state: State
    /// The clip written (extend, generate) or checked (check).
    var output: String?
    var error: String?
    var runID: String?
    /// True when the job had finished on an earlier run and nothing was paid for now.
    var alreadyDone = false
    /// A check job's verdict (pass, warn, fail).
    var verdict: String?
    /// Every task the job's run sent, with what the provider says it cost.
    var tasks: [BatchRunTask] = []
    var cost: [TaskCost] = []

    enum CodingKeys: String, CodingKey {
        case id, kind, state, output, error, verdict, tasks, cost
        case runID = "run_id"
        case alreadyDone = "already_done"
    }

    var line: String {
        var line = "\(state.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(id)  \(kind)"
        if let output { line += "  \(output)" }
        if alreadyDone { line += "  (done earlier)" }
        if let verdict { line += "  QA \(verdict)" }
        if !cost.isEmpty { line += "  cost \(Spend.describe(cost))" }
        if let error { line += "  (\(error))" }
        return line
    }
}

struct BatchRunTask: Encodable {
    /// 0-based, as in `batch status`.
    var segment: Int
    var attempt: Int
    var provider: String
    var taskID: String?
    var clientRef: String?
    /// The attempt's last journalled step (submitted, checked, frame-hosted, failed, ...).
    var step: String
    var verdict: String?
    var cost: TaskCost?
    var failure: String?

    enum CodingKeys: String, CodingKey {
        case segment, attempt, provider, step, verdict, cost, failure
        case taskID = "task_id"
        case clientRef = "client_ref"
    }
}
