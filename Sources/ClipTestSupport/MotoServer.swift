import Foundation

/// moto's S3 server for one test: the one CLIPKIT_TEST_S3_ENDPOINT names, or one started with scripts/moto.sh.
public struct MotoServer: Sendable {
    public let endpoint: URL
    let directory: String?

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// An endpoint is given, or moto can be started; in CI (CI=true) always, so a missing moto fails there.
    public static var usable: Bool {
        let environment = ProcessInfo.processInfo.environment
        if environment["CLIPKIT_TEST_S3_ENDPOINT"] != nil || environment["CI"] == "true" { return true }
        let probe = try? ChildProcess.runBlocking("/usr/bin/env", ["python3", "-c", "import moto.server"], timeout: 60)
        return probe?.status == 0
    }

    public static func start() async throws -> MotoServer {
        if let given = ProcessInfo.processInfo.environment["CLIPKIT_TEST_S3_ENDPOINT"], let url = URL(string: given) {
            return MotoServer(endpoint: url, directory: nil)
        }
        let output = try await run("/usr/bin/env", ["bash", repository.appendingPathComponent("scripts/moto.sh").path, "start"])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { values[String(pair[0])] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
        }
        guard let text = values["CLIPKIT_TEST_S3_ENDPOINT"], let endpoint = URL(string: text) else {
            throw MotoError("scripts/moto.sh start printed no endpoint: \(output)")
        }
        return MotoServer(endpoint: endpoint, directory: values["CLIPKIT_MOTO_DIR"])
    }

    /// Creates a bucket (moto takes an unsigned request; the bucket tests sign theirs).
    public func createBucket(_ name: String) async throws {
        _ = try await Self.python(
            "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='PUT'), timeout=30)",
            arguments: [endpoint.appendingPathComponent(name).absoluteString])
    }

    /// Creates a bucket of its own for one test, `PREFIX-RANDOM`, and returns its name.
    public func newBucket(_ prefix: String = "clipkit") async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        try await createBucket(name)
        return name
    }

    /// Stops the server this test started (never one given from outside).
    public func stop() {
        guard let directory else { return }
        // Told to end at once (kill(2) does not block): the server goes even when the test process exits before
        // the clean-up thread below has run, as it may after the last test.
        if let text = try? String(contentsOfFile: (directory as NSString).appendingPathComponent("pid"), encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        {
            kill(pid, SIGTERM)
        }
        // Reaped on its own thread: a test's cooperative thread is never blocked.
        let script = Self.repository.appendingPathComponent("scripts/moto.sh").path
        Thread.detachNewThread { _ = try? ChildProcess.runBlocking("/usr/bin/env", ["bash", script, "stop", directory], timeout: 60) }
    }

    public static func python(_ script: String, arguments: [String]) async throws -> String {
        try await run("/usr/bin/env", ["python3", "-c", script] + arguments).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program to its end and returns its standard output. The server moto.sh leaves running
    /// inherits none of this process's descriptors (see ``ChildProcess``), so its start returns at once.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let run = try await ChildProcess.run(executable, arguments, timeout: 300)
        guard run.status == 0 else {
            throw MotoError("\(arguments.prefix(2).joined(separator: " ")) failed (\(run.termination)): \(run.stderr)")
        }
        return run.stdout
    }
}

public struct MotoError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
