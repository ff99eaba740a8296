import ClipMedia
import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

/// Every card is judged: without a sidecar, the `default` preset's check decides the badge.
struct GalleryVerdictTests {
    @Test func goodBlackTruncatedAndNonVideoClipsGetDifferentVerdictsWithoutSidecars() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try FixtureFactory.makeQAClip(at: clips + "/good.mp4", frames: 73) { _ in .moving }
        try FixtureFactory.makeQAClip(at: clips + "/black.mp4", frames: 73) { _ in .black }
        let cut = try FixtureFactory.makeQAClip(at: clips + "/cut.mp4", frames: 73) { _ in .moving }
        try FixtureFactory.truncate(cut, keeping: 0.6)
        try FixtureFactory.makeErrorPage(at: clips + "/page.mp4")
        let site = directory.file("site")
        let report = try await GalleryBuilder(
            inputs: [clips], site: site, jobs: 2, qualityCheck: GalleryPresetCheck(library: .standard())
        ).build()
        let qa = Dictionary(uniqueKeysWithValues: report.manifest.clips.map { ($0.name, $0.qa) })

        let good = try #require(qa["good.mp4"] ?? nil)
        #expect(good.verdict == .pass, "\(good.findings)")
        #expect(good.source == .check && good.basis == "default")
        let black = try #require(qa["black.mp4"] ?? nil)
        #expect(black.verdict == .fail)
        #expect(black.findings.contains { $0.name == "black" && $0.status == "fail" })
        let truncated = try #require(qa["cut.mp4"] ?? nil)
        #expect(truncated.verdict == .fail)
        #expect(truncated.findings.contains { $0.name == "decodes" && $0.status == "fail" }, "\(truncated.findings)")
        let page = try #require(qa["page.mp4"] ?? nil)
        #expect(page.verdict == .fail)
        #expect(page.findings.map(\.name) == ["readable"])
        // The badges the page draws from these: four different outcomes, none "unchecked".
        #expect(report.manifest.clips.allSatisfy { $0.qa != nil })
    }

    @Test func clipsAreUncheckedOnlyWithoutACheck() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try FixtureFactory.makeQAClip(at: clips + "/black.mp4", frames: 49) { _ in .black }
        let report = try await GalleryBuilder(
            inputs: [clips], site: directory.file("site"), settings: GallerySettings(check: false), qualityCheck: nil
        ).build()
        #expect(report.manifest.clips.map(\.qa) == [nil])
    }

    @Test func manifestAndPageHoldNoAbsolutePathOfTheBuildingMachine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("a.mp4", in: clips)
        try GalleryTestClips.htmlPage("broken.mp4", in: clips)
        let site = directory.file("site")
        _ = try await GalleryBuilder(inputs: [clips], site: site, qualityCheck: GalleryPresetCheck()).build()
        let root = URL(fileURLWithPath: directory.path).standardizedFileURL.path
        for file in ["manifest.json", "index.html"] {
            let text = try String(contentsOfFile: site + "/" + file, encoding: .utf8)
            #expect(!text.contains(root), "\(file) names \(root)")
            #expect(!text.contains(root.replacingOccurrences(of: "/", with: "\\/")), "\(file) names \(root) (escaped)")
        }
        let manifest = try GalleryManifest.read(path: site + "/manifest.json")
        #expect(manifest.clips.map(\.source) == ["clips/a.mp4", "clips/broken.mp4"])
    }
}
