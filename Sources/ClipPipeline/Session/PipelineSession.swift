import ClipMedia
import ClipProviders
import Foundation
import Logging

/// How local images reach the provider, and ClipKit's server for hosted frames and webhooks.
public struct HostingSettings: Sendable {
    public var frameHosting: FrameHosting
    /// A public base URL (a tunnel) that reaches ClipKit's server.
    public var publicURL: URL?
    public var listenPort: Int
    /// The S3-compatible endpoint; nil: `AWS_ENDPOINT_URL`, else AWS.
    public var s3Endpoint: URL?
    public var s3Bucket: String?
    public var s3Region: String
    /// Whether requests carry a webhook callback URL (polling stays the fallback).
    public var webhooks: Bool

    public init(
        frameHosting: FrameHosting = .auto, publicURL: URL? = nil, listenPort: Int = 0, s3Endpoint: URL? = nil,
        s3Bucket: String? = nil, s3Region: String = "us-east-1", webhooks: Bool = false
    ) {
        self.frameHosting = frameHosting
        self.publicURL = publicURL
        self.listenPort = listenPort
        self.s3Endpoint = s3Endpoint
        self.s3Bucket = s3Bucket
        self.s3Region = s3Region
        self.webhooks = webhooks
    }
}

/// Everything a `generate` or `extend` run is wired to: the provider client, ClipKit's server, the frame
/// host, the journal, the QA check and the chain engine. ``prepare(_:)`` resolves and proves the whole
/// plan before anything is paid for; ``run(_:)`` runs it.
public struct PipelineSession: Sendable {
    public let provider: any VideoGenerationProvider
    public let configuration: ProviderConfiguration
    public let server: ClipServer?
    public let journal: SQLiteJournal
    public private(set) var engine: ChainEngine
    public let hosting: HostingSettings
    public let workDirectory: String
    public let library: PresetLibrary
    let host: FrameHost
    let logger: Logger

