import ArgumentParser
import ClipPipeline
import Foundation
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run ClipKit's HTTP server: a gallery site, webhook callbacks and hosted frames.")

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8700

    @Option(help: "A gallery directory (made by `clipkit gallery`) to serve at /gallery/.")
    var gallery: String?

    @Option(help: "PiAPI's webhook secret, checked in constant time against x-webhook-secret.")
    var webhookSecret: String?

    func run() async throws {
        try await reportingErrors {
            if let gallery, !FileManager.default.fileExists(atPath: (gallery as NSString).appendingPathComponent("index.html")) {
                throw PipelineError("\(gallery): no index.html (make it with clipkit gallery DIR -o \(gallery))")
            }
            let server = try await ClipServer.start(
                .init(host: host, port: port, webhookSecret: webhookSecret ?? ProcessInfo.processInfo.environment["CLIPKIT_WEBHOOK_SECRET"], site: gallery),
                onCallback: { callback in
                    Output.line("webhook: \(callback.provider.rawValue) task \(callback.event.taskID) \(callback.event.stateHint)")
                })
            Output.line("clipkit serve: listening on \(server.localURL)\(gallery != nil ? " (gallery at \(server.localURL)/gallery/)" : "")")
            try await server.run()
        }
    }
}
