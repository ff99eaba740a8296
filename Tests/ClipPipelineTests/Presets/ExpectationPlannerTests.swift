import ClipMedia
import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

struct ExpectationPlannerTests {
    func writeSidecar(_ json: String, beside clip: String) throws {
        try Data(json.utf8).write(to: URL(fileURLWithPath: ClipSidecar.path(for: clip)))
    }

    @Test func findsTheSidecarBesideTheClip() {
        #expect(ClipSidecar.path(for: "/clips/a.mp4") == "/clips/a.clip.json")
    }

    @Test func readsASidecarAndIgnoresKeysItDoesNotKnow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = directory.file("a.mp4")
        try writeSidecar(
            #"{"request": {"provider": "kkiai", "model": "ray-v2", "prompt": "a cat", "duration_s": "5s", "aspect_ratio": "16:9", "resolution": "720p", "loop": false, "seed": 7}, "preset": null, "task_id": "x", "timings": {}}"#,
            beside: clip)
        let sidecar = try #require(try ClipSidecar.load(for: clip))
        #expect(sidecar.request?.durationSeconds == 5)
        #expect(sidecar.request?.provider == "kkiai")
        #expect(sidecar.preset == nil)
    }

    @Test func usesThePresetTheSidecarNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = directory.file("a.mp4")
        try writeSidecar(#"{"request": {"provider": "piapi", "aspect_ratio": "4:3", "duration_s": 5}, "preset": "piapi-ray2-5s"}"#, beside: clip)
        let plan = ExpectationPlanner(library: RepositoryPresets.library).plan(for: clip)
        #expect(plan.source == "preset piapi-ray2-5s (sidecar, 4:3)")
        #expect(plan.expectations.aspect?.anyOf == [Ratio(4, 3)])
        #expect(plan.expectations.resolution?.typical == "1152x864")
    }

    @Test func matchesAPresetToTheSidecarRequest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = directory.file("a.mp4")
        try writeSidecar(#"{"request": {"provider": "luma", "model": "ray-2", "duration_s": 9, "resolution": "540p", "aspect_ratio": "9:16"}}"#, beside: clip)
        let plan = ExpectationPlanner(library: RepositoryPresets.library).plan(for: clip)
        #expect(plan.source.hasPrefix("preset luma-ray2-540p-9s"))
        #expect(abs((plan.expectations.duration?.seconds ?? 0) - 217.0 / 24) < 0.001)
    }

    @Test func derivesExpectationsFromARequestNoPresetMatches() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = directory.file("a.mp4")
        try writeSidecar(#"{"request": {"provider": "elsewhere", "duration_s": 5, "aspect_ratio": "1:1", "resolution": "720p"}}"#, beside: clip)
        let plan = ExpectationPlanner(library: RepositoryPresets.library).plan(for: clip)
        #expect(plan.source == "sidecar request")
        #expect(abs((plan.expectations.duration?.seconds ?? 0) - 121.0 / 24) < 0.001)
        #expect(plan.expectations.aspect?.anyOf == [Ratio(1, 1)])
        #expect(plan.expectations.resolution?.label == "720p")
    }

    @Test func letsFlagsOverrideTheSidecar() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = directory.file("a.mp4")
        try writeSidecar(#"{"preset": "piapi-ray2-5s", "request": {"aspect_ratio": "16:9"}}"#, beside: clip)
        let overrides = ExpectationPlanner.Overrides(durationSeconds: 9, aspect: Ratio(9, 16), fps: 30)
        let plan = ExpectationPlanner(library: RepositoryPresets.library, overrides: overrides).plan(for: clip)
        #expect(plan.expectations.duration?.seconds == 9)
        #expect(plan.expectations.aspect?.anyOf == [Ratio(9, 16)])
        #expect(plan.expectations.fps?.fps == 30)
        #expect(plan.expectations.resolution?.typical == "752x1360")
    }

    @Test func fallsBackToTheDefaultPresetAndWarnsOfABrokenSidecar() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = directory.file("a.mp4")
        let plain = ExpectationPlanner(library: RepositoryPresets.library).plan(for: clip)
        #expect(plain.source == "default")
        #expect(plain.expectations.duration == nil && plain.expectations.aspect == nil)
        try writeSidecar("<html>", beside: clip)
        let broken = ExpectationPlanner(library: RepositoryPresets.library).plan(for: clip)
        #expect(broken.source == "default")
        #expect(broken.warnings.count == 1)
        #expect(broken.warnings.first?.contains("a.clip.json") == true)
    }
}
