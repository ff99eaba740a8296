import ClipQueue
import Testing

@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason))
struct MigrationTests {
    @Test func migratingTwiceAppliesEachMigrationOnce() async throws {
        try await TestDatabase.withQueue(url: TestDatabase.freshURL()) { (queue: PostgresJobQueue) async throws -> Void in
            #expect(try await queue.migrate() == QueueSchema.migrations.map(\.version))
            #expect(try await queue.migrate() == [])
            #expect(try await queue.status().jobs.isEmpty)
        }
    }

    @Test func eightWorkersMigratingAtOnceApplyTheSchemaExactlyOnce() async throws {
        let url = try TestDatabase.freshURL()
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 {
                group.addTask { try await TestDatabase.withQueue(url: url) { queue in try await queue.migrate() } }
            }
            var all: [Int] = []
            for try await versions in group { all += versions }
            return all
        }
        #expect(applied.sorted() == QueueSchema.migrations.map(\.version))
        // The schema works for all of them afterwards.
        let enqueued = try await TestDatabase.withQueue(url: url) { queue in
            try await queue.enqueue([TestDatabase.checkJob("a")]).enqueued
        }
        #expect(enqueued == ["a"])
    }
}
