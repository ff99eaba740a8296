import ClipMedia
import ClipSandbox
import ClipTestSupport
import Foundation
import Testing

/// Every command's `--json` output, from the built binary, validated against its schema in
/// docs/schemas (python3's jsonschema, draft 2020-12; scripts/setup.sh installs it), and every key
/// snake_case. The queue's commands (`batch submit|status`) are validated in BatchCommandTests, which
/// has a PostgreSQL server.
struct JSONSchemaTests {
    /// Validates `json` against the command's schema; returns the validator's complaints (empty when valid).
    static func violations(_ json: String, command: String) throws -> [String] {
        try JSONSchemaValidation.violations(json, schema: command)
    }

    static func nonSnakeKeys(_ json: String) throws -> [String] { try JSONSchemaValidation.nonSnakeKeys(json) }

    func expectValid(_ run: CLI.Result, _ command: String) throws {
        #expect(!run.stdout.isEmpty, "\(command): no output; stderr: \(run.stderr)")
        #expect(try Self.violations(run.stdout, command: command) == [], "\(command): \(run.stdout.prefix(600))")
        #expect(try Self.nonSnakeKeys(run.stdout) == [], "\(command)")
    }

    @Test func everyMediaCommandsJSONMatchesItsSchema() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try FixtureFactory.makeQAClip(at: directory.file("a.mp4"), frames: 25) { _ in .moving }
        let b = try FixtureFactory.makeQAClip(at: directory.file("b.mp4"), frames: 25) { _ in .moving }
        let black = try FixtureFactory.makeQAClip(at: directory.file("black.mp4"), frames: 25) { _ in .black }
        let page = try FixtureFactory.makeErrorPage(at: directory.file("page.mp4"))

        try expectValid(try await CLI.running(["probe", a, "--json"]), "probe")
        let several = try await CLI.running(["probe", a, page, "--json"])
        #expect(several.status == 1)
        try expectValid(several, "probe")
        try expectValid(try await CLI.running(["last-frame", a, "-o", directory.file("last.png"), "--json"]), "last-frame")
        try expectValid(try await CLI.running(["thumbs", a, "-o", directory.file("thumbs"), "--count", "3", "--json"]), "thumbs")
        let check = try await CLI.running(["check", a, black, page, "--json"])
        #expect(check.status == 1)
        try expectValid(check, "check")
        // A batch of check jobs runs without any provider; one failing clip fails the batch.
        let batchFile = directory.file("checks.jsonl")
        try Data((#"{"id": "a", "kind": "check", "path": "a.mp4"}"# + "\n" + #"{"id": "black", "kind": "check", "path": "black.mp4"}"#).utf8)
            .write(to: URL(fileURLWithPath: batchFile))
        let batch = try await CLI.running(["batch", "run", batchFile, "--json"])
        #expect(batch.status == 1)
        try expectValid(batch, "batch-run")
        try expectValid(try await CLI.running(["join", a, b, "-o", directory.file("joined.mp4"), "--json"]), "join")
        try expectValid(try await CLI.running(["join", a, b, "-o", directory.file("joined2.mp4"), "--seam", "drop", "--report", "--json"]), "join")
        let clips = directory.file("clips")
        try FileManager.default.createDirectory(atPath: clips, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: a, toPath: clips + "/a.mp4")
        try FileManager.default.copyItem(atPath: page, toPath: clips + "/page.mp4")
        let gallery = try await CLI.running(["gallery", clips, "-o", directory.file("site"), "--json"])
        try expectValid(gallery, "gallery")
        let summary = try #require(try gallery.json() as? [String: Any])
        #expect(summary["verdicts"] as? [String: Int] == ["pass": 1, "warn": 0, "fail": 1, "unchecked": 0])
        // The files the gallery writes for other tools: the manifest and each storyboard.
        let manifest = try String(contentsOfFile: directory.file("site/manifest.json"), encoding: .utf8)
        #expect(try Self.violations(manifest, command: "gallery-manifest") == [], "\(manifest.prefix(400))")
        let entries = try #require((try JSONSerialization.jsonObject(with: Data(manifest.utf8)) as? [String: Any])?["clips"] as? [[String: Any]])
        let folder = try #require(entries.compactMap { $0["asset_dir"] as? String }.first)
        let storyboard = try String(contentsOfFile: directory.file("site/\(folder)/storyboard.json"), encoding: .utf8)
        #expect(try Self.violations(storyboard, command: "storyboard") == [])
    }

    @Test func journalCommandsJSONMatchesItsSchema() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sandbox = try await SandboxServer.start(SandboxConfiguration(stepDelay: 0))
        defer { Task { await sandbox.stop() } }
        let work = directory.file(".clipkit")
        // The cheapest run that leaves a journal: one 540p clip.
        let generate = try await CLI.running(
            ["generate", "--prompt", "a harbour", "--resolution", "540p", "--work-dir", work, "-o", directory.file("clip.mp4"), "--json"]
                + MoneySafetyTests.arguments("luma", sandbox))
        #expect(generate.status == 0, "\(generate.stderr)")
        try await expectValidAsync(generate, "generate")
        let list = try await CLI.running(["jobs", "list", "--work-dir", work, "--json"])
        try await expectValidAsync(list, "jobs-list")
        let runs = try #require(try list.json() as? [[String: Any]])
        let id = try #require(runs.first?["id"] as? String)
        #expect(runs.first?["created_at"] as? String != nil, "dates are ISO 8601 text")
        try await expectValidAsync(try await CLI.running(["jobs", "show", id, "--work-dir", work, "--json"]), "jobs-show")
        // Resuming a finished run pays for nothing and prints the run's own document again.
        let resumed = try await CLI.running(
            ["jobs", "resume", id, "--work-dir", work, "--json"], environment: ["LUMA_API_KEY": SandboxConfiguration.defaultAPIKey])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try await expectValidAsync(resumed, "generate")
        #expect((try resumed.json() as? [String: Any])?["already_done"] as? Bool == true)
    }

    func expectValidAsync(_ run: CLI.Result, _ schema: String) async throws {
        #expect(!run.stdout.isEmpty, "\(schema): no output; stderr: \(run.stderr)")
        #expect(try await JSONSchemaValidation.violations(of: run.stdout, schema: schema) == [], "\(schema): \(run.stdout.prefix(600))")
        #expect(try Self.nonSnakeKeys(run.stdout) == [], "\(schema)")
    }

    @Test func schemasRejectOutputsThatBreakTheConvention() async throws {
        // The validator is not a rubber stamp: a camelCase key or a missing field fails.
        let thumbs = #"[{"path": "t.jpg", "requested_s": 1, "pts_s": 1, "frame_index": 24, "width": 16, "height": 9}]"#
        #expect(try Self.violations(thumbs, command: "thumbs") == [])
        let camel = #"[{"path": "t.jpg", "requestedSeconds": 1, "pts_s": 1, "width": 16, "height": 9}]"#
        #expect(try Self.violations(camel, command: "thumbs").count >= 2)
        #expect(try Self.nonSnakeKeys(camel) == ["requestedSeconds"])
    }
}
