import ClipMedia
import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

struct PresetLibraryTests {
    @Test func loadsEveryRepositoryPresetUnderItsFileName() throws {
        let library = RepositoryPresets.library
        let names = library.availableNames()
        #expect(names.contains("default"))
        #expect(names.count >= 15)
        for name in names {
            let preset = try library.load(name)
            #expect(preset.name == name)
        }
    }

    @Test func coversEveryProviderAtItsDurations() throws {
        let requests = RepositoryPresets.library.all().compactMap(\.request)
        func durations(_ provider: String) -> Set<Double> {
            Set(requests.filter { $0.provider == provider }.compactMap(\.durationSeconds))
        }
        #expect(durations("piapi") == [5, 10])
        #expect(durations("kkiai") == [5])
        #expect(durations("pixwith") == [5, 9])
        #expect(durations("luma") == [5, 9])
        let lumaResolutions = Set(requests.filter { $0.provider == "luma" }.compactMap(\.resolution))
        #expect(lumaResolutions == ["540p", "720p", "1080p"])
    }

    @Test func narrowsAPresetToTheRequestedShape() throws {
        let preset = try RepositoryPresets.library.load("piapi-ray2-5s")
        let wide = preset.expectations(aspectRatio: "16:9")
        #expect(wide.aspect?.anyOf == [Ratio(16, 9)])
        #expect(wide.resolution?.typical == "1360x752")
        #expect(abs((wide.duration?.seconds ?? 0) - 121.0 / 24) < 0.001)
        let any = preset.expectations(aspectRatio: nil)
        #expect(any.aspect?.anyOf.count == preset.aspectRatios.count)
        #expect(any.resolution?.typical == nil)
    }

    @Test func acceptsTheWebAppSizesNotJust1280x720() throws {
        let preset = try RepositoryPresets.library.load("piapi-ray2-5s")
        for (aspect, size) in preset.sizes {
            let parts = size.split(separator: "x").compactMap { Int($0) }
            let shortSide = parts.min() ?? 0
            let resolution = try #require(preset.expect.resolution)
            #expect((resolution.minShortSide ?? 0)...(resolution.maxShortSide ?? .max) ~= shortSide, "\(aspect) \(size)")
            let ratio = Double(parts[0]) / Double(parts[1])
            let wanted = try #require(Ratio(parsing: aspect)).value
            #expect(abs(ratio / wanted - 1) <= preset.expect.aspect?.tolerance ?? 0, "\(aspect) \(size)")
        }
    }

    @Test func namesWhereItLookedAndWhatExistsWhenAPresetIsMissing() {
        #expect {
            try RepositoryPresets.library.load("no-such-preset")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("preset 'no-such-preset' not found") && text.contains(RepositoryPresets.directory)
                && text.contains("piapi-ray2-5s")
        }
    }

    @Test func loadsAPresetByPathAndRejectsAnInvalidOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = directory.file("mine.json")
        try Data(#"{"name": "mine", "expect": {"duration": {"seconds": 3}}, "extra": true}"#.utf8).write(to: URL(fileURLWithPath: good))
        let preset = try RepositoryPresets.library.load(good)
        #expect(preset.expect.duration?.seconds == 3)
        #expect(preset.expect.duration?.toleranceSeconds == 0.1)
        let bad = directory.file("bad.json")
        try Data(#"{"name": "bad", "expect": {"aspect": {"any_of": ["wide"]}}}"#.utf8).write(to: URL(fileURLWithPath: bad))
        #expect {
            try RepositoryPresets.library.load(bad)
        } throws: { error in
            String(describing: error).contains("'wide' is not an aspect ratio")
        }
    }

    @Test func searchesTheEnvironmentThenTheWorkingDirectoryThenBesideTheExecutable() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let binary = root.file("repo/.build/debug")
        try FileManager.default.createDirectory(atPath: binary, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.file("repo/presets"), withIntermediateDirectories: true)
        let library = PresetLibrary.standard(
            environment: ["CLIPKIT_PRESETS": "/a:/b"], currentDirectory: "/work",
            executablePath: binary + "/clipkit")
        #expect(library.directories == ["/a", "/b", "/work/presets", URL(fileURLWithPath: root.file("repo/presets")).resolvingSymlinksInPath().path])
    }

    @Test func passesAGoodClipUnderItsPreset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // What PiAPI returns for a 5 s 16:9 request: 1360x752, 121 frames at 24 fps.
        let path = try FixtureFactory.makeQAClip(at: directory.file("piapi.mp4"), width: 1360, height: 752) { _ in .moving }
        let preset = try RepositoryPresets.library.load("piapi-ray2-5s")
        let report = ClipValidator(expectations: preset.expectations(aspectRatio: "16:9")).validate(path: path)
        #expect(report.verdict == .pass, "\(report.checks.filter { $0.status != .pass })")
        let under1080 = try RepositoryPresets.library.load("luma-ray2-1080p-5s")
        #expect(ClipValidator(expectations: under1080.expectations(aspectRatio: "16:9")).validate(path: path)[.resolution]?.status == .fail)
    }
}
