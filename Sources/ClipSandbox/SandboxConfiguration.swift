import Foundation

/// How a ``SandboxServer`` listens, paces tasks, renders clips and misbehaves.
public struct SandboxConfiguration: Sendable {
    /// The key every provider route accepts unless ``apiKey`` is changed.
    public static let defaultAPIKey = "sandbox-key"

    /// The address to bind; loopback by default.
    public var host: String
    /// The port to bind; 0 picks a free one (read it back from ``SandboxServer/port``).
    public var port: Int
    /// The time a task stays in each non-terminal state (queued, then running), in seconds; 0 for tests.
    public var stepDelay: Double
    /// Faults to inject, each for the next N occasions.
    public var faults: SandboxFaults
    /// Scale applied to every rendered size (0 < scale ≤ 1); tests render small clips with e.g. 0.25.
    public var renderScale: Double
    /// The API key all four wire formats accept (`x-api-key`, Bearer, `Api-Key`).
    public var apiKey: String
    /// How long a file link stays valid, in seconds; a fresh link is minted on every task GET.
    public var linkLifetime: Double
    /// Where clips, thumbnails and uploads are stored; nil makes a fresh temporary directory, removed by
    /// ``SandboxServer/stop()``.
    public var storageDirectory: URL?
    /// How many times a webhook is retried after a non-2xx answer or a connection error.
    public var webhookRetries: Int
    /// The pause between webhook attempts, in seconds.
    public var webhookRetryDelay: Double
    /// The `Retry-After` seconds of an injected 429.
    public var retryAfterSeconds: Int
    /// How much each generation from a start image darkens and flattens, as generators do (on by default,
    /// 2.5 % per generation; ``GenerationDrift/none`` disables it).
    public var drift: GenerationDrift
    /// Seconds a create's answer is held back, after the task was created, when a `delay-create-answer`
    /// fault fires (the task exists and runs meanwhile), so a test can kill a client while its create is in
    /// flight.
    public var createAnswerDelay: Double
    /// The answer family of KKIAI's routes (the web app's generation object by default).
    public var kkiaiAnswers: KKIAIAnswerFamily

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        stepDelay: Double = 1.0,
        faults: SandboxFaults = SandboxFaults(),
        renderScale: Double = 1.0,
        apiKey: String = SandboxConfiguration.defaultAPIKey,
        linkLifetime: Double = 3600,
        storageDirectory: URL? = nil,
        webhookRetries: Int = 3,
        webhookRetryDelay: Double = 0.1,
        retryAfterSeconds: Int = 1,
        drift: GenerationDrift = .default,
        createAnswerDelay: Double = 30,
        kkiaiAnswers: KKIAIAnswerFamily = .generation
    ) {
        self.host = host
        self.port = port
        self.stepDelay = stepDelay
        self.faults = faults
        self.renderScale = renderScale
        self.apiKey = apiKey
        self.linkLifetime = linkLifetime
        self.storageDirectory = storageDirectory
        self.webhookRetries = webhookRetries
        self.webhookRetryDelay = webhookRetryDelay
        self.retryAfterSeconds = retryAfterSeconds
        self.drift = drift
        self.createAnswerDelay = createAnswerDelay
        self.kkiaiAnswers = kkiaiAnswers
    }

    /// The configuration tests use: no delays, quarter-size clips.
    public static func forTesting(
        renderScale: Double = 0.25, faults: SandboxFaults = SandboxFaults(), drift: GenerationDrift = .default
    ) -> SandboxConfiguration {
        SandboxConfiguration(
            stepDelay: 0, faults: faults, renderScale: renderScale, webhookRetryDelay: 0.01, drift: drift)
    }

    /// Checks every value, naming the first one out of range.
    /// - Throws: ``SandboxError`` for a bad value.
    public func validate() throws {
        guard (0...65535).contains(port) else {
            throw SandboxError.invalidConfiguration("port \(port) is outside 0...65535")
        }
        guard stepDelay >= 0, stepDelay.isFinite else {
            throw SandboxError.invalidConfiguration("delay \(stepDelay) must be ≥ 0 seconds")
        }
        guard renderScale > 0, renderScale <= 1 else {
            throw SandboxError.invalidConfiguration("render scale \(renderScale) must be in (0, 1]")
        }
        guard !apiKey.isEmpty else { throw SandboxError.invalidConfiguration("the API key must not be empty") }
        guard linkLifetime > 0 else { throw SandboxError.invalidConfiguration("link lifetime must be > 0 seconds") }
        guard webhookRetries >= 0 else { throw SandboxError.invalidConfiguration("webhook retries must be ≥ 0") }
        guard drift.isValid else {
            throw SandboxError.invalidConfiguration(
                "drift \(drift.luma)/\(drift.contrast)/\(drift.saturation) must be in 0..<1 per generation")
        }
        guard createAnswerDelay >= 0, createAnswerDelay.isFinite else {
            throw SandboxError.invalidConfiguration("create answer delay \(createAnswerDelay) must be ≥ 0 seconds")
        }
    }
}
