import ClipProviders
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// ClipKit's own HTTP server: hosts last frames for providers that fetch images by URL, receives
/// webhook callbacks, and serves static sites (galleries).
///
/// Every hosted file and every callback URL carries an unguessable token, so the server can face a
/// tunnel without exposing anything else.
public final class ClipServer: Sendable {
    /// The address it listens on, e.g. `http://127.0.0.1:8700`.
    public let localURL: URL
    /// The address providers are given (a tunnel's public URL), or ``localURL``.
    public let publicURL: URL
    public let port: Int
    private let state: ServerState
    private let serverTask: Task<Void, any Error>

    /// What a webhook delivered, after its secret or token was verified.
    public struct Callback: Sendable {
        public var provider: ProviderKind
        public var event: WebhookEvent
        /// The client reference of the submit the callback URL was made for.
        public var reference: String? = nil
    }

    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// The public base URL that reaches this server (a tunnel), if not the local address.
        public var publicURL: URL?
        /// PiAPI's webhook secret, compared in constant time with `x-webhook-secret`.
        public var webhookSecret: String?
        /// A gallery directory, served at `/gallery/`.
        public var site: String?

        public init(host: String = "127.0.0.1", port: Int = 0, publicURL: URL? = nil, webhookSecret: String? = nil, site: String? = nil) {
            self.host = host
            self.port = port
            self.publicURL = publicURL
            self.webhookSecret = webhookSecret
            self.site = site
        }
    }

    private init(localURL: URL, publicURL: URL, port: Int, state: ServerState, serverTask: Task<Void, any Error>) {
        self.localURL = localURL
        self.publicURL = publicURL
        self.port = port
        self.state = state
        self.serverTask = serverTask
    }

    /// Binds and starts the server; returns once it accepts connections.
    public static func start(
        _ options: Options = Options(), logger: Logger = Logger(label: "clipkit.server"),
        onCallback: (@Sendable (Callback) async -> Void)? = nil
    ) async throws -> ClipServer {
        let state = ServerState(secret: options.webhookSecret, onCallback: onCallback, logger: logger)
        let router = Router(context: BasicRequestContext.self)
        router.get("/frames/{token}/{name}") { request, context -> Response in
            let token = try context.parameters.require("token")
            let name = try context.parameters.require("name")
            guard let path = await state.hostedFile(token: token, name: name),
                let data = FileManager.default.contents(atPath: path)
            else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: ClipServer.contentType(for: name)],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.post("/hooks/{provider}/{token}") { request, context -> Response in
            let providerName = try context.parameters.require("provider")
            let token = try context.parameters.require("token")
            guard let provider = ProviderKind(rawValue: providerName) else { return Response(status: .notFound) }
            let body = try await request.body.collect(upTo: 4 << 20)
            let secretHeader = request.headers[HTTPField.Name("x-webhook-secret")!]
            return await state.receive(
                provider: provider, token: token, secretHeader: secretHeader, body: Data(buffer: body))
        }
        if let site = options.site {
            GallerySite.addRoutes(to: router, root: site, logger: logger)
        }
        var serverLogger = logger
        serverLogger.logLevel = .critical
        let (bound, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "clipkit"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? options.port)
                continuation.finish()
            },
            logger: serverLogger)
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let reason: String
            if case .failure(let error) = await task.result { reason = "\(error)" } else { reason = "it stopped" }
            throw PipelineError("cannot listen on \(options.host):\(options.port): \(reason)")
        }
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        let local = URL(string: "http://\(host):\(port)")!
        return ClipServer(localURL: local, publicURL: options.publicURL ?? local, port: port, state: state, serverTask: task)
    }

    /// Serves `file` at an unguessable URL until the server stops.
    public func host(file: String) async -> URL {
        let name = (file as NSString).lastPathComponent
        let token = WebhookToken.random()
        await state.add(token: token, name: name, path: file)
        return publicURL.appendingPathComponent("frames").appendingPathComponent(token).appendingPathComponent(name)
    }

    /// A callback URL for `provider` with a fresh unguessable token.
    public func callbackURL(for provider: ProviderKind, reference: String) async -> URL {
        await callbackURL(for: provider)
    }

    public func callbackURL(for provider: ProviderKind) async -> URL {
        let token = WebhookToken.random()
        await state.allow(callbackToken: token)
        return publicURL.appendingPathComponent("hooks").appendingPathComponent(provider.rawValue).appendingPathComponent(token)
    }

    /// Runs until stopped.
    public func run() async throws {
        do { try await serverTask.value } catch is CancellationError {}
    }

    public func stop() async {
        serverTask.cancel()
        _ = await serverTask.result
    }

    static func contentType(for name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "html": "text/html; charset=utf-8"
        case "json": "application/json"
        case "vtt": "text/vtt"
        case "js": "text/javascript"
        case "css": "text/css"
        case "mp4", "m4v": "video/mp4"
        case "webm": "video/webm"
        case "mov": "video/quicktime"
        default: "application/octet-stream"
        }
    }
}

/// The server's mutable state: hosted files, accepted callback tokens, seen events.
actor ServerState {
    private var files: [String: (name: String, path: String)] = [:]
    private var callbackTokens: Set<String> = []
    private let secret: String?
    private let onCallback: (@Sendable (ClipServer.Callback) async -> Void)?
    private let deduplicator = WebhookDeduplicator()
    private let logger: Logger

    init(secret: String?, onCallback: (@Sendable (ClipServer.Callback) async -> Void)?, logger: Logger) {
        self.secret = secret
        self.onCallback = onCallback
        self.logger = logger
    }

    func add(token: String, name: String, path: String) { files[token] = (name, path) }
    func allow(callbackToken: String) { callbackTokens.insert(callbackToken) }

    func hostedFile(token: String, name: String) -> String? {
        guard let entry = files[token], entry.name == name else { return nil }
        return entry.path
    }

    func receive(provider: ProviderKind, token: String, secretHeader: String?, body: Data) async -> Response {
        // An unguessable token in the URL authenticates providers that sign nothing; PiAPI's shared
        // secret header is checked as well when one was configured.
        guard callbackTokens.contains(token) else { return Response(status: .notFound) }
        if provider == .piapi, let secret, !WebhookVerifier(secret: secret).isValid(headerValue: secretHeader) {
            logger.warning("webhook with a wrong or missing secret refused", metadata: ["provider": "\(provider.rawValue)"])
            return Response(status: .unauthorized)
        }
        guard let event = try? WebhookEvent.parse(body, provider: provider) else {
            return Response(status: .badRequest)
        }
        if !(await deduplicator.shouldProcess(event)) { return Response(status: .ok) }
        logger.info("webhook", metadata: ["provider": "\(provider.rawValue)", "task": "\(event.taskID)"])
        await onCallback?(ClipServer.Callback(provider: provider, event: event))
        return Response(status: .ok)
    }
}

/// A failure of the pipeline itself, in one line.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
