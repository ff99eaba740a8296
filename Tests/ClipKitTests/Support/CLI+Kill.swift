import ClipSandbox
import Foundation

extension CLI {
    /// Starts `clipkit arguments`, waits until `sandbox` has seen its first task, lets `settle` pass (for
    /// the CLI to journal the answer, when one comes), then kills it with SIGKILL, as a crash would.
    static func killAfterFirstTask(
        _ arguments: [String], sandbox: SandboxServer, settle: Duration = .zero, timeout: TimeInterval = 120
    ) async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout * HeavyWork.loadFactor)
        while await sandbox.inspect().tasks.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: settle)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
