import ArgumentParser
import ClipQueue
import Foundation
import Logging

/// `clipkit batch submit|status`: batches of jobs on the PostgreSQL work queue, run by `clipkit worker`s.
struct Batch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run many jobs (one JSON line each) on a PostgreSQL work queue shared by any number of workers.",
        subcommands: [Submit.self, Status.self])

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every line of JOBS.jsonl, then enqueue the jobs (a job id already queued is left as it is).",
            discussion: """
                One job a line: {"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["..."], "segments": 3, \
                "duration": 5, "aspect": "16:9", "resolution": "720p", "output": "c1.mp4"}, "kind": "generate" \
                (one clip), or "kind": "check" with a "path". A bad line refuses the whole file. Relative paths are \
                taken from the file's directory.
                """)

        @Argument(help: "The batch file (JSON lines).")
        var jobs: String

        @Option(help: "The queue: postgres://user[:password]@host[:port]/database[?schema=NAME].")
        var queue: String

        @Flag(help: "Print {enqueued: [...], already_present: [...]} as JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let url = try QueueURL(parsing: queue)
                let text: String
                do { text = try String(contentsOfFile: jobs, encoding: .utf8) } catch {
                    throw Failure(message: "\(jobs): cannot read the batch file: \(error.localizedDescription)")
                }
                let directory = URL(fileURLWithPath: jobs).deletingLastPathComponent()
                let file = try BatchFile(name: (jobs as NSString).lastPathComponent, text: text) { object in
                    if let path = object["path"] as? String, !path.hasPrefix("/") {
                        object["path"] = directory.appendingPathComponent(path).standardizedFileURL.path
                    }
                }
                let result = try await QueueSession.with(url) { queue in try await queue.enqueue(file.jobs) }
                if json {
                    try Output.json(["enqueued": result.enqueued, "already_present": result.alreadyPresent])
                } else {
                    Output.line("\(result.enqueued.count) job(s) enqueued, \(result.alreadyPresent.count) already present (\(url))")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every job's state, output, tasks and error, and the totals.")

        @Option(help: "The queue: postgres://user[:password]@host[:port]/database[?schema=NAME].")
        var queue: String

        @Flag(help: "Print {jobs: [{id, state, output, tasks, error}], summary: {queued, running, done, failed, needs_attention}}.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let url = try QueueURL(parsing: queue)
                let status = try await QueueSession.with(url) { queue in try await queue.status() }
                if json {
                    try Output.json(status)
                    return
                }
                for job in status.jobs {
                    var line = "\(job.state.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(job.id)  \(job.kind)"
                    if let output = job.output { line += "  \(output)" }
                    if job.cost > 0 { line += "  cost \(job.cost)" }
                    if let error = job.error { line += "  (\(error))" }
                    Output.line(line)
                }
                let s = status.summary
                Output.line("\(status.jobs.count) job(s): \(s.queued) queued, \(s.running) running, \(s.done) done, \(s.failed) failed, \(s.needsAttention) needs attention; spend \(s.spend)")
            }
        }
    }
}

/// A connection to the queue for one command: connects, migrates the schema, runs `body`, disconnects.
enum QueueSession {
    static func with<T: Sendable>(
        _ url: QueueURL, _ body: @Sendable (PostgresJobQueue) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "clipkit.queue")
        logger.logLevel = .error
        let client = PostgresJobQueue.client(for: url, logger: logger)
        let queue = PostgresJobQueue(client: client, schema: url.schema, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            do {
                try await queue.migrate()
            } catch {
                throw Failure(message: "cannot use the queue at \(url): \(error)")
            }
            return try await body(queue)
        }
    }
}
