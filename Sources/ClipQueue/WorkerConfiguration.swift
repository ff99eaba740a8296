import Foundation

/// How a worker claims and holds steps.
public struct WorkerConfiguration: Sendable {
    /// This worker's name in leases and logs (unique across the fleet: host, pid and a random suffix).
    public var name: String
    /// Steps held at once.
    public var concurrency: Int
    /// A lease's length; renewed every third of it while a step runs.
    public var leaseSeconds: Double
    /// How long an idle worker waits before looking for work again.
    public var idlePollSeconds: Double
    /// On SIGTERM, how long held steps may take to finish before they are released.
    public var drainSeconds: Double
    /// Testing aid: wait this long after claiming a step before running it.
    public var stepDelaySeconds: Double

    public init(
        name: String = WorkerConfiguration.defaultName(), concurrency: Int = 2, leaseSeconds: Double = 30,
        idlePollSeconds: Double = 0.5, drainSeconds: Double = 120, stepDelaySeconds: Double = 0
    ) {
        self.name = name
        self.concurrency = max(1, concurrency)
        self.leaseSeconds = max(0.3, leaseSeconds)
        self.idlePollSeconds = max(0.01, idlePollSeconds)
        self.drainSeconds = max(0, drainSeconds)
        self.stepDelaySeconds = max(0, stepDelaySeconds)
    }

    public static func defaultName() -> String {
        let host = ProcessInfo.processInfo.hostName
        let suffix = UUID().uuidString.prefix(6).lowercased()
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }
}
