import Foundation
import Hummingbird
import Logging
import NIOCore

/// Starts a Hummingbird application on `host:port` (0: any free port) and returns once it accepts
/// connections: ClipKit's server and the fleet's webhook listener start the same way.
enum HTTPListener {
    /// - Returns: the bound port and the task running the server (cancel it to stop).
    /// - Throws: ``PipelineError`` naming `what` when it cannot listen.
    static func start(
        _ router: Router<BasicRequestContext>, host: String, port: Int, idleTimeout: TimeAmount, what: String, logger: Logger
    ) async throws -> (port: Int, task: Task<Void, any Error>) {
        // Hummingbird reports a cancelled accept loop as an error on every stop: only its critical messages.
        var serverLogger = logger
        serverLogger.logLevel = .critical
        let (bound, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(host, port: port), serverName: "clipkit"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            },
            logger: serverLogger)
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            let reason: String
            if case .failure(let error) = await task.result { reason = "\(error)" } else { reason = "it stopped" }
            throw PipelineError("cannot listen\(what.isEmpty ? "" : " for \(what)") on \(host):\(port): \(reason)")
        }
        return (boundPort, task)
    }

    /// `http://host:port`, with an IPv6 host in brackets.
    static func url(host: String, port: Int) -> URL {
        URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
    }
}
