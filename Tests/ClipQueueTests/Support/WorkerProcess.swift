import ClipQueue
import Foundation

/// A real `clipkit worker` process (the binary beside the test bundle), its output in files.
final class WorkerProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    let errPath: String

    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("clipkit")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/clipkit")
    }

    /// `environment` is added to the test's own (for example a provider's API key).
    init(
        name: String, url: QueueURL, store: String, concurrency: Int = 1, lease: Double, stepDelay: Double = 0,
        extra: [String] = [], environment: [String: String] = [:]
    ) throws {
        self.name = name
        errPath = (store as NSString).appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = Self.executable
        process.arguments = [
            "worker", "--queue", Self.address(url), "--store", store, "--name", name,
            "--concurrency", "\(concurrency)", "--lease", "\(lease)", "--poll", "0.1",
            "--debug-step-delay", "\(stepDelay)",
        ] + extra
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let log = FileHandle(forWritingAtPath: errPath)!
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    static func address(_ url: QueueURL) -> String {
        "postgres://\(url.username)@\(url.host):\(url.port)/\(url.database ?? "postgres")?schema=\(url.schema ?? "public")"
    }

    var log: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit; nil if it is still running after `timeout` seconds (then it is killed).
    func waitForExit(timeout: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
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
func runClipKit(_ arguments: [String], in directory: String, timeout: Double = 120) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = WorkerProcess.executable
    process.arguments = arguments
    let id = UUID().uuidString
    let outPath = (directory as NSString).appendingPathComponent("\(id).out")
    let errPath = (directory as NSString).appendingPathComponent("\(id).err")
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: outPath)
    process.standardError = FileHandle(forWritingAtPath: errPath)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return (process.terminationStatus,
            (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}
