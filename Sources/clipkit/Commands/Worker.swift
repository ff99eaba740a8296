import ArgumentParser
import ClipMedia
import ClipPipeline
import ClipQueue
import Foundation
import Logging
import ServiceLifecycle

/// `clipkit worker`: claims steps from the queue and runs them, until SIGTERM (drains) or SIGINT.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from a PostgreSQL work queue; start any number, on any number of machines.",
        discussion: """
            SIGTERM or SIGINT: claim nothing more, finish the steps held (up to --drain seconds), release the rest, \
            exit 0. A killed worker loses only its leases' time: another worker rescues its steps, except a paid \
            submit that may have reached the provider, which waits for a person.
            """)

    @Option(help: "The queue: postgres://user[:password]@host[:port]/database[?schema=NAME].")
    var queue: String

    @Option(help: ArgumentHelp(
        "Where clips, last frames and outputs live: a folder shared by the machines (or local to one), or an S3-compatible bucket, s3://BUCKET/PREFIX (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).",
        valueName: "dir|s3://bucket/prefix"))
    var store: String

    @Option(help: "With an s3:// store: this worker's local working folder, a cache of the bucket (default: a folder of its own in the system's temporary directory, removed when it exits).")
    var workDir: String?

    @OptionGroup var bucket: BucketStoreOptions

    @Option(help: "Steps run at once.")
    var concurrency: Int = 2

    @Option(help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (0: any free port, logged).")
    var metricsPort: Int?

    @Option(help: "Address the metrics server listens on.")
    var metricsHost: String = "127.0.0.1"

    @Option(help: "Lease length in seconds (renewed every third of it while a step runs).")
    var lease: Double = 30

    @Option(help: "On SIGTERM, seconds the held steps may take to finish before they are released.")
    var drain: Double = 120

    @Option(help: "Seconds between looks for work when idle.")
    var poll: Double = 0.5

    @Option(help: ArgumentHelp("Testing aid: hold each claimed step this many seconds before running it.", visibility: .hidden))
    var debugStepDelay: Double = 0

    @Option(help: ArgumentHelp(
        "Receive provider webhooks on this port: a submit's callback URL wakes its render's poll at once (polling stays the fallback). Any worker of the fleet accepts any callback.",
        valueName: "port"))
    var webhookPort: Int?

    @Option(help: "Address the webhook listener binds to.")
    var webhookHost: String = "127.0.0.1"

    @Option(help: ArgumentHelp(
        "The public base URL that reaches the workers' webhook port (a tunnel or load balancer); default http://WEBHOOK-HOST:PORT, which only a provider on this machine reaches.",
        valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("Testing aid: wait this many seconds between polls of a render.", visibility: .hidden))
    var debugPollDelay: Double?

    @Option(help: "This worker's name in leases and logs (default: host-pid-random).")
    var name: String?

    func validate() throws {
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if !(lease >= 0.5) { throw ValidationError("--lease must be at least 0.5 seconds") }
        if !(drain >= 0) { throw ValidationError("--drain must be 0 or more seconds") }
        if !(poll > 0) { throw ValidationError("--poll must be positive") }
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0...65535") }
        if let webhookPort, !(0...65535).contains(webhookPort) { throw ValidationError("--webhook-port must be 0...65535") }
        if let publicURL {
            guard webhookPort != nil else { throw ValidationError("--public-url needs --webhook-port (the port it reaches)") }
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil
            else { throw ValidationError("--public-url must be an http(s) URL, e.g. https://hooks.example.com") }
        }
        if let debugPollDelay, !(debugPollDelay > 0) { throw ValidationError("--debug-poll-delay must be positive") }
        if workDir != nil, !store.lowercased().hasPrefix("s3://") {
            throw ValidationError("--work-dir is for an s3:// store; a folder store is the worker's folder")
        }
    }

    func run() async throws {
        var logger = Logger(label: "clipkit.worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["CLIPKIT_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let url: QueueURL
        do { url = try QueueURL(parsing: queue) } catch { throw ValidationError(error.description) }
        let workerName = name ?? WorkerConfiguration.defaultName()
        let artefacts: ArtefactStore
        do {
            artefacts = try bucket.store(store, cache: workDir ?? Self.defaultWorkDirectory(worker: workerName))
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        // The default cache of a bucket store belongs to this process alone (named after it): gone with it.
        let temporaryCache = artefacts.bucket != nil && workDir == nil ? artefacts.localRoot : nil
        defer { if let temporaryCache { try? FileManager.default.removeItem(atPath: temporaryCache) } }
        do {
            try FileManager.default.createDirectory(atPath: artefacts.localRoot, withIntermediateDirectories: true)
        } catch {
            Output.error("\(artefacts.localRoot): cannot create the \(artefacts.bucket == nil ? "store" : "work folder"): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        // A bucket that cannot be written and read back is found now, before anything is claimed or paid for.
        do {
            try await artefacts.probe(name: workerName)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        do {
            var quiet = logger
            quiet.logLevel = .error
            try await PostgresJobQueue.checkReachable(url, logger: quiet)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        let registryForMetrics = metricsPort.map { _ in MetricsServer.bootstrap() }

        let client = PostgresJobQueue.client(for: url, logger: logger)
        let jobQueue = PostgresJobQueue(client: client, schema: url.schema, logger: logger)
        guard !WorkerExecutors.registry(store: artefacts, logger: logger).jobKinds.isEmpty else {
            Output.error("no step executor is registered: this worker cannot run any kind of job")
            throw ExitCode.failure
        }
        let configuration = WorkerConfiguration(
            name: workerName, concurrency: concurrency, leaseSeconds: lease,
            idlePollSeconds: poll, drainSeconds: drain, stepDelaySeconds: debugStepDelay)
        let (pollDelay, workerLogger) = (debugPollDelay, logger)
        let makeWorker: @Sendable (FleetWebhooks?) -> Worker = { webhooks in
            Worker(
                queue: jobQueue,
                registry: WorkerExecutors.registry(store: artefacts, logger: workerLogger, webhooks: webhooks, pollDelay: pollDelay),
                configuration: configuration, logger: workerLogger)
        }
        let listener = webhookPort.map {
            WebhookListener(host: webhookHost, port: $0, publicURL: publicURL.flatMap(URL.init(string:)))
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: client)]
        if let registryForMetrics, let metricsPort {
            services.append(.init(service: MetricsServer(
                registry: registryForMetrics, queue: jobQueue, host: metricsHost, port: metricsPort, logger: logger)))
        }
        services.append(.init(service: StartThenRun(
            queue: jobQueue, makeWorker: makeWorker, listener: listener, url: url, logger: logger),
                              successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as Failure {
            Output.error(error.message)
            throw ExitCode.failure
        } catch {
            Output.error("the worker stopped: \(error)")
            throw ExitCode.failure
        }
    }

    /// A bucket store's default cache: a folder of this process's own in the system's temporary directory,
    /// named after the worker and its process id (two workers given the same --name do not share it).
    static func defaultWorkDirectory(worker: String) -> String {
        let safe = String(worker.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        let pid = ProcessInfo.processInfo.processIdentifier
        return (NSTemporaryDirectory() as NSString).appendingPathComponent("clipkit-worker-\(safe)-\(pid)")
    }
}

/// Where a worker receives provider webhooks.
struct WebhookListener: Sendable {
    var host: String
    var port: Int
    var publicURL: URL?
}

/// Migrates the schema, starts the webhook listener if asked (with the fleet's key from the queue), then runs
/// the worker (after the client is up, before it goes down).
private struct StartThenRun: Service {
    let queue: PostgresJobQueue
    let makeWorker: @Sendable (FleetWebhooks?) -> Worker
    let listener: WebhookListener?
    let url: QueueURL
    let logger: Logger

    func run() async throws {
        do {
            try await queue.migrate()
        } catch {
            throw Failure(message: "cannot use the queue at \(url): \(error)")
        }
        guard let listener else { return try await makeWorker(nil).run() }
        let key: String
        do {
            key = try await queue.webhookKey()
        } catch {
            throw Failure(message: "cannot read the fleet's webhook key from the queue at \(url): \(error)")
        }
        // Checking a callback needs only the key; the public URL may name the port bound (when 0 was asked).
        guard var webhooks = FleetWebhooks(key: key, publicURL: listener.publicURL ?? URL(string: "http://127.0.0.1")!) else {
            throw Failure(message: "the queue's webhook key is not valid: delete the row webhook_key of clipkit_settings to make a new one")
        }
        let queue = self.queue
        let server: FleetWebhookServer
        do {
            server = try await FleetWebhookServer.start(
                host: listener.host, port: listener.port, webhooks: webhooks, logger: logger,
                observe: { provider, outcome, seconds in
                    QueueMetrics.webhook(provider: provider, outcome: outcome.rawValue, seconds: seconds)
                },
                wake: { reference, taskID in try await queue.wake(clientRef: reference, providerTaskID: taskID) })
        } catch {
            throw Failure(message: "\(error)")
        }
        webhooks.publicURL = listener.publicURL ?? server.localURL
        logger.info("receiving webhooks", metadata: [
            "listen": "\(server.localURL.absoluteString)", "public": "\(webhooks.publicURL.absoluteString)"])
        do {
            try await makeWorker(webhooks).run()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

/// The executors this build of clipkit has, by job kind: `check` jobs in one step; `extend` and `generate`
/// jobs one step of one segment at a time (``ChainStepExecutor``), with clips, frames and outputs in `store`.
enum WorkerExecutors {
    static func registry(
        store: ArtefactStore, logger: Logger = Logger(label: "clipkit.fleet"), webhooks: FleetWebhooks? = nil,
        pollDelay: Double? = nil
    ) -> StepExecutorRegistry {
        var registry = StepExecutorRegistry()
        registry.register(CheckStepExecutor(), forJobKind: "check")
        let chains = ChainFleetExecutor(
            chain: ChainStepExecutor(artefacts: store, logger: logger, webhooks: webhooks, pollDelay: pollDelay))
        registry.register(chains, forJobKind: "extend")
        registry.register(chains, forJobKind: "generate")
        return registry
    }
}

/// Runs the steps of `extend` and `generate` jobs through the pipeline's ``ChainStepExecutor``: the queue's
/// claimed step and lease in, the queue's outcome out.
struct ChainFleetExecutor: StepExecutor {
    let chain: ChainStepExecutor

    /// The pipeline's view of a lease: the two token-conditional writes of a paid submit.
    private struct Lease: ChainStepLease {
        let handle: LeaseHandle
        func markSubmitting() async throws { try await handle.markSubmitting() }
        func recordTaskID(_ taskID: String) async throws { try await handle.recordTaskID(taskID) }
    }

    func execute(_ step: ClaimedStep, lease: LeaseHandle) async throws -> StepOutcome {
        guard let kind = ChainStep.Kind(rawValue: step.kind) else {
            return .failed(reason: "segment \(step.segment + 1): unknown step \(step.kind)", category: "invalid_job")
        }
        let outcome = try await chain.execute(
            ChainStep(
                jobID: step.jobID, spec: step.spec, segment: step.segment, kind: kind, take: step.take,
                payload: step.payload, providerTaskID: step.providerTaskID, attempt: step.attempt, clientRef: step.clientRef),
            lease: Lease(handle: lease))
        switch outcome {
        case .done(let result, let next, let output, let cost):
            Self.recordMetrics(kind: kind, provider: step.provider, result: result)
            return .done(StepResult(
                result: result,
                next: next.map {
                    NewStep(segment: $0.segment, kind: $0.kind.rawValue, provider: $0.provider, payload: $0.payload,
                            maxAttempts: $0.maxAttempts, delay: $0.delay, take: $0.take)
                },
                jobOutput: output, cost: cost))
        case .wait(let seconds): return .wait(seconds: seconds)
        case .retry(let seconds, let reason): return .retry(seconds: seconds, reason: reason)
        case .rateLimited(let provider, let seconds): return .rateLimited(provider: provider, seconds: seconds)
        case .needsAttention(let reason): return .needsAttention(reason: reason)
        case .failed(let reason, let category): return .failed(reason: reason, category: category)
        }
    }

    /// Render time (from an `await` that saw the task finish) and QA failures by check (from a `check`).
    private static func recordMetrics(kind: ChainStep.Kind, provider: String?, result: String) {
        guard kind == .await || kind == .check,
            let object = (try? JSONSerialization.jsonObject(with: Data(result.utf8))) as? [String: Any]
        else { return }
        if kind == .await, let provider, let seconds = (object["generation_s"] as? String).flatMap(Double.init) {
            QueueMetrics.renderTime(provider: provider, seconds: seconds)
        }
        if kind == .check, let failed = object["failed_checks"] as? String {
            for check in failed.split(separator: ",") { QueueMetrics.qaFailure(check: String(check)) }
        }
    }
}

/// Runs a `check` job's single step: validates the clip; a failing verdict fails the job (category `qa`).
struct CheckStepExecutor: StepExecutor {
    func execute(_ step: ClaimedStep, lease: LeaseHandle) async throws -> StepOutcome {
        let job: CheckJob
        do {
            job = try CheckJob(spec: step.spec)
        } catch {
            return .failed(reason: "the check job's line is not valid: \(error)", category: "invalid_job")
        }
        let report: ValidationReport
        do {
            report = try await job.run()
        } catch {
            return .failed(reason: "\(error)", category: "invalid_job")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let result = String(decoding: try encoder.encode(report), as: UTF8.self)
        let failing = report.checks.filter { $0.status == .fail }
        for check in failing { QueueMetrics.qaFailure(check: check.name.rawValue) }
        if report.verdict == .fail {
            let reasons = failing.map { "\($0.name.rawValue): \($0.message)" }.joined(separator: "; ")
            return .failed(reason: "\(job.path): QA failed: \(reasons)", category: "qa")
        }
        return .done(StepResult(result: result, jobOutput: job.path))
    }
}
