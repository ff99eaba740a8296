import ClipMedia
import ClipQueue
import ClipTestSupport
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `clipkit batch submit|status` and a worker's `/metrics`, as a user runs them.
@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason))
struct BatchCommandTests {
    @Test func submitRefusesAWholeFileWithABadLineThenEnqueuesIdempotently() async throws {
        let directory = try TemporaryDirectory("clipkit-submit")
        defer { directory.remove() }
        let url = try TestDatabase.freshURL()
        let address = WorkerProcess.address(url)
        let bad = directory.file("bad.jsonl")
        try """
            {"id": "q1", "kind": "check", "path": "a.mp4"}
            {"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["x"]}
            """.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await runClipKit(["batch", "submit", bad, "--queue", address], in: directory.path)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad.jsonl:2:") && refused.stderr.contains("segments"), "\(refused.stderr)")

        let good = directory.file("good.jsonl")
        try """
            {"id": "q1", "kind": "check", "path": "a.mp4"}
            {"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["x"], "segments": 2}
            """.write(toFile: good, atomically: true, encoding: .utf8)
        let first = try await runClipKit(["batch", "submit", good, "--queue", address, "--json"], in: directory.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try await JSONSchemaValidation.violations(of: first.stdout, schema: "batch-submit") == [], "\(first.stdout)")
        let firstJSON = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: [String]])
        #expect(firstJSON["enqueued"] == ["q1", "c1"])
        let again = try await runClipKit(["batch", "submit", good, "--queue", address, "--json"], in: directory.path)
        let againJSON = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: [String]])
        #expect(againJSON["enqueued"] == [] && againJSON["already_present"] == ["q1", "c1"])

        let status = try await runClipKit(["batch", "status", "--queue", address, "--json"], in: directory.path)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(try await JSONSchemaValidation.violations(of: status.stdout, schema: "batch-status") == [], "\(status.stdout)")
        #expect(try JSONSchemaValidation.nonSnakeKeys(status.stdout) == [])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["queued"] as? Int == 2 && summary["needs_attention"] as? Int == 0)
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["id"] as? String } == ["q1", "c1"])
        let tasks = try #require(jobs.first?["tasks"] as? [[String: Any]])
        #expect(tasks.first?["kind"] as? String == "check" && tasks.first?["client_ref"] != nil)
    }

    @Test func aWorkerServesPrometheusMetricsWithoutJobIds() async throws {
        let directory = try TemporaryDirectory("clipkit-metrics")
        defer { directory.remove() }
        let clip = try FixtureFactory.makeGeneratorLikeClip(at: directory.file("ok.mp4"), width: 160, height: 90, seconds: 1)
        try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
            _ = try await queue.enqueue([
                TestDatabase.checkJob("job-ok", path: clip), TestDatabase.checkJob("job-missing", path: directory.file("missing.mp4")),
            ])
            let port = Int.random(in: 20_000..<60_000)
            let worker = try WorkerProcess(name: "metered", url: url, store: directory.path, concurrency: 2, lease: 5,
                                           extra: ["--metrics-port", "\(port)"])
            defer { worker.signal(SIGKILL) }
            #expect(try await eventually(timeout: 60) {
                try await queue.status().jobs.allSatisfy { $0.state == .done || $0.state == .failed }
            }, "log: \(worker.log)")
            // Finished jobs (one done, one failed with its error) still match the status schema.
            let status = try await runClipKit(["batch", "status", "--queue", WorkerProcess.address(url), "--json"], in: directory.path)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(try await JSONSchemaValidation.violations(of: status.stdout, schema: "batch-status") == [], "\(status.stdout)")
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("clipkit_queue_claims_total"))
            #expect(text.contains(#"clipkit_jobs{kind="check",state="done"} 1"#))
            #expect(text.contains(#"clipkit_jobs{kind="check",state="failed"} 1"#))
            #expect(text.contains(#"clipkit_qa_failures_total{check="readable"} 1"#))
            #expect(text.contains(#"clipkit_step_failures_total{provider="none",reason="qa"} 1"#))
            #expect(!text.contains("job-ok") && !text.contains("job-missing"))
        }
    }
}
