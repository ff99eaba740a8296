import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Claims up to `concurrency` steps, runs each through the executor registered for its job kind while a
/// heartbeat renews its lease, and records the outcome under the lease token. Rescues expired leases of the
/// whole fleet as it goes. On graceful shutdown (SIGTERM) it stops claiming, lets held steps finish for up
/// to `drainSeconds`, releases what is left, and returns. A killed worker loses only its leases' time.
public final class Worker: Service, Sendable {
    public let queue: PostgresJobQueue
    public let registry: StepExecutorRegistry
    public let configuration: WorkerConfiguration
    let logger: Logger
    private let held = Mutex(Held())

    private struct Held {
        var count = 0
        /// A step finished since the last claim: look for work now rather than after the idle pause.
        var freed = false
    }

    public init(queue: PostgresJobQueue, registry: StepExecutorRegistry, configuration: WorkerConfiguration, logger: Logger) {
        self.queue = queue
        self.registry = registry
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.name)"
        self.logger = logger
    }

    /// Steps held right now.
    public var heldSteps: Int { held.withLock { $0.count } }

    public func run() async throws {
        let kinds = registry.jobKinds
        logger.info("worker started", metadata: [
            "kinds": "\(kinds.joined(separator: ","))", "concurrency": "\(configuration.concurrency)",
            "lease_s": "\(configuration.leaseSeconds)",
        ])
        await reportUnrunnableJobs(kinds: kinds)
        let clock = ContinuousClock()
        let rescueEvery = Duration.seconds(configuration.leaseSeconds / 2)
        let idle = Duration.seconds(configuration.idlePollSeconds)
        await withDiscardingTaskGroup { group in
            var lastRescue = clock.now - rescueEvery
            var nextClaim = clock.now
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if clock.now - lastRescue >= rescueEvery {
                    lastRescue = clock.now
                    await rescue()
                }
                let (free, freed) = held.withLock { held -> (Int, Bool) in
                    defer { held.freed = false }
                    return (configuration.concurrency - held.count, held.freed)
                }
                if free > 0 && (freed || clock.now >= nextClaim) {
                    let started = clock.now
                    let steps: [ClaimedStep]
                    do {
                        steps = try await queue.claim(
                            owner: configuration.name, limit: free, leaseSeconds: configuration.leaseSeconds, jobKinds: kinds)
                    } catch {
                        logger.error("cannot claim steps: \(error)")
                        steps = []
                    }
                    if !steps.isEmpty {
                        QueueMetrics.claimed(steps, seconds: (clock.now - started).seconds)
                    }
                    held.withLock { $0.count += steps.count }
                    for step in steps {
                        group.addTask {
                            await self.process(step)
                            self.held.withLock { $0.count -= 1; $0.freed = true }
                        }
                    }
                    if steps.count < free { nextClaim = clock.now + idle }
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
            await drain(group: &group)
        }
        logger.info("worker stopped")
    }

    /// Says which waiting jobs this worker will leave alone (no executor for their kind).
    private func reportUnrunnableJobs(kinds: [String]) async {
        guard let counts = try? await queue.jobCounts() else { return }
        var waiting: [String: Int] = [:]
        for count in counts where !kinds.contains(count.kind) && (count.state == "queued" || count.state == "running") {
            waiting[count.kind, default: 0] += count.count
        }
        for (kind, count) in waiting.sorted(by: { $0.key < $1.key }) {
            logger.warning("\(count) \(kind) job(s) wait for a worker that can run \(kind) jobs; this one runs: \(kinds.joined(separator: ", "))")
        }
    }

    private func drain(group: inout DiscardingTaskGroup) async {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(configuration.drainSeconds)
        if heldSteps > 0 {
            logger.info("stopping: claiming nothing more; finishing \(heldSteps) held step(s)")
        }
        while heldSteps > 0 && clock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if heldSteps > 0 {
            logger.warning("stopping: releasing \(heldSteps) step(s) that did not finish in time")
            group.cancelAll()
        }
    }

    private func rescue() async {
        do {
            for step in try await queue.rescueExpired() {
                QueueMetrics.rescued(step.state)
                logger.warning("rescued a step whose lease expired", metadata: [
                    "job": "\(step.jobID)", "step": "\(step.id)", "now": "\(step.state.rawValue)",
                ])
            }
        } catch {
            logger.error("cannot rescue expired leases: \(error)")
        }
    }

    /// Runs one step under its lease and records the outcome; a lost lease writes nothing more.
    func process(_ step: ClaimedStep) async {
        var logger = self.logger
        logger[metadataKey: "job"] = "\(step.jobID)"
        logger[metadataKey: "segment"] = "\(step.segment)"
        logger[metadataKey: "step"] = "\(step.kind)"
        logger[metadataKey: "attempt"] = "\(step.attempt)"
        let lease = queue.lease(for: step)
        guard let executor = registry.executor(forJobKind: step.jobKind) else {
            await record(step, .failed(reason: "no executor for jobs of kind \(step.jobKind)", category: "no_executor"), logger: logger)
            return
        }
        let leaseSeconds = configuration.leaseSeconds
        let delay = configuration.stepDelaySeconds
        let beatLogger = logger
        do {
            let outcome = try await withThrowingTaskGroup(of: StepOutcome?.self) { group in
                group.addTask {
                    if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
                    return try await executor.execute(step, lease: lease)
                }
                group.addTask {
                    try await Self.heartbeat(lease, leaseSeconds: leaseSeconds, logger: beatLogger)
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let outcome = result { return outcome }
                }
                throw CancellationError()
            }
            if lease.isLost { throw QueueError.leaseLost(step: step.id) }
            await record(step, outcome, logger: logger)
        } catch let error as QueueError where error.isLeaseLost {
            leaseLost(step, logger: logger)
        } catch {
            if lease.isLost {
                leaseLost(step, logger: logger)
            } else if Task.isCancelled {
                logger.info("releasing the step (worker stopping)")
                await Task { try? await self.queue.release(step) }.value
            } else {
                let wait = min(60, pow(2, Double(step.attempt)))
                await record(step, .retry(seconds: wait, reason: "\(error)"), logger: logger)
            }
        }
    }

    private func record(_ step: ClaimedStep, _ outcome: StepOutcome, logger: Logger) async {
        do {
            try await queue.complete(step, outcome)
            QueueMetrics.record(step, outcome)
            logger.info("step \(outcome.word)")
        } catch let error as QueueError where error.isLeaseLost {
            leaseLost(step, logger: logger)
        } catch {
            logger.error("cannot record the step's outcome (\(outcome.word)); its lease will expire and it will be rescued: \(error)")
        }
    }

    private func leaseLost(_ step: ClaimedStep, logger: Logger) {
        QueueMetrics.leaseLost()
        logger.warning("lease lost: the step was rescued or taken by another worker; this worker wrote nothing more")
    }

    /// Renews the lease every third of its length until cancelled; throws `leaseLost` when it is gone.
    /// A database hiccup is logged and retried at the next beat (the lease has two more beats of slack).
    static func heartbeat(_ lease: LeaseHandle, leaseSeconds: Double, logger: Logger) async throws {
        while true {
            try await Task.sleep(for: .seconds(leaseSeconds / 3))
            do {
                try await lease.renew(seconds: leaseSeconds)
            } catch let error as QueueError where error.isLeaseLost {
                throw error
            } catch {
                logger.warning("cannot renew the lease: \(error)")
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
