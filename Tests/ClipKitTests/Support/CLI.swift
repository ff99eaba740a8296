import ClipTestSupport
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
    static var executable: URL { ChildProcess.clipkitExecutable }

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
        let output = try ChildProcess.runBlocking(executable.path, arguments, extraEnvironment: environment, timeout: timeout)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }
}