    /// - Parameters:
    ///   - fastPolling: poll every fraction of a second (the loopback sandbox).
    ///   - journal: the journal to record in (sessions of one batch share one); nil opens the one in
    ///     `workDirectory`.
    public static func open(
        configuration: ProviderConfiguration, hosting: HostingSettings, workDirectory: String,
        library: PresetLibrary = .standard(), fastPolling: Bool = false, journal: SQLiteJournal? = nil, logger: Logger,
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> PipelineSession {
        let provider = ProviderClients.make(configuration, options: ProviderClientOptions(logger: logger))
        let strategy = hosting.frameHosting.resolved(for: provider.capabilities)
        let wakeup = PollWakeup()
        let inbox = CallbackInbox()
        // PiAPI sends this secret back in x-webhook-secret; the others sign nothing (the URL token authenticates).
        let webhookSecret = hosting.webhooks ? WebhookToken.random() : nil
        var server: ClipServer?
        if strategy == .server || hosting.webhooks {
            server = try await ClipServer.start(
                .init(port: hosting.listenPort, publicURL: hosting.publicURL, webhookSecret: webhookSecret),
                logger: logger,
                onCallback: { callback in
                    await inbox.record(callback)
                    wakeup.signal()
                })
        }
        var bucket: S3Bucket?
        if strategy == .s3 {
            guard let name = hosting.s3Bucket else {
                throw PipelineError("--frame-hosting s3 needs --s3-bucket (and AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
            }
            bucket = try S3Bucket.configured(
                name: name, endpoint: hosting.s3Endpoint?.absoluteString, region: hosting.s3Region,
                environment: ProcessInfo.processInfo.environment)
        }
        let host = try FrameHost(strategy: hosting.frameHosting, provider: provider, server: server, bucket: bucket)
        let journal = try journal ?? SQLiteJournal(path: (workDirectory as NSString).appendingPathComponent("journal.sqlite"))
        let runner = GenerationRunner(
            provider: provider,
            poller: TaskPoller(
                initialDelay: fastPolling ? .milliseconds(200) : .seconds(5),
                maximumInterval: fastPolling ? .seconds(1) : .seconds(30), logger: logger),
            downloader: Downloader(trustedBaseURL: configuration.baseURL, logger: logger), logger: logger)
        var webhook: WebhookFactory?
        if hosting.webhooks, let server {
            let kind = provider.kind
            webhook = { reference in
                (await server.callbackURL(for: kind, reference: reference), kind == .piapi ? webhookSecret : nil)
            }
        }
        let segmentRunner = SegmentRunner(
            provider: provider, runner: runner, journal: journal, check: QualityGate.check, logger: logger, wakeup: wakeup,
            callbacks: inbox, webhook: webhook)
        let engine = ChainEngine(
            provider: provider, segmentRunner: segmentRunner, journal: journal, host: host, workDirectory: workDirectory,
            baseURL: configuration.baseURL.absoluteString, logger: logger, report: report)
        return PipelineSession(
            provider: provider, configuration: configuration, server: server, journal: journal, engine: engine,
            hosting: hosting, workDirectory: workDirectory, library: library, host: host, logger: logger)
    }

    /// Resolves every segment of `plan` and proves, before anything is paid for, that the run can go
    /// through: every request valid, the frame-hosting route usable by this provider, the output and work
    /// folders writable.
    /// - Throws: ``PipelineError`` saying what to change. A refusal costs nothing.
    public func prepare(_ plan: ChainPlan) async throws -> ResolvedChain {
        try Self.requireOutputLocation(plan.output)
        try Self.requireWritableFolder(workDirectory, for: "the work folder", create: true)
        let planner = ChainPlanner(
            profile: provider.kind.profile, library: library, hosting: host.strategy, webhooks: hosting.webhooks)
        let chain = try planner.resolve(plan)
        try await proveRoutes(for: chain)
        return chain
    }

    /// Runs a prepared chain: finds the run this plan continues (or creates it) and drives it to the end.
    public func run(_ chain: ResolvedChain) async throws -> ChainResult {
        let (run, plan, finished) = try await engine.openRun(for: chain.plan)
        if let finished {
            engine.report("\(plan.output): run \(run.id) finished earlier; nothing to do")
            return finished
        }
        var chain = chain
        chain.plan = plan
        let result = try await engine.run(chain, as: run)
        try await writeSidecar(result: result, chain: chain)
        return result
    }

    /// The same session, its progress lines going to `report` (one job's lines in a batch).
    public func reporting(to report: @escaping @Sendable (String) -> Void) -> PipelineSession {
        var copy = self
        copy.engine.report = report
        return copy
    }

    public func close() async {
        await server?.stop()
    }

    // MARK: - Proving the plan

    private func proveRoutes(for chain: ResolvedChain) async throws {
        let plan = chain.plan
        let localImages = [plan.startImage, plan.endImage].compactMap { $0 }.filter { !ChainPlanner.isURL($0) }
        let needsHosting = !localImages.isEmpty || chain.segments.contains { $0.start == .previousLastFrame }
        let providerIsLocal = Self.isLoopback(configuration.baseURL)
        if needsHosting && host.strategy == .server, let server, !providerIsLocal, Self.isLoopback(server.publicURL) {
            throw PipelineError(
                "\(provider.kind.displayName) fetches images by URL, and ClipKit's server is only on \(server.publicURL.absoluteString) (loopback): pass --public-url with a tunnel to port \(server.port), or --frame-hosting s3")
        }
        if hosting.webhooks, let server, !providerIsLocal, Self.isLoopback(server.publicURL) {
            throw PipelineError(
                "webhooks: \(provider.kind.displayName) cannot reach ClipKit's server on loopback; pass --public-url (a tunnel) or leave webhooks off (polling works)")
        }
        if needsHosting && (host.strategy == .upload || host.strategy == .s3) {
            // One tiny image through the route before any task is paid for.
            let probe = (workDirectory as NSString).appendingPathComponent(".route-probe.png")
            defer { try? FileManager.default.removeItem(atPath: probe) }
            try await MediaWork.run { try ImageCodec.write(RGBImage(width: 16, height: 16, red: 128, green: 128, blue: 128), to: probe, as: .png) }
            do {
                _ = try await host.source(for: probe)
            } catch {
                let alternative = host.strategy == .upload ? "--frame-hosting s3, or server with --public-url" : "--frame-hosting server with --public-url"
                throw PipelineError(
                    "frame hosting: a test image could not go through \(host.strategy.rawValue) (\(error)); nothing was submitted. Use \(alternative)")
            }
        }
    }

    public static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    /// Refuses an output whose folder is missing or not writable, or that is a directory, before a
    /// session creates anything (its work folder sits beside the output by default).
    public static func requireOutputLocation(_ output: String) throws {
        try requireWritableFolder((output as NSString).deletingLastPathComponent, for: "the output")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            throw PipelineError("\(output): is a directory, not an output file")
        }
    }

    static func requireWritableFolder(_ path: String, for what: String, create: Bool = false) throws {
        let folder = path.isEmpty ? "." : path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard create else { throw PipelineError("\(folder): no such folder for \(what)") }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw PipelineError("\(folder): cannot create \(what) (\(error.localizedDescription))")
            }
        } else if !isDirectory.boolValue {
            throw PipelineError("\(folder): not a folder, cannot hold \(what)")
        }
        // Permission bits do not stop root: prove it by writing.
        let probe = (folder as NSString).appendingPathComponent(".clipkit-write-test-\(getpid())")
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw PipelineError("\(folder): not writable, cannot hold \(what)")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    // MARK: - The output's sidecar

