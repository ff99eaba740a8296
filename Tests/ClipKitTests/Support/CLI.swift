import Foundation

/// Runs the built `clipkit` executable the way a user would and captures what it prints.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Standard output parsed as JSON.
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    /// The `clipkit` binary beside the test bundle (.build/<configuration>/clipkit).
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("clipkit")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/clipkit")
    }

    /// Runs `clipkit arguments` to its end, one CLI process at a time (see ``HeavyWork``).
    /// - Parameter timeout: seconds after the process starts; derived from the command and the machine's
    ///   load when not given (``HeavyWork/timeout(for:)``).
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval? = nil) throws -> Result {
        try HeavyWork.exclusively {
            try runNow(arguments, environment: environment, timeout: timeout ?? HeavyWork.timeout(for: arguments))
        }
    }

    /// ``run(_:environment:timeout:)`` for async tests: waits on its own thread, so a test that serves the
    /// CLI from this process (the sandbox) does not hold one of the few cooperative threads its server needs.
    static func running(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try run(arguments, environment: environment, timeout: timeout) })
            }
        }
    }

    private static func runNow(_ arguments: [String], environment: [String: String], timeout: TimeInterval) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // Output goes to files, so a chatty process never blocks on a full pipe.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-cli-\(UUID().uuidString)")
        let outPath = base.path + ".out"
        let errPath = base.path + ".err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = FileHandle(forWritingAtPath: outPath)!
        let err = FileHandle(forWritingAtPath: errPath)!
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw CLIError.timedOut(arguments, seconds: timeout)
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    enum CLIError: Error { case timedOut([String], seconds: TimeInterval) }
}
