import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// `clipkit check` end to end: the built binary (beside this test bundle) on clips made here.
struct CheckCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL { CLI.executable }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func clipkit(_ arguments: [String]) async throws -> Run {
        let run = try await CLI.running(
            arguments, environment: ["CLIPKIT_PRESETS": Self.repository.appendingPathComponent("presets").path])
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    func json(_ run: Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func passesAGoodClipUnderThePresetItsSidecarNames() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try FixtureFactory.makeQAClip(at: directory.file("piapi.mp4"), width: 1360, height: 752) { _ in .moving }
        try Data(#"{"request": {"provider": "piapi", "model": "ray-v2", "duration_s": 5, "aspect_ratio": "16:9"}, "preset": "piapi-ray2-5s"}"#.utf8)
            .write(to: URL(fileURLWithPath: directory.file("piapi.clip.json")))

        let run = try await clipkit(["check", clip, "--json"])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        let object = try json(run)
        #expect(Set(object.keys) == ["clips", "summary"])
        #expect(object["summary"] as? [String: Int] == ["pass": 1, "warn": 0, "fail": 0])
        let report = try #require((object["clips"] as? [[String: Any]])?.first)
        #expect(report["path"] as? String == clip)
        #expect(report["verdict"] as? String == "pass")
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.compactMap { $0["name"] as? String } == CheckName.allCases.filter { $0 != .seams }.map(\.rawValue))
        let resolution = try #require(checks.first { $0["name"] as? String == "resolution" })
        #expect((resolution["expected"] as? String)?.contains("typically 1360x752") == true)

        let table = try await clipkit(["check", clip])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("PASS  \(clip)"))
        #expect(table.stdout.contains("preset piapi-ray2-5s (sidecar, 16:9)"))
        #expect(table.stdout.hasSuffix("1 clip: 1 pass, 0 warn, 0 fail\n"))

        // A flag overrides the sidecar: the same clip is not 9:16.
        let overridden = try await clipkit(["check", clip, "--expect-aspect", "9:16"])
        #expect(overridden.status == 1)
        #expect(overridden.stdout.contains("fail  aspect"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func failsADirectoryOfBrokenClipsWithoutCrashing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = directory.file("clips")
        try FileManager.default.createDirectory(atPath: folder + "/nested", withIntermediateDirectories: true)
        try FixtureFactory.makeQAClip(at: folder + "/a-good.mp4") { _ in .moving }
        let cut = try FixtureFactory.makeQAClip(at: folder + "/b-cut.mp4") { _ in .moving }
        try FixtureFactory.truncate(cut, keeping: 0.5)
        FileManager.default.createFile(atPath: folder + "/c-empty.mov", contents: Data())
        try FixtureFactory.makeErrorPage(at: folder + "/nested/d-page.mp4")
        try Data("not a clip".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        let junit = directory.file("report.xml")

        let run = try await clipkit(["check", folder, "--json", "--jobs", "2", "--junit", junit])
        #expect(run.status == 1, "\(run.stderr)")
        let object = try json(run)
        #expect(object["summary"] as? [String: Int] == ["pass": 1, "warn": 0, "fail": 3])
        let clips = try #require(object["clips"] as? [[String: Any]])
        #expect(clips.compactMap { ($0["path"] as? String).map { ($0 as NSString).lastPathComponent } } == ["a-good.mp4", "b-cut.mp4", "c-empty.mov", "d-page.mp4"])
        func status(_ clip: [String: Any], _ name: String) -> String? {
            (clip["checks"] as? [[String: Any]])?.first { $0["name"] as? String == name }?["status"] as? String
        }
        #expect(status(clips[1], "readable") == "pass" && status(clips[1], "decodes") == "fail")
        #expect(status(clips[2], "readable") == "fail")
        #expect(status(clips[3], "readable") == "fail")

        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.hasPrefix("<?xml"))
        #expect(xml.contains(#"<testcase classname="\#(folder)/b-cut.mp4" name="decodes">"#))
        #expect(xml.components(separatedBy: "<failure ").count - 1 == 3)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func exitsWithAUsageErrorForBadArguments() async throws {
        let badAspect = try await clipkit(["check", "x.mp4", "--expect-aspect", "wide"])
        #expect(badAspect.status == 64)
        #expect(badAspect.stderr.contains("--expect-aspect 'wide' is not a ratio"))
        let missingPreset = try await clipkit(["check", "x.mp4", "--preset", "no-such-preset"])
        #expect(missingPreset.status == 64)
        #expect(missingPreset.stderr.contains("preset 'no-such-preset' not found"))
        #expect(missingPreset.stderr.contains("piapi-ray2-5s"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func failsAMissingFileAsAClipNotAUsageError() async throws {
        let run = try await clipkit(["check", "/nonexistent/clip.mp4"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAIL  /nonexistent/clip.mp4  no such file"))
    }
}
