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
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import moto.server"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
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

    /// Stops the server this test started (never one given from outside).
    public func stop() {
        guard let directory else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", Self.repository.appendingPathComponent("scripts/moto.sh").path, "stop", directory]
        try? process.run()
        // Reaped on its own thread: a test's cooperative thread is never blocked.
        Thread.detachNewThread { process.waitUntilExit() }
    }

    public static func python(_ script: String, arguments: [String]) async throws -> String {
        try await run("/usr/bin/env", ["python3", "-c", script] + arguments).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program to its end on its own thread and returns its standard output. Output goes through
    /// files, not pipes: the server moto.sh leaves running inherits the descriptors, and a pipe would never
    /// reach its end.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let base = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-moto-run-\(UUID().uuidString)").path
                    defer {
                        try? FileManager.default.removeItem(atPath: base + ".out")
                        try? FileManager.default.removeItem(atPath: base + ".err")
                    }
                    FileManager.default.createFile(atPath: base + ".out", contents: nil)
                    FileManager.default.createFile(atPath: base + ".err", contents: nil)
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
                    process.standardError = FileHandle(forWritingAtPath: base + ".err")
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    process.waitUntilExit()
                    let text = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
                    let log = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
                    guard process.terminationStatus == 0 else {
                        throw MotoError("\(arguments.prefix(2).joined(separator: " ")) failed (\(process.terminationStatus)): \(log)")
                    }
                    return text
                })
            }
        }
    }
}

public struct MotoError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
