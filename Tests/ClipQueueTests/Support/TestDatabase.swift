import ClipQueue
import Foundation
import Logging
import PostgresNIO
import Testing

/// A fresh PostgreSQL schema per test on the server named by CLIPKIT_TEST_POSTGRES_URL
/// (scripts/test.sh starts one with scripts/postgres.sh; CI always sets it).
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["CLIPKIT_TEST_POSTGRES_URL"]
    static var isAvailable: Bool { url != nil }
    static let skipReason: Comment = "CLIPKIT_TEST_POSTGRES_URL is not set: run scripts/test.sh, or eval \"$(scripts/postgres.sh start)\""

    /// A new, empty schema's address.
    static func freshURL() throws -> QueueURL {
        var url = try QueueURL(parsing: Self.url!)
        url.schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        return url
    }

    /// Runs `body` with a connected, migrated queue on a fresh schema.
    static func withQueue<T: Sendable>(
        _ body: @Sendable (PostgresJobQueue, QueueURL) async throws -> T
    ) async throws -> T {
        let url = try freshURL()
        return try await withQueue(url: url) { queue in
            try await queue.migrate()
            return try await body(queue, url)
        }
    }

    /// Runs `body` with a queue connected to `url` through its own client (a separate "process").
    static func withQueue<T: Sendable>(
        url: QueueURL, _ body: @Sendable (PostgresJobQueue) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "test.queue")
        logger.logLevel = .warning
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        // The client runs in a task of its own, cancelled when `body` is done and given a few seconds to
        // close: the test goes on either way, so a client slow to shut down cannot hold the suite.
        let ended = Flag()
        let running = Task {
            await client.run()
            ended.set()
        }
        defer {
            running.cancel()
        }
        // Let the client's run loop start before the first lease (postgres-nio queues a lease made
        // before run(), and a hung CI run was seen with its "run() hasn't been called yet" warning).
        try await Task.sleep(for: .milliseconds(200))
        let result = try await body(PostgresJobQueue(client: client, schema: url.schema, logger: logger))
        running.cancel()
        let deadline = Date().addingTimeInterval(10)
        while !ended.isSet && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return result
    }

    static func checkJob(_ id: String, path: String = "/nonexistent.mp4") -> NewJob {
        NewJob(id: id, batch: "test", kind: "check", spec: #"{"path":"\#(path)"}"#,
               firstSteps: [NewStep(segment: 0, kind: "check")])
    }

    static func extendJob(_ id: String, provider: String = "kkiai") -> NewJob {
        NewJob(id: id, batch: "test", kind: "extend", spec: #"{"provider":"\#(provider)"}"#,
               firstSteps: [NewStep(segment: 0, kind: "submit", provider: provider)])
    }

    static let all = ["check", "extend", "generate"]
}

/// A one-way flag shared between tasks.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

extension PostgresJobQueue {
    /// Claims with the test defaults: every job kind, a 30 s lease.
    func claim(_ owner: String, limit: Int = 1, lease: Double = 30) async throws -> [ClaimedStep] {
        try await claim(owner: owner, limit: limit, leaseSeconds: lease, jobKinds: TestDatabase.all)
    }

    func step(_ job: String, segment: Int = 0, kind: String) async throws -> StepStatus? {
        try await status().jobs.first { $0.id == job }?.tasks.first { $0.segment == segment && $0.kind == kind }
    }

    func job(_ id: String) async throws -> JobStatus? {
        try await status().jobs.first { $0.id == id }
    }
}
