import Logging

/// The settings every client shares besides its ``ProviderConfiguration``.
public struct ProviderClientOptions: Sendable {
    /// How requests are sent; ``AsyncHTTPTransport`` over `HTTPClient.shared` by default.
    public var transport: any HTTPTransport
    /// When calls are repeated.
    public var retryPolicy: RetryPolicy
    /// Clocks for backoff waits (tests inject a manual clock).
    public var clock: ProviderClock
    /// Deadline for one HTTP exchange.
    public var timeout: Duration
    /// Where client events go; keys never appear in them.
    public var logger: Logger?

    public init(
        transport: any HTTPTransport = AsyncHTTPTransport(),
        retryPolicy: RetryPolicy = .standard,
        clock: ProviderClock = .live,
        timeout: Duration = .seconds(60),
        logger: Logger? = nil
    ) {
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.timeout = timeout
        self.logger = logger
    }
}

/// Makes the client for a configuration.
public enum ProviderClients {
    /// The client for `configuration.kind`.
    public static func make(
        _ configuration: ProviderConfiguration, options: ProviderClientOptions = ProviderClientOptions()
    ) -> any VideoGenerationProvider {
        switch configuration.kind {
        case .piapi: PiAPIClient(configuration: configuration, options: options)
        case .kkiai: KKIAIClient(configuration: configuration, options: options)
        case .pixwith: PixwithClient(configuration: configuration, options: options)
        case .luma: LumaClient(configuration: configuration, options: options)
        }
    }
}

extension ProviderHTTPClient {
    init(configuration: ProviderConfiguration, options: ProviderClientOptions) {
        self.init(
            provider: configuration.kind,
            baseURL: configuration.baseURL,
            apiKey: configuration.apiKey,
            transport: options.transport,
            retryPolicy: options.retryPolicy,
            clock: options.clock,
            timeout: options.timeout,
            logger: options.logger
        )
    }
}
