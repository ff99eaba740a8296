import Foundation
import GRDB

/// Where runs, attempts and their steps are recorded before the next step starts.
public protocol Journal: Sendable {
    func runs() async throws -> [JournalRun]
    /// The runs writing `output`, newest first.
    func runs(output: String) async throws -> [JournalRun]
    func run(id: String) async throws -> JournalRun?
    func save(_ run: JournalRun) async throws
    func attempts(runID: String) async throws -> [JournalAttempt]
    func save(_ attempt: JournalAttempt) async throws
    func events(runID: String) async throws -> [JournalEvent]
    func record(_ event: JournalEvent) async throws
}

/// The journal in an SQLite file (GRDB), durable at each commit.
public final class SQLiteJournal: Journal {
    private let database: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the journal at `path`, or an in-memory one for ":memory:".
    public init(path: String) throws {
        self.path = path
        if path == ":memory:" {
            database = try DatabaseQueue()
        } else {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            database = try DatabaseQueue(path: path, configuration: configuration)
        }
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("Create runs, attempts and events") { db in
            try db.create(table: "run") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("provider", .text).notNull()
                t.column("output", .text).notNull()
                t.column("plan", .text).notNull()
                t.column("state", .text).notNull()
                t.column("message", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "attempt") { t in
                t.column("runID", .text).notNull().references("run", onDelete: .cascade)
                t.column("segment", .integer).notNull()
                t.column("attempt", .integer).notNull()
                t.column("step", .text).notNull()
                t.column("request", .text).notNull()
                t.column("taskID", .text)
                t.column("submittedAt", .datetime)
                t.column("completedAt", .datetime)
                t.column("file", .text)
                t.column("sha256", .text)
                t.column("bytes", .integer)
                t.column("verdict", .text)
                t.column("report", .text)
                t.column("lastFrame", .text)
                t.column("hostedImage", .text)
                t.column("seamPSNR", .double)
                t.column("generationSeconds", .double)
                t.column("failure", .text)
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["runID", "segment", "attempt"])
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runID", .text).notNull().indexed()
                t.column("segment", .integer)
                t.column("attempt", .integer)
                t.column("step", .text).notNull()
                t.column("detail", .text)
                t.column("at", .datetime).notNull()
            }
        }
        migrator.registerMigration("Client references, resolved requests and expectations") { db in
            try db.alter(table: "run") { t in
                t.add(column: "baseURL", .text)
                t.add(column: "result", .text)
            }
            try db.alter(table: "attempt") { t in
                t.add(column: "clientRef", .text)
                t.add(column: "wireBody", .text)
                t.add(column: "expectations", .text)
                t.add(column: "cost", .text)
            }
            try db.create(index: "attempt_on_clientRef", on: "attempt", columns: ["clientRef"], unique: true)
        }
        return migrator
    }

    public func runs() async throws -> [JournalRun] {
        try await database.read { try JournalRun.order(Column("createdAt").desc).fetchAll($0) }
    }

    public func runs(output: String) async throws -> [JournalRun] {
        try await database.read {
            try JournalRun.filter(Column("output") == output).order(Column("createdAt").desc).fetchAll($0)
        }
    }

    public func run(id: String) async throws -> JournalRun? {
        try await database.read { try JournalRun.fetchOne($0, key: id) }
    }

    public func save(_ run: JournalRun) async throws {
        var run = run
        run.updatedAt = Date()
        try await database.write { [run] db in try run.save(db) }
    }

    public func attempts(runID: String) async throws -> [JournalAttempt] {
        try await database.read {
            try JournalAttempt.filter(Column("runID") == runID).order(Column("segment"), Column("attempt")).fetchAll($0)
        }
    }

    public func save(_ attempt: JournalAttempt) async throws {
        var attempt = attempt
        attempt.updatedAt = Date()
        try await database.write { [attempt] db in try attempt.save(db) }
    }

    public func events(runID: String) async throws -> [JournalEvent] {
        try await database.read { try JournalEvent.filter(Column("runID") == runID).order(Column("id")).fetchAll($0) }
    }

    public func record(_ event: JournalEvent) async throws {
        try await database.write { [event] db in try event.insert(db) }
    }
}

/// A journal in memory, for tests of the engines that drive it.
public actor InMemoryJournal: Journal {
    private var runsByID: [String: JournalRun] = [:]
    private var attemptsByKey: [String: JournalAttempt] = [:]
    private var eventLog: [JournalEvent] = []

    public init() {}

    public func runs() -> [JournalRun] { runsByID.values.sorted { $0.createdAt > $1.createdAt } }
    public func runs(output: String) -> [JournalRun] { runs().filter { $0.output == output } }
    public func run(id: String) -> JournalRun? { runsByID[id] }
    public func save(_ run: JournalRun) { runsByID[run.id] = run }
    public func attempts(runID: String) -> [JournalAttempt] {
        attemptsByKey.values.filter { $0.runID == runID }.sorted { ($0.segment, $0.attempt) < ($1.segment, $1.attempt) }
    }
    public func save(_ attempt: JournalAttempt) {
        attemptsByKey["\(attempt.runID)/\(attempt.segment)/\(attempt.attempt)"] = attempt
    }
    public func events(runID: String) -> [JournalEvent] { eventLog.filter { $0.runID == runID } }
    public func record(_ event: JournalEvent) { eventLog.append(event) }
}
