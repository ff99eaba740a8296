import ArgumentParser
import ClipPipeline
import ClipQueue
import ClipSandbox
import Foundation
import Logging

extension Batch {
    /// The fleet's throughput apart from the provider's: `extend` chains through 1 and 2 in-process workers
    /// against a sandbox with no render delay (small clips), on a scratch schema, in segments per minute.
    struct BenchChains: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-chains",
            abstract: "Time extend chains through 1 and 2 workers against the sandbox without render delay.",
            shouldDisplay: false)

        @Option(help: "The queue (a scratch schema is created in it and dropped afterwards).")
        var queue: String

        @Option(help: "Chains per run.")
        var chains: Int = 6

        @Option(help: "Segments per chain.")
        var segments: Int = 3

        @Option(help: "Steps each worker runs at once.")
        var concurrency: Int = 2

        @Option(help: "The sandbox's render scale (0 < s <= 1).")
        var scale: Double = 0.25

        @Option(parsing: .upToNextOption, help: "Worker counts to measure.")
        var workers: [Int] = [1, 2]

        func validate() throws {
            if chains < 1 || segments < 1 || concurrency < 1 { throw ValidationError("--chains, --segments and --concurrency must be at least 1") }
            if workers.isEmpty || workers.contains(where: { $0 < 1 }) { throw ValidationError("--workers must be positive") }
        }

        func run() async throws {
            try await reportingErrors {
                var url = try QueueURL(parsing: queue)
                let quiet: Logger = {
                    var logger = Logger(label: "clipkit.bench")
                    logger.logLevel = .error
                    return logger
                }()
                for count in workers {
                    url.schema = "bench_\(UUID().uuidString.prefix(8).lowercased())"
                    let store = FileManager.default.temporaryDirectory
                        .appendingPathComponent("clipkit-bench-\(UUID().uuidString.prefix(8))").path
                    try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                    defer { try? FileManager.default.removeItem(atPath: store) }
                    let sandbox = try await SandboxServer.start(
                        SandboxConfiguration(stepDelay: 0, renderScale: scale), logger: quiet)
                    let (chains, segments, concurrency) = (self.chains, self.segments, self.concurrency)
                    let result: (seconds: Double, done: Int)
                    do {
                        result = try await QueueSession.with(url) { queue in
                            _ = try await queue.enqueue((0..<chains).map { index in
                                let spec = #"{"id":"b\#(index)","kind":"extend","provider":"kkiai","model":"ray-v1","prompts":["a lighthouse at dusk"],"segments":\#(segments),"duration":5,"aspect":"16:9","base_url":"\#(sandbox.baseURL)"}"#
                                return NewJob(id: "b\(index)", batch: "bench", kind: "extend", spec: spec,
                                              firstSteps: [NewStep(segment: 0, kind: "submit", provider: "kkiai")])
                            })
                            var environment = ProcessInfo.processInfo.environment
                            environment["KKIAI_API_KEY"] = SandboxConfiguration.defaultAPIKey
                            var registry = StepExecutorRegistry()
                            registry.register(
                                ChainFleetExecutor(chain: ChainStepExecutor(store: store, environment: environment, logger: quiet)),
                                forJobKind: "extend")
                            let chainRegistry = registry
                            let clock = ContinuousClock()
                            let started = clock.now
                            let done = try await withThrowingTaskGroup(of: Int?.self) { group in
                                for index in 0..<count {
                                    group.addTask {
                                        try await Worker(
                                            queue: queue, registry: chainRegistry,
                                            configuration: WorkerConfiguration(
                                                name: "bench-\(index)", concurrency: concurrency, idlePollSeconds: 0.05),
                                            logger: quiet
                                        ).run()
                                        return nil
                                    }
                                }
                                group.addTask {
                                    while true {
                                        let status = try await queue.status()
                                        if status.summary.done + status.summary.failed + status.summary.needsAttention == chains {
                                            return status.summary.done
                                        }
                                        try await Task.sleep(for: .milliseconds(50))
                                    }
                                }
                                defer { group.cancelAll() }
                                while let next = try await group.next() {
                                    if let done = next { return done }
                                }
                                return 0
                            }
                            let elapsed = (clock.now - started).components
                            try await queue.dropSchema()
                            return (Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18, done)
                        }
                    } catch {
                        await sandbox.stop()
                        throw error
                    }
                    await sandbox.stop()
                    guard result.done == chains else {
                        throw Failure(message: "only \(result.done) of \(chains) chains finished with \(count) worker(s)")
                    }
                    Output.line(String(format: "fleet, %d worker(s) x %d steps at once: %d chains x %d segments in %.1f s, %.1f segments/min (sandbox, no render delay, clips at %.2fx)",
                                       count, concurrency, chains, segments, result.seconds,
                                       Double(chains * segments) * 60 / result.seconds, scale))
                }
            }
        }
    }
}
