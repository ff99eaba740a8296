import Foundation
import Logging
import PostgresNIO

/// The work queue on PostgreSQL: jobs (one per batch line) and steps (one step of one segment), claimed with
/// `FOR UPDATE SKIP LOCKED` under a lease with a fresh token per attempt. Every write of a worker is
/// conditional on its token. Any number of processes on any number of machines may share one database.
public struct PostgresJobQueue: Sendable {
    public let client: PostgresClient
    /// The PostgreSQL schema the tables live in when not `public` (the client's search_path must name it).
    public let schema: String?
    let logger: Logger

    /// `client` must be running (`client.run()` in a task or a service group).
    public init(client: PostgresClient, schema: String? = nil, logger: Logger = Logger(label: "clipkit.queue")) {
        self.client = client
        self.schema = schema
        self.logger = logger
    }

    /// Connects to the queue at `url` (run the returned client's `run()` before use).
    public static func client(for url: QueueURL, logger: Logger) -> PostgresClient {
        PostgresClient(configuration: url.configuration, backgroundLogger: logger)
    }

    /// Opens and closes one connection to `url`, so that an unreachable server, a wrong database or a refused
    /// login is reported at once, in the server's words, rather than after the pool gives up.
    public static func checkReachable(_ url: QueueURL, logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(
                on: PostgresClient.defaultEventLoopGroup.next(), configuration: configuration, id: 0, logger: logger
            ).get()
            try await connection.close()
        } catch {
            throw QueueError.database("connecting to \(url)", error)
        }
    }

    /// Creates or upgrades the schema (safe from many processes at once).
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await QueueSchema.migrate(client, schema: schema, logger: logger)
    }

    // MARK: Enqueue

    /// Adds the jobs and their first steps in one transaction. A job id already present is left as it is.
    public func enqueue(_ jobs: [NewJob]) async throws -> (enqueued: [String], alreadyPresent: [String]) {
        try await transaction("enqueueing \(jobs.count) job(s)") { connection in
            var enqueued: [String] = []
            var present: [String] = []
            for job in jobs {
                var inserted = false
                for try await _ in try await connection.query("""
                    INSERT INTO clipkit_jobs (id, batch, kind, spec) VALUES (\(job.id), \(job.batch), \(job.kind), \(job.spec)::jsonb)
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """, logger: logger) { inserted = true }
                guard inserted else { present.append(job.id); continue }
                for step in job.firstSteps { try await insert(step, jobID: job.id, jobKind: job.kind, on: connection) }
                enqueued.append(job.id)
            }
            return (enqueued, present)
        }
    }

    private func insert(_ step: NewStep, jobID: String, jobKind: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO clipkit_steps (job_id, job_kind, segment, kind, take, provider, payload, max_attempts, scheduled_at)
            VALUES (\(jobID), \(jobKind), \(step.segment), \(step.kind), \(step.take), \(step.provider), \(step.payload)::jsonb,
                    \(max(1, step.maxAttempts)), now() + make_interval(secs => \(max(0, step.delay))))
            ON CONFLICT (job_id, segment, kind, take) DO NOTHING
            """, logger: logger)
    }

    // MARK: Claim

    /// Claims up to `limit` ready steps of the given job kinds for `owner`, each under a fresh lease token that
    /// expires after `leaseSeconds` unless renewed. Submit steps respect every provider's concurrency limit
    /// (counted over the whole fleet) and back-off.
    public func claim(owner: String, limit: Int, leaseSeconds: Double, jobKinds: [String]) async throws -> [ClaimedStep] {
        guard limit > 0, !jobKinds.isEmpty else { return [] }
        return try await transaction("claiming steps") { connection in
            // Provider rows are locked for the claim so that two claimers cannot both take the last slot.
            var limits: [String: Int] = [:]
            var blocked: Set<String> = []
            for try await (name, maximum, backingOff) in try await connection.query(
                "SELECT name, max_concurrent, not_before > now() FROM clipkit_providers ORDER BY name FOR UPDATE",
                logger: logger
            ).decode((String, Int, Bool).self) {
                if backingOff { blocked.insert(name) }
                if maximum > 0 { limits[name] = maximum }
            }
            var capacity: [String: Int] = limits
            if !limits.isEmpty {
                for try await (provider, count) in try await connection.query("""
                    SELECT provider, count(*) FROM clipkit_steps
                    WHERE provider IS NOT NULL AND ((kind = 'submit' AND state IN ('running', 'submitting'))
                        OR (kind <> 'submit' AND state IN ('available', 'running', 'submitting')))
                    GROUP BY provider
                    """, logger: logger
                ).decode((String, Int).self) where limits[provider] != nil {
                    capacity[provider] = max(0, limits[provider]! - count)
                }
                for (provider, free) in capacity where free == 0 { blocked.insert(provider) }
            }
            var chosen: [Int] = []
            for try await (id, kind, provider) in try await connection.query("""
                SELECT id, kind, provider FROM clipkit_steps
                WHERE state = 'available' AND scheduled_at <= now() AND job_kind = ANY(\(jobKinds))
                  AND NOT (kind = 'submit' AND provider IS NOT NULL AND provider = ANY(\(Array(blocked))))
                ORDER BY scheduled_at, id
                LIMIT \(limit * 2 + 8)
                FOR UPDATE SKIP LOCKED
                """, logger: logger
            ).decode((Int, String, String?).self) {
                guard chosen.count < limit else { continue }
                if kind == "submit", let provider, let free = capacity[provider] {
                    guard free > 0 else { continue }
                    capacity[provider] = free - 1
                }
                chosen.append(id)
            }
            guard !chosen.isEmpty else { return [] }
            var claimed: [ClaimedStep] = []
            let rows = try await connection.query("""
                UPDATE clipkit_steps s SET state = 'running', attempt = s.attempt + 1, lease_owner = \(owner),
                    lease_token = gen_random_uuid(), lease_expires_at = now() + make_interval(secs => \(leaseSeconds)),
                    updated_at = now()
                FROM clipkit_jobs j
                WHERE s.id = ANY(\(chosen)) AND j.id = s.job_id
                RETURNING s.id, s.job_id, s.job_kind, j.batch, j.spec::text, s.segment, s.kind, s.provider,
                    s.payload::text, s.client_ref, s.provider_task_id, s.attempt, s.max_attempts, s.lease_token, s.take,
                    EXTRACT(EPOCH FROM now() - s.scheduled_at)::float8
                """, logger: logger)
            for try await row in rows.decode(
                (Int, String, String, String, String, Int, String, String?, String, UUID, String?, Int, Int, UUID, Int, Double).self
            ) {
                claimed.append(ClaimedStep(
                    id: row.0, jobID: row.1, jobKind: row.2, batch: row.3, spec: row.4, segment: row.5, kind: row.6,
                    take: row.14, provider: row.7, payload: row.8, clientRef: row.9, providerTaskID: row.10, attempt: row.11,
                    maxAttempts: row.12, leaseToken: row.13, leaseOwner: owner, dueSeconds: max(0, row.15)))
            }
            let jobIDs = Array(Set(claimed.map(\.jobID)))
            try await connection.query(
                "UPDATE clipkit_jobs SET state = 'running', updated_at = now() WHERE id = ANY(\(jobIDs)) AND state = 'queued'",
                logger: logger)
            return claimed.sorted { $0.id < $1.id }
        }
    }

    /// A handle for the executor; its writes are conditional on the step's lease token.
    public func lease(for step: ClaimedStep) -> LeaseHandle { LeaseHandle(step: step, queue: self) }

    // MARK: Token-conditional writes (false = the lease was lost)

    func renewLease(_ step: ClaimedStep, seconds: Double) async throws -> Bool {
        try await updatesOne("renewing the lease of step \(step.id)", """
            UPDATE clipkit_steps SET lease_expires_at = now() + make_interval(secs => \(seconds))
            WHERE id = \(step.id) AND lease_token = \(step.leaseToken) AND state IN ('running', 'submitting')
            RETURNING id
            """)
    }

    func markSubmitting(_ step: ClaimedStep) async throws -> Bool {
        try await updatesOne("marking step \(step.id) submitting", """
            UPDATE clipkit_steps SET state = 'submitting', updated_at = now()
            WHERE id = \(step.id) AND lease_token = \(step.leaseToken) AND state IN ('running', 'submitting')
            RETURNING id
            """)
    }

    func recordTaskID(_ step: ClaimedStep, taskID: String) async throws -> Bool {
        try await updatesOne("recording the task id of step \(step.id)", """
            UPDATE clipkit_steps SET provider_task_id = \(taskID), updated_at = now()
            WHERE id = \(step.id) AND lease_token = \(step.leaseToken) AND state IN ('running', 'submitting')
            RETURNING id
            """)
    }

    /// Records the outcome of a step and, in the same transaction, enqueues its next steps and updates its job.
    /// Throws `QueueError.leaseLost` (and writes nothing) when the token no longer matches.
    public func complete(_ step: ClaimedStep, _ outcome: StepOutcome) async throws {
        try await transaction("completing step \(step.id)") { connection in
            let owned = "id = \(step.id) AND lease_token = '\(step.leaseToken.uuidString)' AND state IN ('running', 'submitting')"
            let release = "lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()"
            var query: PostgresQuery
            switch outcome {
            case .done(let result):
                query = """
                    UPDATE clipkit_steps SET state = 'done', result = \(result.result)::jsonb, error = NULL,
                        cost = cost + \(result.cost), completed_by = lease_owner, \(unescaped: release)
                    WHERE \(unescaped: owned) RETURNING id
                    """
            case .wait(let seconds):
                query = """
                    UPDATE clipkit_steps SET state = 'available', attempt = greatest(attempt - 1, 0),
                        scheduled_at = now() + make_interval(secs => \(max(0, seconds))), \(unescaped: release)
                    WHERE \(unescaped: owned) RETURNING id
                    """
            case .retry(let seconds, let reason):
                query = """
                    UPDATE clipkit_steps SET state = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'available' END,
                        error = \(reason), scheduled_at = now() + make_interval(secs => \(max(0, seconds))), \(unescaped: release)
                    WHERE \(unescaped: owned) RETURNING id
                    """
            case .rateLimited(let provider, let seconds):
                try await connection.query("""
                    INSERT INTO clipkit_providers (name, not_before) VALUES (\(provider), now() + make_interval(secs => \(seconds)))
                    ON CONFLICT (name) DO UPDATE SET not_before = greatest(clipkit_providers.not_before, EXCLUDED.not_before)
                    """, logger: logger)
                query = """
                    UPDATE clipkit_steps SET state = 'available', attempt = greatest(attempt - 1, 0),
                        error = \("\(provider) answered 429 (rate limited)"),
                        scheduled_at = now() + make_interval(secs => \(max(0, seconds))), \(unescaped: release)
                    WHERE \(unescaped: owned) RETURNING id
                    """
            case .needsAttention(let reason):
                query = """
                    UPDATE clipkit_steps SET state = 'needs_attention', error = \(reason), \(unescaped: release)
                    WHERE \(unescaped: owned) RETURNING id
                    """
            case .failed(let reason, _):
                query = """
                    UPDATE clipkit_steps SET state = 'failed', error = \(reason), \(unescaped: release)
                    WHERE \(unescaped: owned) RETURNING id
                    """
            }
            var updated = false
            for try await _ in try await connection.query(query, logger: logger) { updated = true }
            guard updated else { throw QueueError.leaseLost(step: step.id) }
            if case .done(let result) = outcome {
                for next in result.next { try await insert(next, jobID: step.jobID, jobKind: step.jobKind, on: connection) }
                if let output = result.jobOutput {
                    try await connection.query("UPDATE clipkit_jobs SET output = \(output) WHERE id = \(step.jobID)", logger: logger)
                }
            }
            try await refreshJobs([step.jobID], on: connection)
        }
    }

    /// Gives a held step back without running it (a worker shutting down): it becomes claimable again, except a
    /// submit that may have reached the provider, which waits for a person.
    public func release(_ step: ClaimedStep) async throws {
        _ = try? await transaction("releasing step \(step.id)") { connection in
            try await connection.query("""
                UPDATE clipkit_steps SET
                    state = CASE WHEN state = 'submitting' AND provider_task_id IS NULL THEN 'needs_attention' ELSE 'available' END,
                    error = CASE WHEN state = 'submitting' AND provider_task_id IS NULL
                        THEN 'the worker stopped while submitting: the provider may have the task; resolve it with the task id or resubmit'
                        ELSE error END,
                    attempt = CASE WHEN state = 'submitting' THEN attempt ELSE greatest(attempt - 1, 0) END,
                    scheduled_at = now(), lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE id = \(step.id) AND lease_token = \(step.leaseToken) AND state IN ('running', 'submitting')
                """, logger: logger)
            try await refreshJobs([step.jobID], on: connection)
        }
    }

    // MARK: Rescue, resolve, wake, providers

    /// Steps whose lease expired (their worker died or stalled): retryable, failed at the last attempt, or
    /// `needs_attention` for a submit in flight without a task id. Safe to run in every worker at once.
    @discardableResult
    public func rescueExpired() async throws -> [RescuedStep] {
        try await transaction("rescuing expired leases") { connection in
            var rescued: [RescuedStep] = []
            for try await (id, jobID, state) in try await connection.query("""
                WITH expired AS (
                    SELECT id FROM clipkit_steps
                    WHERE state IN ('running', 'submitting') AND lease_expires_at < now()
                    FOR UPDATE SKIP LOCKED)
                UPDATE clipkit_steps s SET
                    state = CASE
                        WHEN s.state = 'submitting' AND s.provider_task_id IS NULL THEN 'needs_attention'
                        WHEN s.state = 'submitting' THEN 'available'
                        WHEN s.attempt >= s.max_attempts THEN 'failed'
                        ELSE 'available' END,
                    error = CASE
                        WHEN s.state = 'submitting' AND s.provider_task_id IS NULL THEN
                            'the worker was lost while submitting (lease expired): the provider may have the task; resolve it with the task id or resubmit'
                        ELSE 'the worker was lost (lease expired) during attempt ' || s.attempt END,
                    scheduled_at = now(), lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                FROM expired WHERE s.id = expired.id
                RETURNING s.id, s.job_id, s.state
                """, logger: logger
            ).decode((Int, String, String).self) {
                rescued.append(RescuedStep(id: id, jobID: jobID, state: StepState(rawValue: state) ?? .available))
            }
            if !rescued.isEmpty { try await refreshJobs(Array(Set(rescued.map(\.jobID))), on: connection) }
            return rescued
        }
    }

    /// A person's answer for a submit left `needs_attention`: the provider did accept it, as task `taskID`
    /// (the step resumes from there, without a new POST).
    public func resolve(job: String, segment: Int, taskID: String) async throws {
        try await resolve(job: job, segment: segment, set: "provider_task_id = \(quoted(taskID)), attempt = 0")
    }

    /// A person's answer for a submit left `needs_attention`: the provider has no such task; submit again,
    /// under a new client reference.
    public func resolve(job: String, segment: Int, resubmit: Bool) async throws {
        guard resubmit else { return }
        try await resolve(job: job, segment: segment, set: "provider_task_id = NULL, client_ref = gen_random_uuid(), attempt = 0")
    }

    private func resolve(job: String, segment: Int, set: String) async throws {
        try await transaction("resolving job \(job) segment \(segment)") { connection in
            var found = false
            for try await _ in try await connection.query("""
                UPDATE clipkit_steps SET state = 'available', error = NULL, scheduled_at = now(), updated_at = now(), \(unescaped: set)
                WHERE job_id = \(job) AND segment = \(segment) AND kind = 'submit' AND state = 'needs_attention'
                RETURNING id
                """, logger: logger) { found = true }
            guard found else {
                throw QueueError.notFound("job \(job) segment \(segment): no submit is waiting for a person")
            }
            try await refreshJobs([job], on: connection)
        }
    }

    /// Makes the waiting steps of the segment that sent `clientRef` claimable now (a webhook arrived).
    @discardableResult
    public func wake(clientRef: UUID) async throws -> Int {
        try await wake(where: "r.client_ref = '\(clientRef.uuidString)'")
    }

    /// Makes the waiting steps of the segment whose provider task is `providerTaskID` claimable now.
    @discardableResult
    public func wake(providerTaskID: String) async throws -> Int {
        try await wake(where: "r.provider_task_id = \(quoted(providerTaskID))")
    }

    /// Makes the waiting steps of the segment claimable now, when the step `clientRef` recorded the provider
    /// task `providerTaskID` (a webhook names both: one for another task wakes nothing).
    @discardableResult
    public func wake(clientRef: UUID, providerTaskID: String) async throws -> Int {
        try await wake(where: "r.client_ref = '\(clientRef.uuidString)' AND r.provider_task_id = \(quoted(providerTaskID))")
    }

    /// The fleet's webhook key (base64url, 32 random bytes): every worker signs and checks callback URLs with
    /// it, so a webhook may reach any of them. Made by the first worker that asks.
    public func webhookKey() async throws -> String {
        let candidate = Self.randomKey()
        return try await transaction("reading the webhook key") { connection in
            try await connection.query("""
                INSERT INTO clipkit_settings (name, value) VALUES ('webhook_key', \(candidate)) ON CONFLICT (name) DO NOTHING
                """, logger: logger)
            var key = candidate
            for try await value in try await connection.query(
                "SELECT value FROM clipkit_settings WHERE name = 'webhook_key'", logger: logger
            ).decode(String.self) { key = value }
            return key
        }
    }

    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func wake(where condition: String) async throws -> Int {
        try await transaction("waking steps") { connection in
            var count = 0
            for try await _ in try await connection.query("""
                UPDATE clipkit_steps s SET scheduled_at = now()
                FROM clipkit_steps r
                WHERE \(unescaped: condition) AND s.job_id = r.job_id AND s.segment = r.segment
                  AND s.state = 'available' AND s.scheduled_at > now()
                RETURNING s.id
                """, logger: logger) { count += 1 }
            return count
        }
    }

    /// At most `maxConcurrent` tasks of `provider` in flight across the fleet (0: no limit).
    public func setProviderLimit(_ provider: String, maxConcurrent: Int) async throws {
        try await transaction("setting the limit of \(provider)") { connection in
            try await connection.query("""
                INSERT INTO clipkit_providers (name, max_concurrent) VALUES (\(provider), \(max(0, maxConcurrent)))
                ON CONFLICT (name) DO UPDATE SET max_concurrent = EXCLUDED.max_concurrent
                """, logger: logger)
        }
    }

    // MARK: Reading

    /// Every job with its steps, and the totals.
    public func status() async throws -> QueueStatus {
        try await transaction("reading the queue status") { connection in
            var jobs: [JobStatus] = []
            var index: [String: Int] = [:]
            for try await row in try await connection.query("""
                SELECT id, kind, state, output, error, cost FROM clipkit_jobs ORDER BY seq
                """, logger: logger).decode((String, String, String, String?, String?, Double).self) {
                index[row.0] = jobs.count
                jobs.append(JobStatus(id: row.0, kind: row.1, state: JobState(rawValue: row.2) ?? .queued,
                                      output: row.3, error: row.4, cost: row.5, tasks: []))
            }
            for try await row in try await connection.query("""
                SELECT job_id, id, segment, kind, state, provider, provider_task_id, client_ref, attempt, error, cost,
                    lease_owner, completed_by, take
                FROM clipkit_steps ORDER BY job_id, segment, id
                """, logger: logger
            ).decode((String, Int, Int, String, String, String?, String?, UUID, Int, String?, Double, String?, String?, Int).self) {
                guard let position = index[row.0] else { continue }
                jobs[position].tasks.append(StepStatus(
                    id: row.1, segment: row.2, kind: row.3, take: row.13, state: StepState(rawValue: row.4) ?? .available,
                    provider: row.5, providerTaskID: row.6, clientRef: row.7, attempt: row.8, error: row.9, cost: row.10,
                    leaseOwner: row.11, completedBy: row.12))
            }
            return QueueStatus(jobs: jobs)
        }
    }

    /// Job counts by (kind, state), for metrics.
    public func jobCounts() async throws -> [JobCount] {
        try await transaction("counting jobs") { connection in
            var counts: [JobCount] = []
            for try await (kind, state, count) in try await connection.query(
                "SELECT kind, state, count(*) FROM clipkit_jobs GROUP BY kind, state", logger: logger
            ).decode((String, String, Int).self) {
                counts.append(JobCount(kind: kind, state: state, count: count))
            }
            return counts
        }
    }

    /// Removes this queue's own schema and everything in it (scratch queues: tests, benchmarks).
    /// Refuses when the queue lives in the default schema.
    public func dropSchema() async throws {
        guard let schema, schema != "public" else {
            throw QueueError.invalidState("refusing to drop the queue: it has no schema of its own")
        }
        try await transaction("dropping schema \(schema)") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
        }
    }

    // MARK: Plumbing

    /// Recomputes each job's state, cost and error from its steps.
    private func refreshJobs(_ jobIDs: [String], on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE clipkit_jobs j SET
                state = CASE WHEN a.state = 'queued' AND j.state <> 'queued' THEN 'running' ELSE a.state END,
                cost = a.cost,
                error = CASE WHEN a.state IN ('failed', 'needs_attention') THEN a.error ELSE NULL END,
                updated_at = now()
            FROM (
                SELECT job_id,
                    CASE WHEN bool_or(state = 'failed') THEN 'failed'
                         WHEN bool_or(state = 'needs_attention') THEN 'needs_attention'
                         WHEN bool_and(state = 'done') THEN 'done'
                         WHEN bool_and(state = 'available' AND attempt = 0) THEN 'queued'
                         ELSE 'running' END AS state,
                    sum(cost) AS cost,
                    string_agg(CASE WHEN state IN ('failed', 'needs_attention')
                        THEN 'segment ' || segment || ' ' || kind || ': ' || coalesce(error, state) END, '; '
                        ORDER BY segment, id) AS error
                FROM clipkit_steps WHERE job_id = ANY(\(jobIDs)) GROUP BY job_id
            ) a
            WHERE j.id = a.job_id
            """, logger: logger)
    }

    private func updatesOne(_ operation: String, _ query: PostgresQuery) async throws -> Bool {
        do {
            var updated = false
            for try await _ in try await client.query(query, logger: logger) { updated = true }
            return updated
        } catch {
            throw QueueError.database(operation, error)
        }
    }

    @discardableResult
    private func transaction<Result: Sendable>(
        _ operation: String, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as QueueError {
            throw error
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError as? QueueError { throw closureError }
            throw QueueError.database(operation, error)
        } catch {
            throw QueueError.database(operation, error)
        }
    }

    private func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
