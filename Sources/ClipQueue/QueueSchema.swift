import Logging
import PostgresNIO

/// ClipKit's own PostgreSQL schema, created and migrated by ClipKit: ordered migrations recorded in
/// `clipkit_schema_version`, applied in one transaction under an advisory lock so that any number of
/// workers starting at once migrate exactly once.
public enum QueueSchema {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        let statements: [String]
    }

    /// Any fixed 64-bit number: the advisory lock every migrating process takes.
    static let migrationLock: Int64 = 0x436C_6970_4B69_7431  // "ClipKit1"

    public static let migrations: [Migration] = [
        Migration(version: 1, name: "jobs, steps and providers", statements: [
            """
            CREATE TABLE clipkit_jobs (
                id text PRIMARY KEY,
                seq bigserial NOT NULL,
                batch text NOT NULL,
                kind text NOT NULL,
                spec jsonb NOT NULL,
                state text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'done', 'failed', 'needs_attention')),
                output text,
                error text,
                cost double precision NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE clipkit_steps (
                id bigserial PRIMARY KEY,
                job_id text NOT NULL REFERENCES clipkit_jobs(id) ON DELETE CASCADE,
                job_kind text NOT NULL,
                segment integer NOT NULL,
                kind text NOT NULL,
                provider text,
                state text NOT NULL DEFAULT 'available'
                    CHECK (state IN ('available', 'running', 'submitting', 'done', 'failed', 'needs_attention')),
                payload jsonb NOT NULL DEFAULT '{}',
                result jsonb,
                error text,
                client_ref uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                provider_task_id text UNIQUE,
                attempt integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL DEFAULT 3,
                scheduled_at timestamptz NOT NULL DEFAULT now(),
                lease_owner text,
                lease_token uuid,
                lease_expires_at timestamptz,
                completed_by text,
                cost double precision NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (job_id, segment, kind)
            )
            """,
            "CREATE INDEX clipkit_steps_ready ON clipkit_steps (scheduled_at, id) WHERE state = 'available'",
            "CREATE INDEX clipkit_steps_leased ON clipkit_steps (lease_expires_at) WHERE state IN ('running', 'submitting')",
            "CREATE INDEX clipkit_steps_job ON clipkit_steps (job_id)",
            """
            CREATE TABLE clipkit_providers (
                name text PRIMARY KEY,
                max_concurrent integer NOT NULL DEFAULT 0 CHECK (max_concurrent >= 0),
                not_before timestamptz NOT NULL DEFAULT '-infinity'
            )
            """,
        ]),
        Migration(version: 2, name: "takes: a segment submitted again after a failed task or QA", statements: [
            "ALTER TABLE clipkit_steps ADD COLUMN take integer NOT NULL DEFAULT 1 CHECK (take >= 1)",
            "ALTER TABLE clipkit_steps DROP CONSTRAINT clipkit_steps_job_id_segment_kind_key",
            "ALTER TABLE clipkit_steps ADD CONSTRAINT clipkit_steps_job_segment_kind_take_key UNIQUE (job_id, segment, kind, take)",
        ]),
        Migration(version: 3, name: "settings: the fleet's webhook key", statements: [
            "CREATE TABLE clipkit_settings (name text PRIMARY KEY, value text NOT NULL)",
        ]),
    ]

    /// The newest version this build knows.
    public static var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Creates or upgrades the schema; safe to call from many processes at once. Returns the versions applied.
    @discardableResult
    public static func migrate(_ client: PostgresClient, schema: String? = nil, logger: Logger) async throws -> [Int] {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                if let schema {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
                }
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS clipkit_schema_version (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var current = 0
                for try await (version) in try await connection.query(
                    "SELECT coalesce(max(version), 0) FROM clipkit_schema_version", logger: logger
                ).decode(Int.self) { current = version }
                if current > latestVersion {
                    throw QueueError.invalidState(
                        "the queue's schema is version \(current), newer than this clipkit knows (\(latestVersion)): upgrade clipkit")
                }
                var applied: [Int] = []
                for migration in migrations where migration.version > current {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO clipkit_schema_version (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                    applied.append(migration.version)
                }
                return applied
            }
        } catch let error as QueueError {
            throw error
        } catch {
            throw QueueError.database("migrating the queue schema", error)
        }
    }
}
