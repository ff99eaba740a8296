import ClipMedia
import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

struct GalleryBuilderTests {
    @Test func buildsAManifestWithAssetsForEveryClip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("wide.mp4", in: clips)
        try GalleryTestClips.good("tall.mp4", in: clips, width: 180, height: 320)
        let site = directory.file("site")
        let report = try await GalleryBuilder(inputs: [clips], site: site, jobs: 2).build()
        #expect(report.rendered == 2 && report.reused == 0 && report.failed == 0)

        let manifest = try GalleryManifest.read(path: site + "/manifest.json")
        #expect(manifest.clips.map(\.name) == ["tall.mp4", "wide.mp4"])
        for entry in manifest.clips {
            #expect(entry.status == .ok)
            let assets = try #require(entry.assets)
            let folder = site + "/" + (try #require(entry.assetDirectory))
            for file in assets.files { #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)") }
            let video = try #require(entry.probe?.video)
            #expect(abs(ThumbHash.approximateAspectRatio(assets.thumbHash) - video.displayAspect) / video.displayAspect < 0.2)
            // The clip is reachable from the page by a relative URL.
            let media = try #require(entry.media)
            #expect(try Data(contentsOf: URL(fileURLWithPath: site + "/" + media)) == Data(contentsOf: URL(fileURLWithPath: clips + "/" + entry.name)))
            #expect(entry.source == "clips/" + entry.name, "the source is named from the input folder, not the machine's absolute path")
        }
        let page = try String(contentsOfFile: site + "/index.html", encoding: .utf8)
        #expect(page.contains("\"name\":\"wide.mp4\""))
        #expect(!page.contains("http://") && !page.contains("https://"), "no external resources")
    }

    @Test func rerunWithNothingChangedDoesNoWork() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("a.mp4", in: clips)
        try GalleryTestClips.good("b.mp4", in: clips)
        try GalleryTestClips.htmlPage("c.mp4", in: clips)
        let site = directory.file("site")
        let builder = GalleryBuilder(inputs: [clips], site: site)
        let first = try await builder.build()
        #expect(first.rendered == 3)
        let poster = site + "/" + first.manifest.clips[0].assetDirectory! + "/poster-320.jpg"
        let posterDate = try GalleryTestClips.modificationDate(poster)

        let second = try await builder.build()
        #expect(second.rendered == 0)
        #expect(second.reused == 3)
        #expect(try GalleryTestClips.modificationDate(poster) == posterDate)
        #expect(second.manifest.clips.map(\.fingerprint) == first.manifest.clips.map(\.fingerprint))
        #expect(second.manifest.clips.map(\.assets) == first.manifest.clips.map(\.assets))
    }

    @Test func changedClipOrSettingsAreProcessedAgain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("a.mp4", in: clips)
        try GalleryTestClips.good("b.mp4", in: clips)
        let site = directory.file("site")
        _ = try await GalleryBuilder(inputs: [clips], site: site).build()

        try GalleryTestClips.good("b.mp4", in: clips, frames: 30)
        let changed = try await GalleryBuilder(inputs: [clips], site: site).build()
        #expect(changed.rendered == 1 && changed.reused == 1)

