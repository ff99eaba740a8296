import ArgumentParser
import ClipMedia
import ClipPipeline
import ClipProviders
import ClipSandbox
import Foundation
import Logging

/// Which provider to talk to, and how to reach it.
struct ProviderOptions: ParsableArguments {
    @Option(help: "piapi, kkiai, pixwith, luma, or sandbox (the built-in loopback sandbox; no key, no network).")
    var provider: String = "sandbox"

    @Option(help: "With --provider sandbox: which provider's wire format the sandbox speaks.")
    var sandboxAs: String = "piapi"

    @Option(help: "Seconds per sandbox status step (queued, running, done).")
    var sandboxDelay: Double = 0.3

    @Option(help: "Sandbox faults to inject, e.g. fail-task:1,rate-limit-create:1 (also CLIPKIT_SANDBOX_FAULTS).")
    var sandboxFaults: String?

    @Option(help: "API key (else the provider's *_API_KEY variable or the config file). Never logged.")
    var apiKey: String?

    @Option(help: "Base URL (else CLIPKIT_<PROVIDER>_BASE_URL or the config file).")
    var baseURL: String?

    @Option(help: "PiAPI's upload base URL (else CLIPKIT_PIAPI_UPLOAD_BASE_URL, else PiAPI's upload host).")
    var uploadBaseURL: String?

    @Option(help: "Configuration file (JSON) with keys and base URLs.")
    var config: String?

    func validate() throws {
        guard provider == "sandbox" || ProviderKind(rawValue: provider) != nil else {
            throw ValidationError("--provider must be one of piapi, kkiai, pixwith, luma, sandbox (got '\(provider)')")
        }
        guard ProviderKind(rawValue: sandboxAs) != nil else {
            throw ValidationError("--sandbox-as must be one of piapi, kkiai, pixwith, luma")
        }
    }

    var kind: ProviderKind { ProviderKind(rawValue: provider) ?? ProviderKind(rawValue: sandboxAs)! }
}

/// How local images reach the provider.
struct HostingOptions: ParsableArguments {
    @Option(help: "auto, data-uri, upload, server or s3 (auto: inline where accepted, else the provider's upload, else ClipKit's server).")
    var frameHosting: FrameHosting = .auto

    @Option(help: "Public base URL (a tunnel) that reaches ClipKit's server, for hosted frames and webhooks.")
    var publicURL: String?

    @Option(help: "Port for ClipKit's server (0 picks one).")
    var listenPort: Int = 0

    @Option(help: "S3-compatible endpoint for --frame-hosting s3 (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).")
    var s3Endpoint: String = "https://s3.amazonaws.com"

    @Option(help: "Bucket for --frame-hosting s3.")
    var s3Bucket: String?

    @Option(help: "Region for --frame-hosting s3.")
    var s3Region: String = "us-east-1"
}

extension FrameHosting: ExpressibleByArgument {}

/// Everything a generate or extend run is wired to: the provider (and the sandbox behind it), ClipKit's
/// server, the journal, the QA check.
struct PipelineSession {
    let provider: any VideoGenerationProvider
    let sandbox: SandboxServer?
    let server: ClipServer?
    let journal: SQLiteJournal
    let engine: ChainEngine

