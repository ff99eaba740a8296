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

    @Option(help: "S3-compatible endpoint for --frame-hosting s3 (default: AWS_ENDPOINT_URL, else AWS; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).")
    var s3Endpoint: String?

    @Option(help: "Bucket for --frame-hosting s3.")
    var s3Bucket: String?

    @Option(help: "Region for --frame-hosting s3.")
    var s3Region: String = "us-east-1"
}

extension FrameHosting: ExpressibleByArgument {}

extension HostingOptions {
    func settings(webhooks: Bool, webhookURL: String? = nil) throws -> HostingSettings {
        let publicURL = try (webhookURL ?? self.publicURL).map { text -> URL in
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw PipelineError("--public-url \(text): not an http(s) URL")
            }
            return url
        }
        let s3Endpoint = try self.s3Endpoint.map { text -> URL in
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw PipelineError("--s3-endpoint \(text): not an http(s) URL")
            }
            return url
        }
        return HostingSettings(
            frameHosting: frameHosting, publicURL: publicURL, listenPort: listenPort, s3Endpoint: s3Endpoint,
            s3Bucket: s3Bucket, s3Region: s3Region, webhooks: webhooks)
    }
}

extension ProviderOptions {
    /// The provider's configuration; with `--provider sandbox`, the sandbox is started first and returned.
    func configuration(logger: Logger) async throws -> (ProviderConfiguration, SandboxServer?) {
        if provider == "sandbox" {
            var faults = SandboxFaults()
            if let spec = sandboxFaults ?? ProcessInfo.processInfo.environment["CLIPKIT_SANDBOX_FAULTS"] {
                faults = try SandboxFaults(spec: spec)
            }
            let sandbox = try await SandboxServer.start(
                SandboxConfiguration(stepDelay: sandboxDelay, faults: faults), logger: logger)
            let configuration = try ProviderConfiguration.resolve(
                kind, apiKey: SandboxConfiguration.defaultAPIKey, baseURL: sandbox.baseURL, uploadBaseURL: sandbox.baseURL,
                environment: [:])
            return (configuration, sandbox)
        }
        return (try Self.configuration(kind, apiKey: apiKey, baseURL: baseURL, uploadBaseURL: uploadBaseURL, config: config), nil)
    }

    /// A real provider's configuration, with a key.
    static func configuration(
        _ kind: ProviderKind, apiKey: String?, baseURL: String?, uploadBaseURL: String?, config: String?
    ) throws -> ProviderConfiguration {
        let configuration = try ProviderConfiguration.resolve(
            kind, apiKey: apiKey, baseURL: baseURL, uploadBaseURL: uploadBaseURL,
            configFile: config.map { URL(fileURLWithPath: $0) })
        guard configuration.apiKey != nil else {
            throw PipelineError("no API key for \(kind.displayName): pass --api-key or set \(kind.apiKeyEnvironmentVariable)")
        }
        return configuration
    }
}

/// The logger of the pipeline commands: warnings by default, `CLIPKIT_LOG=debug` for more.
func pipelineLogger() -> Logger {
    var logger = Logger(label: "clipkit")
    logger.logLevel = ProcessInfo.processInfo.environment["CLIPKIT_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}

/// One line of progress on stderr.
@Sendable func reportProgress(_ line: String) {
    FileHandle.standardError.write(Data("clipkit: \(line)\n".utf8))
}