    /// The output's sidecar: the request, the tasks, timings, provider URLs, expectations, probe and QA.
    func writeSidecar(result: ChainResult, chain: ResolvedChain) async throws {
        let attempts = try await journal.attempts(runID: result.runID)
        let events = try await journal.events(runID: result.runID)
        let chosen = result.segments.compactMap { segment in
            attempts.first { $0.segment == segment.segment - 1 && $0.attempt == segment.attempts - 1 }
        }
        var providerURLs: [String: String]?
        if let last = chosen.last,
            let urls = events.last(where: { $0.step == "completed" && $0.segment == last.segment && $0.attempt == last.attempt })?.detail
        {
            providerURLs = try? JSONDecoder().decode([String: String].self, from: Data(urls.utf8))
        }
        try await Self.writeSidecar(
            result: result, chain: chain, providerURLs: providerURLs, generationSeconds: chosen.last?.generationSeconds,
            firstReport: chosen.first?.report)
    }

    /// Writes the output's sidecar from a finished chain's result (shared by the single-process engine and the
    /// fleet's last hand-over).
    /// - Parameters:
    ///   - providerURLs: the last task's URLs (video, thumbnail, ...), as the provider gave them.
    ///   - generationSeconds: the last task's render time.
    ///   - firstReport: the first segment's QA report (JSON), shown as the sidecar's QA for a single clip.
    static func writeSidecar(
        result: ChainResult, chain: ResolvedChain, providerURLs: [String: String]?, generationSeconds: Double?,
        firstReport: String?
    ) async throws {
        let plan = chain.plan
        var sidecar = ClipSidecar()
        let first = chain.segments[0]
        var request = result.segments.first?.request ?? ClipSidecar.Request(first.request, provider: plan.provider)
        if plan.segments > 1 {
            request.durationSeconds = result.durationSeconds ?? request.durationSeconds
            request.prompt = plan.prompts.joined(separator: " / ")
        }
        sidecar.request = request
        sidecar.provider = plan.provider.rawValue
        sidecar.taskID = result.segments.last?.taskID
        sidecar.cost = Self.total(result.segments.compactMap(\.cost))
        sidecar.providerURLs = providerURLs
        sidecar.timings = generationSeconds.map { ["generation_s": $0] }
        sidecar.probe = try? await MediaWork.run { [output = plan.output] in try MediaProbe.probe(path: output) }
        if plan.segments == 1 {
            sidecar.expectations = result.segments.first?.expectations ?? first.expectations.expectations
            sidecar.expectationSource = result.segments.first?.expectationSource ?? first.expectations.source
            if let report = firstReport {
                sidecar.qa = try? JSONDecoder().decode(ValidationReport.self, from: Data(report.utf8))
            }
        } else {
            var expectations = first.expectations.expectations
            if let seconds = result.durationSeconds { expectations.duration = DurationExpectation(seconds: seconds) }
            sidecar.expectations = expectations
            sidecar.expectationSource = "the segments' (\(first.expectations.source)), joined: \(result.segments.count) segments"
            sidecar.seamFrames = result.seamFrames
            let starts = [0] + (result.seamFrames ?? [])
            sidecar.segments = result.segments.enumerated().map { index, segment in
                var record = ClipSidecar.Segment(segment: segment.segment)
                record.prompt = segment.request?.prompt
                record.provider = plan.provider.rawValue
                record.model = segment.request?.model
                record.taskID = segment.taskID
                record.cost = segment.cost
                record.firstFrame = index < starts.count ? starts[index] : nil
                if index < starts.count, let total = result.frameCount {
                    record.frameCount = (index + 1 < starts.count ? starts[index + 1] : total) - starts[index]
                }
                record.seamPSNR = segment.seamPSNR
                record.seamSSIM = segment.seamSSIM
                record.seamPSNRCorrected = segment.seamPSNRCorrected
                record.seamSSIMCorrected = segment.seamSSIMCorrected
                record.driftBefore = segment.driftBefore
                record.driftAfter = segment.driftAfter
                record.verdict = segment.verdict
                return record
            }
            let output = plan.output
            let joinedExpectations = expectations
            // The seam check reads the seam frames from the sidecar: write it first, then check.
            try sidecar.write(beside: output)
            sidecar.qa = try await MediaWork.run {
                SeamCheck.adding(to: ClipValidator(expectations: joinedExpectations).validate(path: output))
            }
        }
        try sidecar.write(beside: plan.output)
    }

    static func total(_ costs: [TaskCost]) -> TaskCost? {
        guard let unit = costs.first?.unit, costs.allSatisfy({ $0.unit == unit }) else { return nil }
        return TaskCost(amount: costs.reduce(0) { $0 + $1.amount }, unit: unit)
    }
}

/// The QA check of a freshly downloaded clip, against the expectations of the request that was sent.
enum QualityGate {
    @Sendable static func check(_ path: String, _ expectations: ClipExpectations) async -> CheckOutcome {
        do {
            return try await MediaWork.run {
                let report = ClipValidator(expectations: expectations).validate(path: path)
                return CheckOutcome(verdict: report.verdict.rawValue, report: (try? JSONEncoder.sorted.encode(report)) ?? Data())
            }
        } catch {
            return CheckOutcome(verdict: "fail", report: Data("{\"error\":\"\(error)\"}".utf8))
        }
    }
}
