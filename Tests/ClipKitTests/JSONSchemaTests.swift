import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// Every command's `--json` output, from the built binary, validated against its schema in
/// docs/schemas (python3's jsonschema, draft 2020-12; scripts/setup.sh installs it), and every key
/// snake_case.
struct JSONSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func schema(_ command: String) -> String {
        repository.appendingPathComponent("docs/schemas/\(command).schema.json").path
    }

    /// Validates `json` against the command's schema; returns the validator's complaints (empty when valid).
    static func violations(_ json: String, command: String) throws -> [String] {
        let script = """
            import json, sys
            import jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            document = json.loads(sys.stdin.read())
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
            for e in errors:
                print("/".join(map(str, e.path)) + ": " + e.message)
            """
        let run = try ChildProcess.runBlocking("/usr/bin/env", ["python3", "-c", script, schema(command)], input: json, timeout: 120)
        let text = run.stdout
        guard run.status == 0 else {
            return ["the validator did not run (python3 with jsonschema >= 4 needed; scripts/setup.sh installs it): \(run.stderr)"]
        }
        return text.split(separator: "\n").map(String.init)
    }

    /// Keys that are not snake_case, anywhere in the document.
    static func nonSnakeKeys(_ json: String) throws -> [String] {
        var found: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, inner) in object {
                    if key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil { found.append(key) }
                    walk(inner)
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        return found
    }

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

    @Test func schemasRejectOutputsThatBreakTheConvention() async throws {
        // The validator is not a rubber stamp: a camelCase key or a missing field fails.
        let thumbs = #"[{"path": "t.jpg", "requested_s": 1, "pts_s": 1, "frame_index": 24, "width": 16, "height": 9}]"#
        #expect(try Self.violations(thumbs, command: "thumbs") == [])
        let camel = #"[{"path": "t.jpg", "requestedSeconds": 1, "pts_s": 1, "width": 16, "height": 9}]"#
        #expect(try Self.violations(camel, command: "thumbs").count >= 2)
        #expect(try Self.nonSnakeKeys(camel) == ["requestedSeconds"])
    }
}
