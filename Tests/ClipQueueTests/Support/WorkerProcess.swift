import ClipQueue
import ClipTestSupport
import Foundation

/// A real `clipkit worker` process (the binary beside the test bundle), its output in files.
final class WorkerProcess: Sendable {
    let name: String
    let process: ChildProcess
    let errPath: String

    static var executable: URL { ChildProcess.clipkitExecutable }

    /// `environment` is added to the test's own (for example a provider's API key). The log goes to
    /// `logDirectory`, else into the store (a folder).
    init(
        name: String, url: QueueURL, store: String, concurrency: Int = 1, lease: Double, stepDelay: Double = 0,
        extra: [String] = [], environment: [String: String] = [:], logDirectory: String? = nil
    ) throws {
        self.name = name
        errPath = ((logDirectory ?? store) as NSString).appendingPathComponent("\(name).log")
        process = try ChildProcess.clipkit(
            [
                "worker", "--queue", Self.address(url), "--store", store, "--name", name,
                "--concurrency", "\(concurrency)", "--lease", "\(lease)", "--poll", "0.1",
                "--debug-step-delay", "\(stepDelay)",
            ] + extra,
            extraEnvironment: environment, standardOutput: errPath, standardError: errPath)
    }

    static func address(_ url: QueueURL) -> String {
        "postgres://\(url.username)@\(url.host):\(url.port)/\(url.database ?? "postgres")?schema=\(url.schema ?? "public")"
    }

    var log: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { process.signal(number) }

    /// Waits for the process to exit; nil if it is still running after `timeout` seconds (then it is killed).
    func waitForExit(timeout: Double) async -> Int32? {
        if let ended = await process.wait(timeout: timeout) { return ended.status }
        process.signal(SIGKILL)
        _ = await process.wait(timeout: 60)
        return nil
    }
}

/// Polls `condition` until it holds or `timeout` seconds pass.
func eventually(timeout: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Runs `clipkit ARGS` to completion and captures what it prints.
func runClipKit(
    _ arguments: [String], in directory: String, environment: [String: String] = [:], timeout: Double = 120
) async throws -> (status: Int32, stdout: String, stderr: String) {
    let run = try await ChildProcess.run(
        ChildProcess.clipkitExecutable.path, arguments, extraEnvironment: environment, directory: directory, timeout: timeout)
    return (run.status, run.stdout, run.stderr)
}
