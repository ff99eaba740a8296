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

    /// What a webhook delivered, after its token (and, for PiAPI, its secret) was verified.
    public struct Callback: Sendable {
        /// The provider the callback URL was made for (and posted under).
        public var provider: ProviderKind
        /// The client reference the callback URL was made for (see ``callbackURL(for:reference:)``).
        public var reference: String
        public var event: WebhookEvent
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
        /// A connection that sends nothing for this long is closed: a request head that never ends, a body
        /// that stops, a keep-alive connection left open. A response being written is not cut.
        public var idleTimeout: Duration
        /// The longest a webhook's body may take to arrive, however it trickles.
        public var bodyTimeout: Duration

        public init(
            host: String = "127.0.0.1", port: Int = 0, publicURL: URL? = nil, webhookSecret: String? = nil, site: String? = nil,
            idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.publicURL = publicURL
            self.webhookSecret = webhookSecret
            self.site = site
            self.idleTimeout = idleTimeout
            self.bodyTimeout = bodyTimeout
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
        router.add(middleware: ByteRangeMiddleware())
        let frame: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            let token = try context.parameters.require("token")
            let name = try context.parameters.require("name")
            guard let path = await state.hostedFile(token: token, name: name),
                let data = FileManager.default.contents(atPath: path)
            else { return Response(status: .notFound) }
            return HostedFileResponse.make(data: data, contentType: ClipServer.contentType(for: name), request: request)
        }
        router.get("/frames/{token}/{name}", use: frame)
        router.head("/frames/{token}/{name}", use: frame)
        let bodyTimeout = options.bodyTimeout
        router.post("/hooks/{provider}/{token}") { request, context -> Response in
            let providerName = try context.parameters.require("provider")
            let token = try context.parameters.require("token")
            guard let provider = ProviderKind(rawValue: providerName) else { return Response(status: .notFound) }
            guard let body = try await BodyReader.collect(request.body, upTo: 4 << 20, within: bodyTimeout) else {
                return Response(status: .requestTimeout, headers: [.connection: "close"])
            }
            let secretHeader = request.headers[HTTPField.Name(WebhookVerifier.piapiSecretHeader)!]
            return await state.receive(
                provider: provider, token: token, secretHeader: secretHeader, body: Data(buffer: body))
        }
        if let site = options.site {
            GallerySite.addRoutes(to: router, root: site, logger: logger)
        }
        let (port, task) = try await HTTPListener.start(
            router, host: options.host, port: options.port, idleTimeout: TimeAmount(options.idleTimeout), what: "", logger: logger)
        let local = HTTPListener.url(host: options.host, port: port)
        return ClipServer(localURL: local, publicURL: options.publicURL ?? local, port: port, state: state, serverTask: task)
    }

    /// Serves `file` at an unguessable URL until the server stops.
    public func host(file: String) async -> URL {
        let name = (file as NSString).lastPathComponent
        let token = WebhookToken.random()
        await state.add(token: token, name: name, path: file)
        return publicURL.appendingPathComponent("frames").appendingPathComponent(token).appendingPathComponent(name)
    }

    /// A callback URL for one submit to `provider`, with a fresh unguessable token.
    ///
    /// The token belongs to that provider and that reference: posted under another provider's path it is
    /// refused, and it carries the events of one provider task (the first one it hears of).
    /// - Parameter reference: the client reference of the submit (a UUID string), handed back in ``Callback``.
    public func callbackURL(for provider: ProviderKind, reference: String) async -> URL {
        let token = WebhookToken.random()
        await state.allow(callbackToken: token, provider: provider, reference: reference)
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

/// A failure of the pipeline itself, in one line.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
