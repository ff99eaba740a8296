import ClipMedia
import ClipPipeline
import ClipSandbox
import ClipTestSupport
import Foundation
import Testing

/// A process killed while its create request is in flight: the rerun never submits that segment again
/// blindly. It reconciles where the provider lets it (Luma lists its generations), and otherwise stops
/// and names the way to settle it, `jobs resolve`, which works both ways.
@Suite(.serialized)
struct UnknownOutcomeTests {
    /// Starts `extend` against a sandbox that holds the first create's answer, and kills it with
    /// SIGKILL once the task exists but before its id came back.
    static func killDuringTheFirstCreate(provider: String, sandbox: SandboxServer, output: String) async throws -> [String] {
        let arguments = ["extend", "--prompt", "a lantern", "--segments", "2", "-o", output]
            + MoneySafetyTests.arguments(provider, sandbox)
        try await CLI.killAfterFirstTask(arguments, sandbox: sandbox)
        #expect(await sandbox.inspect().tasks.count == 1)
        return arguments
    }

    static func sandbox() async throws -> SandboxServer {
        try await SandboxServer.start(
            SandboxConfiguration(stepDelay: 0, faults: try SandboxFaults(spec: "delay-create-answer:1"), createAnswerDelay: 20))
    }

    @Test func aSubmitWhoseAnswerWasLostIsNotRepeatedAndIsSettledByAdoptingTheTask() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let output = directory.file("long.mp4")
        let arguments = try await Self.killDuringTheFirstCreate(provider: "kkiai", sandbox: sandbox, output: output)

        let journal = try SQLiteJournal(path: directory.file(".clipkit/journal.sqlite"))
        let run = try #require(try await journal.runs().first)
        let inFlight = try #require(try await journal.attempts(runID: run.id).first)
        #expect(inFlight.step == .submitting)
        #expect(inFlight.clientRef != nil)

        // The rerun stops on that segment, says how to settle it, and creates nothing.
        let stopped = try await CLI.running(arguments)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("jobs resolve \(run.id) --segment 1 --task-id"), "\(stopped.stderr)")
        #expect(await sandbox.inspect().createCalls(for: .kkiai) == 1)
        #expect(try await journal.run(id: run.id)?.state == .needsAttention)

        // A person found the task on the dashboard: adopt it; the rerun polls it and pays only for segment 2.
        let task = try #require(await sandbox.inspect().tasks.first)
        let resolved = try await CLI.running(["jobs", "resolve", run.id, "--segment", "1", "--task-id", task.id, "--work-dir", directory.file(".clipkit")])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let finished = try await CLI.running(arguments + ["--json"], timeout: 600)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(await sandbox.inspect().createCalls(for: .kkiai) == 2)
        let segments = try #require((try finished.json() as? [String: Any])?["segments"] as? [[String: Any]])
        #expect(segments.first?["task_id"] as? String == task.id)
    }

    @Test func aPersonCanChooseToPayAgainKnowingly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let output = directory.file("long.mp4")
        let arguments = try await Self.killDuringTheFirstCreate(provider: "pixwith", sandbox: sandbox, output: output)
        let journal = try SQLiteJournal(path: directory.file(".clipkit/journal.sqlite"))
        let run = try #require(try await journal.runs().first)

        let resolved = try await CLI.running(["jobs", "resolve", run.id, "--segment", "1", "--resubmit", "--work-dir", directory.file(".clipkit")])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let finished = try await CLI.running(arguments, timeout: 600)
        #expect(finished.status == 0, "\(finished.stderr)")
        // The orphan, the knowing resubmit, and segment 2.
        #expect(await sandbox.inspect().createCalls(for: .pixwith) == 3)
        #expect(try MediaProbe.probe(path: output).video?.frameCount == 2 * 121 - 1)
    }

    @Test func lumaFindsTheLostTaskInItsListOfGenerationsAndGoesOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await Self.sandbox()
        defer { Task { await sandbox.stop() } }
        let output = directory.file("long.mp4")
        let arguments = try await Self.killDuringTheFirstCreate(provider: "luma", sandbox: sandbox, output: output)
        let task = try #require(await sandbox.inspect().tasks.first)

        let finished = try await CLI.running(arguments + ["--json"], timeout: 600)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(await sandbox.inspect().createCalls(for: .luma) == 2)
        let segments = try #require((try finished.json() as? [String: Any])?["segments"] as? [[String: Any]])
        #expect(segments.first?["task_id"] as? String == task.id)
        let journal = try SQLiteJournal(path: directory.file(".clipkit/journal.sqlite"))
        let run = try #require(try await journal.runs().first)
        #expect(try await journal.events(runID: run.id).contains { $0.step == "reconciled from the provider's task list" })
    }

    @Test func anInsufficientCreditsAnswerIsAClearErrorNotAnUnknownOutcome() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await SandboxServer.start(
            SandboxConfiguration(stepDelay: 0, faults: try SandboxFaults(spec: "insufficient-credits:1")))
        defer { Task { await sandbox.stop() } }
        let result = try await CLI.running(
            ["generate", "--prompt", "a cat", "-o", directory.file("clip.mp4")] + MoneySafetyTests.arguments("piapi", sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.lowercased().contains("credit"), "\(result.stderr)")
        #expect(!result.stderr.contains("outcome"))
        #expect(!result.stderr.contains(SandboxConfiguration.defaultAPIKey))
    }
}
