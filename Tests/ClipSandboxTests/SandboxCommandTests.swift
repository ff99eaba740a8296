import ClipTestSupport
import Foundation
import Testing

@testable import ClipSandbox

/// `clipkit sandbox` as its own process: a client found through the printed `CLIPKIT_<PROVIDER>_BASE_URL`
/// reaches it, and it keeps running (with its tasks) after the client exits, so a test can kill and rerun
/// `clipkit extend` against the same provider.
@Suite(.serialized)
struct SandboxCommandTests {
    static var binary: String { ChildProcess.clipkitExecutable.path }

    /// Starts `clipkit sandbox ARGS` and returns the process and the `export` lines it printed once ready.
    static func startSandbox(_ arguments: [String], log: String) async throws -> (ChildProcess, [String: String]) {
        let process = try ChildProcess(binary, ["sandbox"] + arguments, standardOutput: log)
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while !text.contains("Press Ctrl-C") && process.isRunning && Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            for pair in line.dropFirst("export ".count).split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { variables[String(parts[0])] = String(parts[1]) }
            }
        }
        return (process, variables)
    }

    @Test func extendAgainstAStandaloneSandboxReachesItAndTheSandboxOutlivesTheClient() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (sandbox, variables) = try await Self.startSandbox(
            ["--delay", "0", "--scale", "0.25", "--drift", "0"], log: directory.file("sandbox.out"))
        defer { sandbox.signal(SIGKILL) }
        let baseURL = try #require(variables["CLIPKIT_KKIAI_BASE_URL"], "printed: \(variables)")
        #expect(variables["KKIAI_API_KEY"] == SandboxConfiguration.defaultAPIKey)

        // Pass or fail QA (quarter-size clips): what matters here is where it went.
        _ = try await ChildProcess.run(
            Self.binary,
            ["extend", "--provider", "kkiai", "--prompt", "a paper boat", "--segments", "1", "--max-retries", "0", "-o", directory.file("out.mp4")],
            extraEnvironment: variables, directory: directory.path, timeout: 600)

        #expect(sandbox.isRunning, "the sandbox keeps running after the client exits")
        let client = SandboxClient(baseURL: baseURL)
        let creates = try await client.send(.GET, "/_sandbox/creates?provider=kkiai").json["creates"]?.arrayValue
        let first = try #require(creates?.first, "extend --provider kkiai reached the standalone sandbox")
        #expect(first["body"]?["user_prompt"]?.stringValue == "a paper boat")
        #expect(first["status"]?.intValue == 200)
        let tasks = try await client.send(.GET, "/_sandbox/tasks").json["tasks"]?.arrayValue ?? []
        #expect(tasks.contains { $0["id"] == first["task_id"] })
    }
}
