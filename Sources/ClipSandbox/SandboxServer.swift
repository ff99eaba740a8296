import Foundation
import Hummingbird
import Logging
import NIOCore

/// A loopback server that speaks PiAPI's, KKIAI's, Pixwith's and Luma's wire formats on one port and
/// renders real H.264 clips for every task, so clients and end-to-end tests run with no key and no network.
///
/// ```swift
/// let server = try await SandboxServer.start(.forTesting())
/// defer { Task { await server.stop() } }
/// // point a client at server.baseURL with key SandboxConfiguration.defaultAPIKey
/// ```
public final class SandboxServer: Sendable {
    /// `http://127.0.0.1:<port>`: every provider's base URL (the paths differ per provider).
    public let baseURL: String
    /// The bound port.
    public let port: Int
    /// The configuration it was started with.
    public var configuration: SandboxConfiguration { engine.configuration }
    /// Where clips and uploads are stored.
    public var storageDirectory: URL { engine.files.directory }

    private let engine: SandboxEngine
    private let serverTask: Task<Void, any Error>

    private init(baseURL: String, port: Int, engine: SandboxEngine, serverTask: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.port = port
        self.engine = engine
        self.serverTask = serverTask
    }

    /// Binds and starts the server; returns once it accepts connections.
    /// - Parameters:
    ///   - configuration: Address, pacing, faults and render scale.
    ///   - logger: Where the server logs (requests at debug, tasks at info).
    /// - Throws: ``SandboxError`` for a bad configuration or a port that cannot be bound.
    public static func start(
        _ configuration: SandboxConfiguration = SandboxConfiguration(),
        logger: Logger = Logger(label: "clipkit.sandbox")
    ) async throws -> SandboxServer {
        try configuration.validate()
        let engine = try SandboxEngine(configuration: configuration, logger: logger)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: CreateCallRecorder(store: engine.store))  // before the routes it records
        PiAPIWire.register(on: router, engine: engine)
        KKIAIWire.register(on: router, engine: engine)
        PixwithWire.register(on: router, engine: engine)
        LumaWire.register(on: router, engine: engine)
        FileRoutes.register(on: router, engine: engine)
        AdminRoutes.register(on: router, engine: engine)

        // Hummingbird's own logger: it reports a cancelled accept loop as an error on every stop(),
        // so only its critical messages get through; the sandbox logs requests and tasks itself.
        var serverLogger = logger
        serverLogger.logLevel = .critical
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "clipkit-sandbox"),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? configuration.port)
                boundContinuation.finish()
            },
            logger: serverLogger
        )
        let serverTask = Task {
            defer { boundContinuation.finish() }
            try await app.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let reason: String
            switch await serverTask.result {
            case .failure(let error): reason = "\(error)"
            case .success: reason = "the server stopped before it was running"
            }
            await engine.shutdown()  // removes a storage directory it made
            throw SandboxError.startFailed(
                "the sandbox could not listen on \(configuration.host):\(configuration.port): \(reason)")
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let baseURL = "http://\(host):\(port)"
        await engine.setBaseURL(baseURL)
        logger.info("sandbox listening", metadata: ["url": "\(baseURL)"])
        return SandboxServer(baseURL: baseURL, port: port, engine: engine, serverTask: serverTask)
    }

    /// Waits until the server stops (after ``stop()``, or on error).
    public func run() async throws {
        do {
            try await serverTask.value
        } catch is CancellationError {
            return
        }
    }

    /// Stops accepting connections, stops the tasks in progress and waits for the server to finish.
    /// A storage directory the sandbox created itself (``SandboxConfiguration/storageDirectory`` nil) is removed.
    public func stop() async {
        await engine.shutdown()
        serverTask.cancel()
        _ = await serverTask.result
    }

    /// The base URL a client of `provider` should use: the server root for all four, since each
    /// provider's paths are served in full (`/api/v1/task`, `/luma/generations`, `/api/task/create`,
    /// `/dream-machine/v1/generations`).
    public func baseURL(for provider: SandboxProvider) -> String { baseURL }

    /// Every task, and the create calls counted per provider (as `GET /_sandbox/tasks` answers).
    public func inspect() async -> SandboxInspection {
        await engine.store.inspection()
    }

    /// Every create (and extend) call received, in arrival order, with its body as received; optionally
    /// only those of `provider` (as `GET /_sandbox/creates` answers).
    public func creates(of provider: SandboxProvider? = nil) async -> [SandboxCreateCall] {
        await engine.store.createCalls(of: provider)
    }

    /// Adds faults to the live counters (as `POST /_sandbox/faults` does).
    public func inject(_ faults: SandboxFaults) async {
        await engine.faults.add(faults)
    }

    /// The faults still armed.
    public func remainingFaults() async -> SandboxFaults {
        await engine.faults.remaining
    }
}
