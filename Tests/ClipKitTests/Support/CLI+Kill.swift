import ClipSandbox
import ClipTestSupport
import Foundation

extension CLI {
    /// Starts `clipkit arguments`, waits until `sandbox` has seen its first task, lets `settle` pass (for
    /// the CLI to journal the answer, when one comes), then kills it with SIGKILL, as a crash would.
    static func killAfterFirstTask(
        _ arguments: [String], sandbox: SandboxServer, settle: Duration = .zero, timeout: TimeInterval = 120
    ) async throws {
        let process = try ChildProcess.clipkit(arguments)
        let deadline = Date().addingTimeInterval(timeout * HeavyWork.loadFactor)
        while await sandbox.inspect().tasks.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: settle)
        process.signal(SIGKILL)
        _ = await process.wait(timeout: 60)
    }
}
