import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Serves `/metrics` in Prometheus text format. `bootstrap()` once per process routes swift-metrics into
/// the registry it serves.
public struct MetricsServer: Service {
    let registry: PrometheusCollectorRegistry
    let queue: PostgresJobQueue?
    let host: String
    let port: Int
    let logger: Logger

    public init(registry: PrometheusCollectorRegistry, queue: PostgresJobQueue?, host: String = "127.0.0.1", port: Int, logger: Logger) {
        self.registry = registry
        self.queue = queue
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Routes every swift-metrics metric of this process into a new registry, and returns it.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    public func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        let registry = self.registry
        let queue = self.queue
        let logger = self.logger
        router.get("/metrics") { _, _ -> Response in
            if let queue {
                do { QueueMetrics.jobs(try await queue.jobCounts()) } catch {
                    logger.warning("metrics: cannot count jobs: \(error)")
                }
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
        }
        var serverLogger = logger
        serverLogger.logLevel = .critical
        let host = self.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "clipkit-worker"),
            onServerRunning: { channel in
                // The port bound, which names a free one when 0 was asked.
                let bound = channel.localAddress?.port ?? port
                logger.info("metrics at http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/metrics")
            },
            logger: serverLogger)
        try await app.run()
    }
}