        var settings = GallerySettings()
        settings.assets.previewWidth = 160
        let resized = try await GalleryBuilder(inputs: [clips], site: site, settings: settings).build()
        #expect(resized.rendered == 2)
        #expect(resized.manifest.clips.allSatisfy { $0.assets?.preview.width == 160 })
    }

    @Test func removedClipLeavesTheManifestAndTheSite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("keep.mp4", in: clips)
        let gone = try GalleryTestClips.good("gone.mp4", in: clips)
        let site = directory.file("site")
        let first = try await GalleryBuilder(inputs: [clips], site: site).build()
        let goneEntry = try #require(first.manifest.clips.first { $0.name == "gone.mp4" })

        try FileManager.default.removeItem(atPath: gone)
        let second = try await GalleryBuilder(inputs: [clips], site: site).build()
        #expect(second.removed == 1 && second.rendered == 0)
        let manifest = try GalleryManifest.read(path: site + "/manifest.json")
        #expect(manifest.clips.map(\.name) == ["keep.mp4"])
        #expect(!FileManager.default.fileExists(atPath: site + "/" + goneEntry.assetDirectory!))
        #expect(!FileManager.default.fileExists(atPath: site + "/" + goneEntry.media!))
    }

    @Test func badClipsGetAnErrorEntryAndTheRunGoesOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        let good = try GalleryTestClips.good("good.mp4", in: clips)
        try GalleryTestClips.htmlPage("error-page.mp4", in: clips)
        try Data().write(to: URL(fileURLWithPath: clips + "/empty.mp4"))
        try GalleryTestClips.truncated("cut.mp4", in: clips, from: good, fraction: 0.02)
        let site = directory.file("site")
        let report = try await GalleryBuilder(inputs: [clips], site: site).build()
        let byName = Dictionary(uniqueKeysWithValues: report.manifest.clips.map { ($0.name, $0) })
        #expect(report.manifest.clips.count == 4)
        #expect(byName["good.mp4"]?.status == .ok)
        #expect(byName["error-page.mp4"]?.status == .error)
        #expect(byName["error-page.mp4"]?.error?.contains("HTML") == true)
        #expect(byName["empty.mp4"]?.error?.contains("empty") == true)
        #expect(byName["cut.mp4"]?.status == .error)
        #expect(report.failed == 3)
        for entry in report.manifest.clips where entry.status == .error {
            #expect(entry.error.map { !$0.isEmpty && !$0.contains("\n") && !$0.hasPrefix("/") } == true)
        }
    }

    @Test func sidecarVerdictBecomesTheBadge() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("a.mp4", in: clips)
        try GalleryTestClips.good("b.mp4", in: clips)
        let sidecar = #"{"request": {"prompt": "a cat"}, "qa": {"verdict": "warn", "checks": [{"name": "duration", "status": "warn", "message": "4.9 s, expected 5 s"}, {"name": "aspect", "status": "pass"}]}}"#
        try Data(sidecar.utf8).write(to: URL(fileURLWithPath: clips + "/a.clip.json"))
        let report = try await GalleryBuilder(inputs: [clips], site: directory.file("site")).build()
        let a = try #require(report.manifest.clips.first { $0.name == "a.mp4" })
        #expect(a.qa == GalleryQA(verdict: .warn, source: .sidecar, findings: [.init(name: "duration", status: "warn", message: "4.9 s, expected 5 s")]))
        #expect(report.manifest.clips.first { $0.name == "b.mp4" }?.qa == nil)
    }

    @Test func qualityCheckRunsOnClipsWithoutASidecar() async throws {
        struct ShortIsAFail: GalleryQualityCheck {
            func check(path: String, info: MediaInfo) throws -> GalleryQA {
                (info.video?.frameCount ?? 0) < 40 ? GalleryQA(verdict: .fail, source: .check, findings: [.init(name: "duration", status: "fail")])
                    : GalleryQA(verdict: .pass, source: .check)
            }
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("long.mp4", in: clips)
        try GalleryTestClips.good("short.mp4", in: clips, frames: 20)
        let report = try await GalleryBuilder(inputs: [clips], site: directory.file("site"), qualityCheck: ShortIsAFail()).build()
        #expect(report.manifest.clips.map { $0.qa?.verdict } == [.pass, .fail])
    }

    @Test func aValidatorCheckRunsInThePicturesPassNotApart() async throws {
        /// A check that can share the pass; `check` must then never be called.
        struct SharedOnly: GalleryQualityCheck {
            func check(path: String, info: MediaInfo) throws -> GalleryQA {
                GalleryQA(verdict: .fail, source: .check, findings: [.init(name: "ran apart", status: "fail")])
            }
            func sharedPass(for path: String) -> GallerySharedCheck? {
                GallerySharedCheck(expectations: ClipExpectations(duration: DurationExpectation(seconds: 1)), basis: "one second")
            }
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("long.mp4", in: clips)
        try GalleryTestClips.good("short.mp4", in: clips, frames: 24)
        let report = try await GalleryBuilder(inputs: [clips], site: directory.file("site"), qualityCheck: SharedOnly()).build()
        let qa = report.manifest.clips.map { $0.qa }
        #expect(qa.map { $0?.verdict } == [.fail, .pass])
        #expect(qa.allSatisfy { $0?.basis == "one second" && $0?.findings.contains { $0.name == "ran apart" } == false })
        #expect(qa[0]?.findings.map(\.name) == ["duration"])
        #expect(report.manifest.clips.allSatisfy { $0.status == .ok && $0.assets != nil })
    }

    @Test func missingInputIsAnError() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        await #expect(throws: GalleryError.self) {
            try await GalleryBuilder(inputs: [directory.file("nope")], site: directory.file("site")).build()
        }
    }
}