    static func open(
        providerOptions: ProviderOptions, hosting: HostingOptions, workDirectory: String, plan: ChainPlan,
        webhookURL: String?, logger: Logger
    ) async throws -> PipelineSession {
        var sandbox: SandboxServer?
        var configuration: ProviderConfiguration
        if providerOptions.provider == "sandbox" {
            var faults = SandboxFaults()
            if let spec = providerOptions.sandboxFaults ?? ProcessInfo.processInfo.environment["CLIPKIT_SANDBOX_FAULTS"] {
                faults = try SandboxFaults(spec: spec)
            }
            sandbox = try await SandboxServer.start(
                SandboxConfiguration(stepDelay: providerOptions.sandboxDelay, faults: faults), logger: logger)
            configuration = try ProviderConfiguration.resolve(
                providerOptions.kind, apiKey: SandboxConfiguration.defaultAPIKey, baseURL: sandbox!.baseURL,
                uploadBaseURL: sandbox!.baseURL, environment: [:])
        } else {
            configuration = try ProviderConfiguration.resolve(
                providerOptions.kind, apiKey: providerOptions.apiKey, baseURL: providerOptions.baseURL,
                uploadBaseURL: providerOptions.uploadBaseURL, configFile: providerOptions.config.map { URL(fileURLWithPath: $0) })
            guard configuration.apiKey != nil else {
                throw PipelineError("no API key for \(providerOptions.kind.displayName): pass --api-key or set \(providerOptions.kind.apiKeyEnvironmentVariable)")
            }
        }
        let provider = ProviderClients.make(configuration, options: ProviderClientOptions(logger: logger))
        let resolved = hosting.frameHosting.resolved(for: provider.capabilities)
        var server: ClipServer?
        let wakeup = PollWakeup()
        // PiAPI sends this secret back in x-webhook-secret; the others sign nothing (the URL token authenticates).
        let webhookSecret = webhookURL == nil ? nil : WebhookToken.random()
        if resolved == .server || webhookURL != nil {
            server = try await ClipServer.start(
                .init(
                    port: hosting.listenPort, publicURL: (webhookURL ?? hosting.publicURL).flatMap(URL.init(string:)),
                    webhookSecret: webhookSecret),
                logger: logger, onCallback: { _ in wakeup.signal() })
        }
        var bucket: S3Bucket?
        if resolved == .s3, let name = hosting.s3Bucket {
            let environment = ProcessInfo.processInfo.environment
            guard let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"],
                let endpoint = URL(string: hosting.s3Endpoint)
            else { throw PipelineError("--frame-hosting s3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and a valid --s3-endpoint") }
            bucket = S3Bucket(endpoint: endpoint, bucket: name, region: hosting.s3Region, accessKeyID: id, secretAccessKey: secret)
        }
        let host = try FrameHost(strategy: hosting.frameHosting, provider: provider, server: server, bucket: bucket)
        let journal = try SQLiteJournal(path: (workDirectory as NSString).appendingPathComponent("journal.sqlite"))
        let fast = sandbox != nil
        let runner = GenerationRunner(
            provider: provider,
            poller: TaskPoller(initialDelay: fast ? .milliseconds(200) : .seconds(5), maximumInterval: fast ? .seconds(1) : .seconds(30), logger: logger),
            downloader: Downloader(trustedBaseURL: configuration.baseURL, logger: logger), logger: logger)
        let check = QualityGate(plan: plan).check
        let segmentRunner = SegmentRunner(
            provider: provider, runner: runner, journal: journal, check: check, logger: logger, wakeup: wakeup)
        var engine = ChainEngine(
            provider: provider, segmentRunner: segmentRunner, journal: journal, host: host,
            workDirectory: workDirectory, logger: logger,
            report: { line in FileHandle.standardError.write(Data("clipkit: \(line)\n".utf8)) })
        if webhookURL != nil, let server {
            let kind = provider.kind
            // One token per submit; the chain engine does not pass its client reference here yet.
            engine.webhook = { (await server.callbackURL(for: kind, reference: UUID().uuidString), kind == .piapi ? webhookSecret : nil) }
        }
        return PipelineSession(provider: provider, sandbox: sandbox, server: server, journal: journal, engine: engine)
    }

    func close() async {
        await server?.stop()
        await sandbox?.stop()
    }
}

/// The QA check of a freshly downloaded clip: a sidecar with the request goes beside it first, so
/// the expectations (and any later `clipkit check`) follow from what was asked.
struct QualityGate: Sendable {
    let plan: ChainPlan

    var check: ClipCheck {
        let plan = self.plan
        return { path in
            let sidecar = ClipRecord(plan: plan, segmentPrompt: nil)
            try? sidecar.write(beside: path)
            return await Task.detached {
                let library = PresetLibrary.standard()
                let preset = plan.preset.flatMap { try? library.load($0) }
                let expectations = ExpectationPlanner(library: library, preset: preset).plan(for: path).expectations
                let report = ClipValidator(expectations: expectations).validate(path: path)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                return CheckOutcome(verdict: report.verdict.rawValue, report: (try? encoder.encode(report)) ?? Data())
            }.value
        }
    }
}

/// The `NAME.clip.json` sidecar: what was asked, of whom, what came back, and its QA report.
struct ClipRecord: Encodable {
    struct Request: Encodable {
        var provider: String
        var model: String?
        var prompt: String
        var durationSeconds: Int
        var aspectRatio: String
        var resolution: String?
        var loop: Bool
        var startImage: String?

        enum CodingKeys: String, CodingKey {
            case provider, model, prompt, resolution, loop
            case durationSeconds = "duration_s"
            case aspectRatio = "aspect_ratio"
            case startImage = "start_image"
        }
    }

    var request: Request
    var preset: String?
    var provider: String
    var taskID: String?
    var timings: [String: Double]?
    var providerURLs: [String: String]?
    var probe: MediaInfo?
    var qa: ValidationReport?
    /// For a joined chain: where each continuation begins in the output.
    var seamFrames: [Int]?

    enum CodingKeys: String, CodingKey {
        case request, preset, provider, timings, probe, qa
        case seamFrames = "seam_frames"
        case taskID = "task_id"
        case providerURLs = "provider_urls"
    }

    /// - Parameter joined: the record of a chain's joined output: it lasts all the segments, and no
    ///   single-clip preset describes it.
    init(plan: ChainPlan, segmentPrompt: String?, joined: Bool = false) {
        request = Request(
            provider: plan.provider.rawValue, model: plan.model, prompt: segmentPrompt ?? plan.prompts.first ?? "",
            durationSeconds: joined ? plan.duration * plan.segments : plan.duration, aspectRatio: plan.aspectRatio,
            resolution: plan.resolution, loop: plan.loop, startImage: plan.startImage)
        preset = joined ? nil : plan.preset
        provider = plan.provider.rawValue
    }

    func write(beside clip: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let path = URL(fileURLWithPath: clip).deletingPathExtension().appendingPathExtension("clip.json")
        let temporary = path.deletingLastPathComponent().appendingPathComponent(".\(path.lastPathComponent).part")
        try data.write(to: temporary)
        guard rename(temporary.path, path.path) == 0 else {
            throw PipelineError("\(path.path): cannot write the sidecar")
        }
    }
}

